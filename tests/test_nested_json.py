"""JSON documents in database columns are reported per field path (``payload#customer.contact.email``),
as JSON files are, on SQLite, PostgreSQL (jsonb) and MariaDB (JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from tests.conftest import new_maria_database, new_pg_database


def _documents(n: int) -> list[dict]:
    return [
        {
            "customer": {
                "contact": {
                    "email": f"buyer{i}@shop{i % 7}.example.org",
                    "phone": f"+1 415 555 {1000 + i:04d}",
                },
                "tier": ["gold", "silver", "bronze"][i % 3],
            },
            "items": [{"sku": f"SKU-{i}", "qty": i % 4 + 1}],
        }
        for i in range(n)
    ]


def _seed(url: str) -> None:
    engine = sa.create_engine(url)
    json_type = postgresql.JSONB() if engine.dialect.name == "postgresql" else sa.JSON()
    meta = sa.MetaData()
    orders = sa.Table(
        "orders",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("payload", json_type),
        sa.Column("raw_event", sa.Text),  # JSON kept as text
        sa.Column("remark", sa.Text),  # prose with one JSON-looking value: not split
    )
    meta.create_all(engine)
    docs = _documents(60)
    rows = [
        {
            "id": i + 1,
            "payload": doc,
            "raw_event": json.dumps({"actor": {"email": doc["customer"]["contact"]["email"]}}),
            "remark": '{"note": "call back"}' if i == 0 else f"delivered on day {i}",
        }
        for i, doc in enumerate(docs)
    ]
    with engine.begin() as conn:
        conn.execute(orders.insert(), rows)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.sqlite'}"
        drop = None
    elif request.param == "postgresql":
        url, drop = new_pg_database(request.getfixturevalue("pg_admin"))
    else:
        url, drop = new_maria_database(request.getfixturevalue("maria_admin"))
    _seed(url)
    yield url
    if drop:
        drop()


def test_json_columns_are_reported_per_field_path(cli, shop: str) -> None:
    run = cli("scan", shop, "-f", "csv", "-q", "-p", "xwms")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    found = {(r["location"].split(".", 1)[1], r["entity"]): r for r in rows}
    email = found[("orders.payload#customer.contact.email", "EMAIL_ADDRESS")]
    assert (email["matches"], email["sampled"], email["category"]) == ("60", "60", "A")
    assert ("orders.payload#customer.contact.phone", "PHONE_NUMBER") in found
    assert ("orders.raw_event#actor.email", "EMAIL_ADDRESS") in found  # JSON in a text column
    assert not [k for k in found if k[0] in ("orders.payload", "orders.raw_event")]  # not the whole document
    assert not [k for k in found if k[0].startswith("orders.remark#")]  # prose stays prose


def test_json_field_locations_are_database_locations_in_every_report(cli, shop: str, tmp_path: Path) -> None:
    """SARIF keeps them columns (a table URI and the field as logical location), JSON too."""
    sarif, report = tmp_path / "r.sarif", tmp_path / "r.json"
    cli("scan", shop, "-q", "-p", "xwms", "-f", "sarif", "-o", str(sarif), "-f", "json", "-o", str(report))
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    nested = [r for r in results if "#" in r["properties"]["location"]]
    assert nested
    for r in nested:
        (logical,) = r["locations"][0]["logicalLocations"]
        assert logical["kind"] == "column" and logical["name"].startswith(("payload#", "raw_event#"))
    doc = json.loads(report.read_text())
    kinds = {r["location_kind"] for r in doc["results"] if "#" in r["location"]}
    assert kinds == {"column"}
