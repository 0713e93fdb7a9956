"""End to end on SQLite, PostgreSQL and MariaDB: a table's name and its other columns are context.

Biometric templates in plain ``embedding``/``vector`` columns of face and speaker tables (float
arrays, pgvector-style text, JSON text longer than a sampled cell, packed float32 blobs) are
found and are never phone numbers; lookup tables (countries, languages, a vocabulary) yield no
places, groups or genders while a table of people keeps them; medical record numbers, insurance
ids, marital status, sexual orientation and click streams are found, and so is personal data
under generic names (``field_a`` ...), by its values.
"""

from __future__ import annotations

import json
import random
import struct

import pytest
import sqlalchemy as sa
from conftest import new_maria_database, new_pg_database
from sqlalchemy.dialects import mysql, postgresql

RNG = random.Random(2026)
DIMS = 512
COUNTRIES = [("France", "Paris"), ("Germany", "Berlin"), ("Italy", "Rome"), ("Spain", "Madrid"),
             ("Portugal", "Lisbon"), ("Norway", "Oslo"), ("Sweden", "Stockholm"), ("Poland", "Warsaw"),
             ("Austria", "Vienna"), ("Greece", "Athens"), ("Hungary", "Budapest"), ("Ireland", "Dublin"),
             ("Finland", "Helsinki"), ("Denmark", "Copenhagen"), ("Belgium", "Brussels"),
             ("Netherlands", "Amsterdam"), ("Czechia", "Prague"), ("Romania", "Bucharest"),
             ("Bulgaria", "Sofia"), ("Croatia", "Zagreb"), ("Japan", "Tokyo"), ("Kenya", "Nairobi"),
             ("Peru", "Lima"), ("Chile", "Santiago"), ("Egypt", "Cairo"), ("Canada", "Ottawa"),
             ("Mexico", "Mexico City"), ("India", "New Delhi"), ("Thailand", "Bangkok"), ("Cuba", "Havana")]
LANGUAGES = ["French", "German", "Italian", "Spanish", "Portuguese", "Norwegian", "Swedish", "Polish",
             "Greek", "Hungarian", "Irish", "Finnish", "Danish", "Dutch", "Czech", "Romanian",
             "Bulgarian", "Croatian", "Japanese", "Swahili", "Quechua", "Arabic", "Hindi", "Thai"]
FIRST = ["Amelia", "Oskar", "Priya", "Mateo", "Ingrid", "Tobias", "Leila", "Rupert", "Noor", "Casimir",
         "Fenna", "Dario", "Maren", "Idris", "Solveig", "Anselm", "Yara", "Lorcan", "Elif", "Benedikt"]
LAST = ["Halloran", "Verhoeven", "Castellanos", "Okonkwo", "Lindqvist", "Marchetti", "Abernathy",
        "Szymanski", "Delacroix", "Thorsen", "Baptiste", "Kowalczyk", "Ferreira", "Nakagawa", "Brennan"]
SELECTORS = ["button#checkout", "div.nav > a.home", "a[href='/cart']", "#search-input",
             "ul.menu li:nth-child(3) > a", "form#login input[name='email']", "span.badge",
             "img.product-thumb", "nav > a.account"]


def _embedding() -> list[float]:
    return [round(RNG.gauss(0, 0.05), 6) for _ in range(DIMS)]


def _person() -> str:
    return f"{RNG.choice(FIRST)} {RNG.choice(LAST)}"


