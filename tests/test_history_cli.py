"""`scan --record`, `history`, `diff` and `export` through the command line."""

from __future__ import annotations

import csv
import io
import shutil

import sqlalchemy as sa


def test_record_history_diff_export(cli, sqlite_url, tmp_path):
    db = tmp_path / "staging.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, db)
    store = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    args = ("scan", str(db), "-p", "xwms", "-q", "-f", "csv", "--fail-on", "never", "--store", store)
    first = cli(*args, "--record")
    assert first.code == 0 and "piscan: recorded scan 1" in first.stderr
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE orders ADD COLUMN contact_email TEXT"))
        conn.execute(sa.text("UPDATE orders SET contact_email = 'buyer' || id || '@shop.example.org'"))
        conn.execute(sa.text("DROP TABLE marketing_profiles"))
    engine.dispose()
    assert "recorded scan 2" in cli(*args, "--record").stderr
    history = cli("history", "--store", store)
    assert history.code == 0 and history.stdout.count(str(db)) >= 2
    diff = cli("diff", "--store", store)
    assert diff.code == 0, diff  # nothing undeclared appeared
    assert "main.orders.contact_email" in diff.stdout and "EMAIL_ADDRESS" in diff.stdout
    assert "main.marketing_profiles.segment" in diff.stdout
    out = tmp_path / "inventory.csv"
    assert cli("export", "--store", store, "-o", str(out)).code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["scan_id"] for r in rows} == {"2"}
    assert any(r["location"] == "main.orders.contact_email" and r["wording"] for r in rows)
    assert not any("marketing_profiles" in r["location"] for r in rows)


def test_store_errors_are_one_line(cli, tmp_path):
    run = cli("history", "--store", "postgresql+psycopg://u:s3cret@127.0.0.1:1/x")
    assert run.code == 2
    assert "s3cret" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_diff_compares_scans_of_the_same_source_by_default(cli, sqlite_url, tmp_path):
    """Scans of A, then B, then A: ``piscan diff`` compares A with A (1 -> 3), not B with A."""
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, a)
    shutil.copy(sa.make_url(sqlite_url).database, b)
    store = str(tmp_path / "inventory.sqlite")
    common = ("-p", "xwms", "-q", "-f", "csv", "--fail-on", "never", "--store", store, "--record")
    for db in (a, b, a):
        assert cli("scan", str(db), "-i", "main.customers", *common).code == 0
    diff = cli("diff", "--store", store)
    assert diff.code == 0, diff
    assert diff.stdout.startswith("scan 1 -> scan 3: no changes")
    explicit = cli("diff", "2", "3", "--store", store)  # explicit ids still compare what they name
    assert explicit.stdout.startswith("scan 2 -> scan 3:") and str(a) in explicit.stdout
    only_b = cli("diff", "--store", store, "--source", str(b))
    assert only_b.code == 2 and "no scan latest~1" in only_b.stderr


def test_a_mistyped_store_path_is_an_error_not_a_new_store(cli, tmp_path):
    missing = tmp_path / "invnetory.sqlite"
    for command in (("history",), ("diff",), ("export",)):
        run = cli(*command, "--store", str(missing))
        assert run.code == 2 and f"no inventory store at {missing}" in run.stderr, run
    assert not missing.exists()


def test_history_and_export_offer_json(cli, sqlite_url, tmp_path):
    import json

    db = tmp_path / "staging.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, db)
    store = str(tmp_path / "inventory.sqlite")
    args = ("scan", str(db), "-i", "main.biometric_enrollments", "-p", "xwms", "-q", "-f", "csv")
    assert cli(*args, "--store", store, "--record").code == 1
    scans = json.loads(cli("history", "--store", store, "-f", "json").stdout)["scans"]
    assert [s["id"] for s in scans] == [1] and scans[0]["targets"] == [str(db)] and scans[0]["undeclared"] > 0
    rows = json.loads(cli("export", "--store", store, "-f", "json").stdout)["inventory"]
    assert rows and {type(r["declared"]) for r in rows} == {bool} and False in {r["declared"] for r in rows}
    assert all(isinstance(r["confidence"], float) for r in rows)
    assert cli("export", "--store", store, "-f", "xml").code == 2
