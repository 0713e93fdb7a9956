"""End to end on SQLite, PostgreSQL and MariaDB: a table's kind and its foreign keys are context.

A table of students makes its schooling columns education records, a patient's stay makes its
clinical columns health data (a code dictionary with the same columns stays a lookup list), and
a table that points by foreign key to a table of people (a legislator's district offices) holds
their places and phones, while a table people point to (a list of regions) and the same offices
with no key stay clean. A key nobody declared links as well: a column named like another table's
own primary key (``bioguide_id``), whose values are keys there, makes a table of offices a
neighbour of the people table (us_congress's district offices declare no foreign key); the same
column holding codes that are no keys there links nothing. Name rules that expect a shape still
yield to values of another shape.
"""

from __future__ import annotations

import json
import random

import pytest
import sqlalchemy as sa
from conftest import new_maria_database, new_pg_database, run_cli

RNG = random.Random(1010)
N = 40
CITIES = ["Springfield", "Riverton", "Lakewood", "Fairview", "Georgetown", "Salem", "Madison", "Clinton",
          "Franklin", "Arlington", "Ashland", "Dover", "Milton", "Newport", "Oxford", "Burlington"]
STREETS = ["Main Street", "Oak Avenue", "Elm Street", "Maple Drive", "Cedar Lane", "Pine Road"]
DRUGS = ["Heparin", "Furosemide", "Metoprolol", "Insulin", "Vancomycin", "Acetaminophen", "Warfarin"]
ROUTES = ["IV", "PO", "SC", "IM", "NG", "PR"]


def _tables() -> sa.MetaData:
    md = sa.MetaData()
    pk = {"primary_key": True, "autoincrement": False}
    sa.Table("regions", md, sa.Column("id", sa.Integer, **pk), sa.Column("region", sa.String(40)),
             sa.Column("city", sa.String(40)))
    sa.Table("legislators", md, sa.Column("id", sa.Integer, **pk), sa.Column("full_name", sa.String(60)),
             sa.Column("region_ref", sa.Integer, sa.ForeignKey("regions.id")))
    def office_columns() -> tuple[sa.Column, ...]:
        return (sa.Column("city", sa.String(40)), sa.Column("phone", sa.String(20)),
                sa.Column("address", sa.String(60)))

    sa.Table("district_offices", md, sa.Column("id", sa.Integer, **pk),
             sa.Column("ref", sa.Integer, sa.ForeignKey("legislators.id")), *office_columns())
    sa.Table("branch_offices", md, sa.Column("id", sa.Integer, **pk), sa.Column("ref", sa.Integer),
             *office_columns())
    # no foreign key declared: the shared key column and its values are the link
    sa.Table("members", md, sa.Column("bioguide_id", sa.String(7), **pk),
             sa.Column("full_name", sa.String(60)))
    sa.Table("member_offices", md, sa.Column("office_id", sa.String(12), **pk),
             sa.Column("bioguide_id", sa.String(7)), *office_columns())
    sa.Table("venue_offices", md, sa.Column("office_id", sa.String(12), **pk),
             sa.Column("bioguide_id", sa.String(7)), *office_columns())
    sa.Table("student_grades", md, sa.Column("id", sa.Integer, **pk), sa.Column("student_id", sa.Integer),
             *(sa.Column(c, sa.Integer) for c in ("g1", "g2", "failures", "absences", "studytime", "dalc")),
             sa.Column("mjob", sa.String(20)))
    sa.Table("server_stats", md, sa.Column("id", sa.Integer, **pk), sa.Column("host", sa.String(20)),
             sa.Column("failures", sa.Integer), sa.Column("attempts", sa.Integer))
    sa.Table("prescriptions", md, sa.Column("row_id", sa.Integer, **pk), sa.Column("subject_id", sa.Integer),
             sa.Column("hadm_id", sa.Integer), sa.Column("drug_type", sa.String(10)),
             sa.Column("drug", sa.String(40)), sa.Column("route", sa.String(10)))
    sa.Table("d_drugs", md, sa.Column("row_id", sa.Integer, **pk), sa.Column("drug", sa.String(40)),
             sa.Column("route", sa.String(10)))
    sa.Table("employees", md, sa.Column("id", sa.Integer, **pk), sa.Column("first_name", sa.String(30)),
             sa.Column("extension", sa.String(8)), sa.Column("title_of_courtesy", sa.String(8)),
             sa.Column("job_id", sa.String(12)))
    sa.Table("attachments", md, sa.Column("id", sa.Integer, **pk), sa.Column("user_id", sa.Integer),
             sa.Column("extension", sa.String(8)), sa.Column("job_id", sa.Integer))
    return md