def _tables(dialect: str) -> tuple[sa.MetaData, dict[str, list[dict]]]:
    """Tables shaped like real ones, with the column types each database stores vectors in."""
    md = sa.MetaData()
    long_text = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
    blob = sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
    floats = postgresql.ARRAY(sa.Float) if dialect == "postgresql" else long_text
    pk = {"primary_key": True, "autoincrement": False}
    sa.Table("face_embeddings", md, sa.Column("id", sa.Integer, **pk), sa.Column("embedding", floats))
    sa.Table("faces", md, sa.Column("id", sa.Integer, **pk), sa.Column("captured", sa.String(30)),
             sa.Column("vector", long_text if dialect == "postgresql" else blob))
    sa.Table("speakers", md, sa.Column("id", sa.Integer, **pk), sa.Column("xvector", long_text))
    sa.Table("utterances", md, sa.Column("id", sa.Integer, **pk), sa.Column("spk_emb", floats))
    sa.Table("countries", md, sa.Column("code", sa.String(3), **pk), sa.Column("name", sa.String(60)),
             sa.Column("capital", sa.String(60)))
    sa.Table("languages", md, sa.Column("id", sa.Integer, **pk), sa.Column("language", sa.String(40)),
             sa.Column("nationality", sa.String(40)))
    sa.Table("vocabulary", md, sa.Column("id", sa.Integer, **pk), sa.Column("word", sa.String(40)),
             sa.Column("gender", sa.String(12)))
    sa.Table("customers", md, sa.Column("id", sa.Integer, **pk), sa.Column("full_name", sa.String(80)),
             sa.Column("city", sa.String(60)), sa.Column("country", sa.String(60)))
    sa.Table("patients", md, sa.Column("id", sa.Integer, **pk), sa.Column("mrn", sa.String(12)),
             sa.Column("insurance_member_id", sa.String(14)), sa.Column("marital_status", sa.String(12)),
             sa.Column("sexual_orientation", sa.String(20)))
    sa.Table("ui_events", md, sa.Column("id", sa.Integer, **pk), sa.Column("user_id", sa.Integer),
             sa.Column("clicked_element", sa.String(80)),
             sa.Column("css_selector", sa.String(80)))
    sa.Table("form_answers", md, sa.Column("id", sa.Integer, **pk), *(sa.Column(f"field_{c}", sa.String(80))
                                                                       for c in "abcde"))
    sa.Table("shippers", md, sa.Column("id", sa.Integer, **pk), sa.Column("company_name", sa.String(60)),
             sa.Column("phone", sa.String(30)), sa.Column("homepage", sa.String(80)),
             sa.Column("fare", sa.Float))
    sa.Table("films", md, sa.Column("id", sa.Integer, **pk), sa.Column("title", sa.String(80)),
             sa.Column("director", sa.String(80)), sa.Column("synopsis", sa.Text),
             sa.Column("country", sa.String(60)))
    sa.Table("staff", md, sa.Column("id", sa.Integer, **pk), sa.Column("first_name", sa.String(40)),
             sa.Column("title", sa.String(40)), sa.Column("notes", sa.Text))
    return md, _rows(dialect)


def _rows(dialect: str) -> dict[str, list[dict]]:
    n = 60
    pg = dialect == "postgresql"

    def as_floats(vec: list[float]) -> object:
        return vec if pg else json.dumps(vec)  # SQLite and MariaDB: JSON text, longer than a cell

    def packed(vec: list[float]) -> object:
        if pg:  # pgvector's text form
            return "[" + ",".join(f"{x:g}" for x in vec) + "]"
        return struct.pack(f"<{len(vec)}f", *vec)

    word_genders = ["masculine", "feminine", "neuter"]
    plots = ["When {p} returns to {c}, an old secret threatens the family business.",
             "A retired detective and {p} chase a forger across {c} in this comedy.",
             "{p} trains a stubborn team for the final match of the season."]
    return {
        "face_embeddings": [{"id": i, "embedding": as_floats(_embedding())} for i in range(n)],
        "faces": [{"id": i, "captured": f"2025-0{1 + i % 9}-1{i % 10}", "vector": packed(_embedding())}
                  for i in range(n)],
        "speakers": [{"id": i, "xvector": json.dumps(_embedding())} for i in range(n)],
        "utterances": [{"id": i, "spk_emb": as_floats(_embedding())} for i in range(n)],
        "countries": [{"code": f"C{i:02d}", "name": c, "capital": cap}
                      for i, (c, cap) in enumerate(COUNTRIES)],
        "languages": [{"id": i, "language": lang, "nationality": lang} for i, lang in enumerate(LANGUAGES)],
        "vocabulary": [{"id": i, "word": f"wort{i}", "gender": RNG.choice(word_genders)} for i in range(n)],
        "customers": [{"id": i, "full_name": _person(), "city": RNG.choice(COUNTRIES)[1],
                       "country": RNG.choice(COUNTRIES)[0]} for i in range(n)],
        "patients": [{"id": i, "mrn": f"{RNG.randint(10**7, 10**8 - 1)}",
                      "insurance_member_id": f"W{RNG.randint(10**8, 10**9 - 1)}",
                      "marital_status": RNG.choice(["MARRIED", "SINGLE", "WIDOWED", "DIVORCED"]),
                      "sexual_orientation": RNG.choice(["heterosexual", "gay", "lesbian", "bisexual"])}
                     for i in range(n)],
        "ui_events": [{"id": i, "user_id": RNG.randint(1, 40), "clicked_element": RNG.choice(SELECTORS),
                       "css_selector": RNG.choice(SELECTORS)} for i in range(n)],
        "shippers": [{"id": i, "company_name": f"{RNG.choice(LAST)} {RNG.choice(['Freight', 'Cargo'])}",
                      "phone": f"(503) 555-{RNG.randint(1000, 9999)}", "fare": round(RNG.uniform(9, 90)),
                      "homepage": f"https://www.{RNG.choice(LAST).lower()}-freight.example/"}
                     for i in range(12)],
        "films": [{"id": i, "title": f"{RNG.choice(FIRST)} {RNG.choice(LAST)}", "director": _person(),
                   "synopsis": RNG.choice(plots).format(p=_person(), c=RNG.choice(COUNTRIES)[1]),
                   "country": RNG.choice(COUNTRIES)[0]} for i in range(n)],
        "staff": [{"id": i, "first_name": RNG.choice(FIRST), "title": RNG.choice(["Manager", "Buyer"]),
                   "notes": f"Joined in {2000 + i % 20} and reports to {_person()} in the regional office."}
                  for i in range(n)],
        "form_answers": [{"id": i,
                          "field_a": f"{RNG.choice(FIRST).lower()}.{RNG.choice(LAST).lower()}@example.org",
                          "field_b": f"+44 20 7946 {RNG.randint(1000, 9999)}", "field_c": _person(),
                          "field_d": RNG.choice(["yes", "no", "maybe"]), "field_e": str(RNG.randint(1, 5))}
                         for i in range(n)],
    }


