"""Samples cover the whole table: on a 200,000-row table the sampled ids fall evenly into the
ten deciles of the id range on every database, and the same database gives the same sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from piscan.sources.sql import SqlOptions, SqlSource
from tests.reliability.conftest import execute

ROWS = 200_000
SAMPLE = 1000

FILL = {
    "postgresql": (
        "CREATE TABLE big (id integer PRIMARY KEY, email text)",
        f"INSERT INTO big SELECT i, 'user' || i || '@example.com' FROM generate_series(1, {ROWS}) i",
        "ANALYZE big",
    ),
    "mariadb": (
        "CREATE TABLE big (id integer PRIMARY KEY, email varchar(60)) ENGINE=InnoDB",
        f"INSERT INTO big SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_{ROWS}",
        "ANALYZE TABLE big",
    ),
    "sqlite": (
        "CREATE TABLE big (id integer PRIMARY KEY, email text)",
        f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {ROWS})"
        " INSERT INTO big SELECT i, 'user' || i || '@example.com' FROM s",
    ),
}


@pytest.fixture(params=["postgresql", "mariadb", "sqlite"])
def big_table(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database holding one 200,000-row table with ids 1..200,000 in physical order."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'big.sqlite'}"
    else:
        url = request.getfixturevalue("pg_db" if request.param == "postgresql" else "maria_db")
    execute(url, *FILL[request.param])
    return url


def _sampled_ids(url: str) -> list[int]:
    source = SqlSource(url, SqlOptions(sample_rows=SAMPLE, min_non_null=0))
    try:
        (container,) = [c for c in source.discover() if c.parts[1] == "big"]
        ids: list[int] = []
        for batch in source.read(container):
            ids += [v for v in batch.values.get("id", []) if v is not None]
        return ids
    finally:
        source.close()


def test_sample_is_spread_over_every_decile_and_repeatable(big_table: str) -> None:
    """Each decile of the id range holds 10 % of the sample, within a bound no front-loaded
    sample meets (chi-square over 10 deciles below 40; a uniform sample exceeds 27.9 once in
    a thousand runs), and a second scan draws the very same rows."""
    ids = _sampled_ids(big_table)
    assert 0.8 * SAMPLE <= len(ids) <= SAMPLE, len(ids)
    assert len(set(ids)) == len(ids)
    deciles = [0] * 10
    for i in ids:
        deciles[min(9, (i - 1) * 10 // ROWS)] += 1
    expected = len(ids) / 10
    chi2 = sum((d - expected) ** 2 / expected for d in deciles)
    assert chi2 < 40, deciles
    assert min(deciles) > 0.5 * expected, deciles
    assert sorted(_sampled_ids(big_table)) == sorted(ids)


def test_view_of_a_big_table_is_sampled_over_its_length(pg_db: str) -> None:
    """A PostgreSQL view cannot be page-sampled: its rows are ordered by a hash of each row."""
    execute(pg_db, *FILL["postgresql"], "CREATE VIEW \"Big View\" AS SELECT id, email FROM big")
    source = SqlSource(pg_db, SqlOptions(sample_rows=SAMPLE, min_non_null=0, include_views=True))
    try:
        (view,) = [c for c in source.discover() if c.parts[1] == "Big View"]
        ids = [v for b in source.read(view) for v in b.values.get("id", []) if v is not None]
    finally:
        source.close()
    assert len(ids) == SAMPLE
    deciles = [sum(1 for i in ids if (i - 1) * 10 // ROWS == d) for d in range(10)]
    assert min(deciles) > 50, deciles


def test_small_sample_of_a_big_table_reaches_both_ends(pg_db: str) -> None:
    """100 rows of 200,000 (a page sample of a few hundred pages) still come from both ends."""
    execute(pg_db, *FILL["postgresql"])
    source = SqlSource(pg_db, SqlOptions(sample_rows=100, min_non_null=0))
    try:
        (container,) = list(source.discover())
        ids = [v for b in source.read(container) for v in b.values.get("id", [])]
    finally:
        source.close()
    assert len(ids) == 100
    assert max(ids) > 0.9 * ROWS and min(ids) < 0.1 * ROWS, (min(ids), max(ids))