def _rows() -> dict[str, list[dict]]:
    def office(i: int) -> dict:
        return {"id": i, "ref": i % 10, "city": RNG.choice(CITIES),
                "phone": f"(202) 555-{RNG.randint(1000, 9999)}",
                "address": f"{RNG.randint(10, 999)} {RNG.choice(STREETS)}"}

    def place(i: int) -> dict:
        return {k: v for k, v in office(i).items() if k not in ("id", "ref")}

    return {
        "regions": [{"id": i, "region": f"Region {i}", "city": CITIES[i]} for i in range(10)],
        "legislators": [{"id": i, "full_name": f"{RNG.choice(['Ada', 'Ben'])} {RNG.choice(['Ng', 'Roe'])}",
                         "region_ref": i} for i in range(10)],
        "district_offices": [office(i) for i in range(N)],
        "branch_offices": [office(i) for i in range(N)],
        "members": [{"bioguide_id": f"M{i:06d}", "full_name": f"{RNG.choice(['Ada', 'Ben'])} Roe"}
                    for i in range(10)],
        "member_offices": [{**place(i), "office_id": f"M{i % 10:06d}-{i}", "bioguide_id": f"M{i % 10:06d}"}
                           for i in range(N)],
        "venue_offices": [{**place(i), "office_id": f"V{i}", "bioguide_id": f"V{i:06d}"} for i in range(N)],
        "student_grades": [{"id": i, "student_id": 1000 + i, "g1": RNG.randint(0, 20),
                            "g2": RNG.randint(0, 20), "failures": RNG.randint(0, 3),
                            "absences": RNG.randint(0, 30),
                            "studytime": RNG.randint(1, 4), "dalc": RNG.randint(1, 5),
                            "mjob": RNG.choice(["teacher", "health", "services", "at_home", "other"])}
                           for i in range(N)],
        "server_stats": [{"id": i, "host": f"web{i:02d}", "failures": RNG.randint(0, 3),
                          "attempts": RNG.randint(1, 9)} for i in range(N)],
        "prescriptions": [{"row_id": i, "subject_id": 10000 + i % 12, "hadm_id": 20000 + i % 15,
                           "drug_type": "MAIN", "drug": RNG.choice(DRUGS), "route": RNG.choice(ROUTES)}
                          for i in range(N)],
        "d_drugs": [{"row_id": i, "drug": d, "route": RNG.choice(ROUTES)} for i, d in enumerate(DRUGS)],
        "employees": [{"id": i, "first_name": RNG.choice(["Nancy", "Andrew", "Janet", "Laura"]),
                       "extension": str(RNG.randint(100, 9999)),
                       "title_of_courtesy": RNG.choice(["Ms.", "Mr."]),
                       "job_id": RNG.choice(["SH_CLERK", "ST_MAN", "IT_PROG", "SA_REP"])} for i in range(N)],
        "attachments": [{"id": i, "user_id": i % 7, "extension": RNG.choice([".pdf", ".png", ".docx"]),
                         "job_id": RNG.randint(1, 10**6)} for i in range(N)],
    }


def _seed(url: str) -> None:
    engine = sa.create_engine(url)
    md = _tables()
    md.create_all(engine)
    rows = _rows()
    with engine.begin() as conn:
        for table in md.sorted_tables:  # referenced tables first
            conn.execute(table.insert(), rows[table.name])
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def found(request, tmp_path_factory) -> dict[str, set[str]]:
    """What a default scan reports per ``table.column`` in a database of each kind."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('dom') / 'domain.sqlite'}", None
    else:
        admin = request.getfixturevalue("pg_admin" if request.param == "postgresql" else "maria_admin")
        url, drop = (new_pg_database if request.param == "postgresql" else new_maria_database)(admin)
    try:
        _seed(url)
        args = ("-p", "xwms", "-p", "westmonth", "-f", "json", "-q", "--fail-on", "never")
        run = run_cli("scan", url, *args)
        assert run.code == 0, run
    finally:
        if drop:
            drop()
    out: dict[str, set[str]] = {}
    for r in json.loads(run.stdout)["results"]:
        out.setdefault(".".join(r["location"].split(".")[-2:]), set()).add(r["entity"])
    return out


def test_a_table_that_references_people_holds_their_places_and_phones(found):
    assert "LOCATION" in found.get("district_offices.city", set())
    assert "PHONE_NUMBER" in found.get("district_offices.phone", set())
    assert "STREET_ADDRESS" in found.get("district_offices.address", set())


def test_the_same_offices_without_a_key_and_a_list_people_point_to_stay_clean(found):
    for column in ("city", "phone", "address"):
        assert not found.get(f"branch_offices.{column}"), (column, found.get(f"branch_offices.{column}"))
    assert not found.get("regions.city") and not found.get("regions.region")


def test_an_undeclared_key_with_matching_values_links_a_table_to_its_people(found):
    assert "LOCATION" in found.get("member_offices.city", set())
    assert "PHONE_NUMBER" in found.get("member_offices.phone", set())
    assert "STREET_ADDRESS" in found.get("member_offices.address", set())


def test_a_column_named_like_a_key_whose_values_are_no_keys_links_nothing(found):
    for column in ("city", "phone", "address"):
        assert not found.get(f"venue_offices.{column}"), (column, found.get(f"venue_offices.{column}"))


@pytest.mark.parametrize("column", ["g1", "g2", "failures", "absences", "studytime"])
def test_a_students_schooling_columns_are_education_records(found, column):
    assert found.get(f"student_grades.{column}") == {"EDUCATION_RECORD"}


def test_a_students_alcohol_use_and_parents_job(found):
    assert found.get("student_grades.dalc") == {"HEALTH_DATA"}
    assert "JOB_TITLE" in found.get("student_grades.mjob", set())


def test_a_servers_failures_are_no_education_record(found):
    assert not found.get("server_stats.failures") and not found.get("server_stats.attempts")


def test_a_patients_prescriptions_are_health_data_but_a_drug_dictionary_is_not(found):
    assert found.get("prescriptions.drug") == {"HEALTH_DATA"}
    assert found.get("prescriptions.route") == {"HEALTH_DATA"}
    assert not found.get("prescriptions.drug_type")
    assert not found.get("d_drugs.drug") and not found.get("d_drugs.route")


def test_extensions_courtesy_titles_and_job_codes_of_employees(found):
    assert "PHONE_NUMBER" in found.get("employees.extension", set())
    assert "GENDER" in found.get("employees.title_of_courtesy", set())
    assert "JOB_TITLE" in found.get("employees.job_id", set())


def test_file_extensions_and_numeric_job_ids_contradict_their_names(found):
    assert not found.get("attachments.extension") and not found.get("attachments.job_id")