def _seed(url: str) -> None:
    engine = sa.create_engine(url)
    md, rows = _tables(engine.dialect.name)
    md.create_all(engine)
    with engine.begin() as conn:
        for name, table_rows in rows.items():
            conn.execute(md.tables[name].insert(), table_rows)
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def context_url(request, tmp_path_factory):
    """A database of each kind seeded with the tables above."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ctx') / 'context.sqlite'}"
        _seed(url)
        yield url
        return
    admin = request.getfixturevalue("pg_admin" if request.param == "postgresql" else "maria_admin")
    url, drop = (new_pg_database if request.param == "postgresql" else new_maria_database)(admin)
    try:
        _seed(url)
        yield url
    finally:
        drop()


@pytest.fixture(scope="module")
def found(context_url) -> dict[str, set[str]]:
    from conftest import run_cli

    args = ("-p", "xwms", "-p", "westmonth", "-f", "json", "-q", "--fail-on", "never")
    run = run_cli("scan", context_url, *args)
    assert run.code == 0, run
    out: dict[str, set[str]] = {}
    for r in json.loads(run.stdout)["results"]:
        out.setdefault(".".join(r["location"].split(".")[-2:]), set()).add(r["entity"])
    return out


@pytest.mark.parametrize(
    ("location", "entity"),
    [
        ("face_embeddings.embedding", "FACE_TEMPLATE"),
        ("faces.vector", "FACE_TEMPLATE"),
        ("speakers.xvector", "VOICEPRINT"),
        ("utterances.spk_emb", "VOICEPRINT"),
    ],
)
def test_biometric_templates_named_by_their_table_or_terms_of_art(found, location, entity):
    assert entity in found.get(location, set()), found


def test_vectors_are_never_phone_numbers(found):
    for location in ("face_embeddings.embedding", "faces.vector", "speakers.xvector", "utterances.spk_emb"):
        assert found.get(location, set()) <= {"FACE_TEMPLATE", "VOICEPRINT"}, (location, found.get(location))


def test_lookup_tables_hold_no_personal_places_groups_or_genders(found):
    for location in ("countries.name", "countries.capital", "languages.language", "languages.nationality",
                     "vocabulary.gender"):
        assert not found.get(location), (location, found.get(location))


def test_a_companies_table_holds_no_personal_phones_or_employers(found):
    for column in ("company_name", "phone", "homepage", "fare"):
        assert not found.get(f"shippers.{column}"), (column, found.get(f"shippers.{column}"))


def test_a_catalogue_keeps_its_credits_but_not_its_titles_plots_or_countries(found):
    assert "PERSON" in found.get("films.director", set())
    for location in ("films.title", "films.synopsis", "films.country"):
        assert not found.get(location), (location, found.get(location))


def test_a_table_of_people_with_job_titles_is_no_catalogue(found):
    assert "PERSON" in found.get("staff.notes", set())


def test_a_table_of_people_keeps_its_places(found):
    assert "LOCATION" in found.get("customers.city", set())
    assert "LOCATION" in found.get("customers.country", set())


@pytest.mark.parametrize(
    ("location", "entity"),
    [
        ("patients.mrn", "MEDICAL_RECORD_NUMBER"),
        ("patients.insurance_member_id", "HEALTH_INSURANCE_ID"),
        ("patients.marital_status", "MARITAL_STATUS"),
        ("patients.sexual_orientation", "SEXUAL_ORIENTATION"),
        ("ui_events.clicked_element", "URL"),
        ("ui_events.css_selector", "URL"),
        ("form_answers.field_a", "EMAIL_ADDRESS"),
        ("form_answers.field_b", "PHONE_NUMBER"),
        ("form_answers.field_c", "PERSON"),
    ],
)
def test_identifiers_sensitive_attributes_and_generic_columns(found, location, entity):
    assert entity in found.get(location, set()), found.get(location)


def test_generic_columns_without_personal_values_stay_clean(found):
    assert not found.get("form_answers.field_d") and not found.get("form_answers.field_e")
