"""The SQL source on real servers: read-only guards, repeatable sampling, sparse columns,
database-native vector and binary types."""

from __future__ import annotations

import csv
import io
import random
import struct

import pytest
import sqlalchemy as sa
from conftest import new_maria_database, new_pg_database

from piscan.sources.sql import SqlOptions, SqlSource

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt " + bytes(200)


def _rows(run) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["location"].split(".", 1)[1], r["entity"]): r for r in csv.DictReader(io.StringIO(run.stdout))}


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def empty_db(request, tmp_path):
    """A fresh, empty database on each server; dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite'}"
        return
    admin = request.getfixturevalue("pg_admin" if request.param == "postgresql" else "maria_admin")
    url, drop = (new_pg_database if request.param == "postgresql" else new_maria_database)(admin)
    yield url
    drop()


def test_connections_are_read_only(empty_db):
    engine = sa.create_engine(empty_db)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id INTEGER)"))
    engine.dispose()
    source = SqlSource(empty_db, SqlOptions())
    try:
        with source.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as info:
            conn.execute(sa.text("INSERT INTO t (id) VALUES (1)"))
            conn.commit()
        assert "read" in str(info.value).lower()
    finally:
        source.close()
    with sa.create_engine(empty_db).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 0


def _fill_sparse(url: str, rows: int = 4000) -> None:
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table(
        "accounts",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan", sa.String(20)),
        sa.Column("backup_contact", sa.String(120)),
    )
    meta.create_all(engine)
    rng = random.Random(7)
    data = [
        {
            "id": i,
            "plan": rng.choice(["free", "pro", "team"]),
            "backup_contact": f"user{i}@mail.example.net" if i % 200 == 0 else None,
        }
        for i in range(1, rows + 1)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(table), data)
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE accounts"))
    engine.dispose()


def test_sampling_is_bounded_repeatable_and_finds_sparse_columns(cli, empty_db):
    _fill_sparse(empty_db)
    args = ("scan", empty_db, "-f", "csv", "-q", "--sample", "300", "--min-non-null", "10")
    first, second = cli(*args), cli(*args)
    assert first.stdout == second.stdout
    found = _rows(first)
    row = found[("accounts.backup_contact", "EMAIL_ADDRESS")]
    assert row["evidence"] == "value"
    assert 1 <= int(row["sampled"]) <= 10 + 3  # the sample's own values plus the top-up
    full = _rows(cli("scan", empty_db, "-f", "csv", "-q", "--full"))
    assert full[("accounts.backup_contact", "EMAIL_ADDRESS")]["sampled"] == "20"


def test_postgres_native_vectors_and_media(cli, pg_admin):
    url, drop = new_pg_database(pg_admin)
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE enrollments (id int, face_vec float8[], voice_print text, photo bytea,"
                    " greeting bytea, note text)"
                )
            )
            conn.execute(sa.text("COMMENT ON COLUMN enrollments.note IS 'free-form'"))
            for i in range(30):
                conn.execute(
                    sa.text("INSERT INTO enrollments VALUES (:i, :face, :voice, :photo, :wav, 'ok')"),
                    {
                        "i": i,
                        "face": [random.Random(i).random() for _ in range(64)],
                        "voice": "[" + ",".join(f"{0.01 * k:.3f}" for k in range(32)) + "]",
                        "photo": JPEG,
                        "wav": WAV,
                    },
                )
        engine.dispose()
        run = cli("scan", url, "-f", "csv", "-q")
        found = _rows(run)
        assert found[("enrollments.face_vec", "FACE_TEMPLATE")]["category"] == "E"
        assert found[("enrollments.voice_print", "VOICEPRINT")]["evidence"] == "value+name"
        assert found[("enrollments.photo", "IMAGE")]["category"] == "H"
        assert found[("enrollments.greeting", "AUDIO_RECORDING")]["declared"] == "no"
        assert not [k for k in found if k[0] == "enrollments.note"]
        assert run.code == 1
    finally:
        drop()


def test_mariadb_blob_templates_and_float_blobs(cli, maria_admin):
    url, drop = new_maria_database(maria_admin)
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE bio (id int, finger_minutiae blob, face_embedding blob,"
                    " embedding_json json)"
                )
            )
            for i in range(12):
                conn.execute(
                    sa.text("INSERT INTO bio VALUES (:i, :fmr, :face, :js)"),
                    {
                        "i": i,
                        "fmr": b"FMR\x00 20\x00" + bytes(60),
                        "face": struct.pack("<128f", *([0.25] * 128)),
                        "js": "[" + ",".join(["0.5"] * 16) + "]",
                    },
                )
        engine.dispose()
        found = _rows(cli("scan", url, "-f", "csv", "-q", "-p", "westmonth"))
        assert found[("bio.finger_minutiae", "FINGERPRINT_TEMPLATE")]["category"] == "biometric"
        assert found[("bio.face_embedding", "FACE_TEMPLATE")]["evidence"] == "value+name"
        assert not [k for k in found if k[0] == "bio.embedding_json"]  # a vector, but no biometric name
    finally:
        drop()


def test_views_only_with_the_flag(cli, tmp_path):
    path = tmp_path / "v.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE base (id int, code text)"))
        conn.execute(sa.text("INSERT INTO base VALUES (1, 'a'), (2, 'b')"))
        conn.execute(
            sa.text("CREATE VIEW contacts AS SELECT id, 'x' || id || '@corp.example.com' AS email FROM base")
        )
    engine.dispose()
    assert not _rows(cli("scan", str(path), "-f", "csv", "-q"))
    found = _rows(cli("scan", str(path), "-f", "csv", "-q", "--views"))
    assert ("contacts.email", "EMAIL_ADDRESS") in found


def test_heroku_style_postgres_urls_open_as_postgresql(cli, pg_url):
    """``postgres://`` (Heroku, libpq) is PostgreSQL: it opens, and reports name it ``postgresql://``."""
    heroku = pg_url.replace("postgresql://", "postgres://", 1).replace(
        "postgresql+psycopg://", "postgres://", 1
    )
    assert heroku.startswith("postgres://")
    source = SqlSource(heroku, SqlOptions())
    assert source.public.startswith("postgresql://") and source.public.endswith(sa.make_url(pg_url).database)
    run = cli("scan", heroku, "-q", "-f", "csv", "-i", "*.customers")
    assert run.code == 0, run
    assert "postgresql://" in run.stdout and "main.customers.email" not in run.stdout
    assert ".customers.email,EMAIL_ADDRESS" in run.stdout
