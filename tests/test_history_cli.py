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
