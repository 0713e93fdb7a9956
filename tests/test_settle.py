"""Full scans settle: every value until each column's verdict is clear, then a thinning sample
spread over the rest, and back to every value when the data changes (piscan.settle)."""

from __future__ import annotations

import json

from piscan.settle import BATCH, MAX_STRIDE, WAIT, Thinning, decided, wilson
from tests.conftest import new_pg_database


def test_wilson_interval_brackets_the_share() -> None:
    low, high = wilson(50, 1000)
    assert low < 0.05 < high
    assert wilson(0, 1000)[0] < 1e-12 and wilson(0, 1000)[1] < 0.01
    assert wilson(0, 0) == (0.0, 1.0)


def test_decided_needs_enough_values_on_one_side() -> None:
    assert not decided(0, 100, 0.02)  # a hundred clean values cannot rule out a 2 % share
    assert decided(0, 1000, 0.02)
    assert not decided(60, 1000, 0.05)  # 6 % is too close to a 5 % bar
    assert decided(600, 10_000, 0.05)


def test_thinning_waits_for_the_floor_then_widens_to_the_cap() -> None:
    thin = Thinning(floor=1000)
    total, strides = 0, []
    for _ in range(2000):
        values = thin.take(list(range(1000)))
        if values is not None:  # as the scanner does: a decision after each examined batch
            total += len(values)
            thin.update(len(values), total, settled=True)
            strides.append(thin.stride)
    assert strides[0] == 8  # the first 1,000 values were all examined, then one in 8
    assert sorted(set(strides)) == [8, 64, 512, MAX_STRIDE]
    assert total < 6000  # of 2,000,000 values: 1,000 per stride level, then one in 1,024


def test_thinning_picks_evenly_across_batch_boundaries() -> None:
    thin = Thinning(floor=10, stride=4)
    picked = thin.pick(list(range(10))) + thin.pick(list(range(10, 20)))
    assert picked == [0, 4, 8, 12, 16]
    assert thin.thinned_rows == 15


def test_thinning_skips_nulls_and_gathers_a_batch() -> None:
    thin = Thinning(floor=10, stride=2)
    assert thin.take([None, 1, None, 2]) is None  # one value picked, waiting for a batch
    assert thin.pending == [1]
    assert len(thin.take(list(range(2 * BATCH)))) == BATCH + 1


def test_thinned_values_do_not_wait_long_for_a_batch() -> None:
    thin = Thinning(floor=10, stride=MAX_STRIDE)
    waits = 0
    while thin.take(list(range(1000))) is None:
        waits += 1
    assert waits < WAIT // 1000


def test_unsettled_goes_back_to_every_value() -> None:
    thin = Thinning(floor=10, stride=64, at_stride=5)
    thin.update(3, 5000, settled=False)
    assert thin.stride == 1


def test_exhaustive_never_thins() -> None:
    thin = Thinning(floor=10, exhaustive=True)
    thin.update(1000, 5000, settled=True)
    assert thin.stride == 1


def _scan(cli, url: str, *extra: str) -> dict:
    run = cli("scan", url, "-f", "json", "-q", "--full", "--fail-on", "never", *extra)
    assert run.code == 0, run
    return json.loads(run.stdout)


def test_full_scan_thins_settled_columns_and_says_so(cli, pg_admin) -> None:
    url, drop = new_pg_database(pg_admin)
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE users (id int, email text, note text)"))
            conn.execute(
                sa.text(
                    "INSERT INTO users SELECT i, 'user' || i || '@example.com', "
                    # emails only appear in the notes after row 24,000: a change late in the table
                    "CASE WHEN i > 24000 THEN 'write to ' || 'someone' || i || '@example.org' "
                    "ELSE 'order shipped' END FROM generate_series(1, 30000) i"
                )
            )
        engine.dispose()
        doc = _scan(cli, url)
        found = {(r["location"], r["entity"]): r for r in doc["results"]}
        email = found[("public.users.email", "EMAIL_ADDRESS")]
        assert email["rows"] == 30_000 and 1000 <= email["sampled"] < 20_000
        assert email["matches"] == email["sampled"]
        # a change late in the table is still seen: thinning spreads over every part of it
        late = found[("public.users.note", "EMAIL_ADDRESS")]
        assert late["matches"] >= 50
        notes = {n["location"]: n["message"] for n in doc["notes"]}
        assert "verdict settled" in notes["public.users.email"]
        assert "--exhaustive" in notes["public.users.email"]

        every = _scan(cli, url, "--exhaustive")
        exhaustive = {(r["location"], r["entity"]): r for r in every["results"]}
        assert exhaustive[("public.users.email", "EMAIL_ADDRESS")]["sampled"] == 30_000
        assert exhaustive[("public.users.note", "EMAIL_ADDRESS")]["matches"] == 6_000
        assert not any("verdict settled" in n["message"] for n in every["notes"])
    finally:
        drop()


def test_full_scan_reports_a_few_planted_values_anywhere(cli, pg_admin) -> None:
    """Three e-mails and three card numbers in 30,000 notes: thinning looks at a sample, the sweep
    at every value; a sampled scan keeps its share bars, and digits inside digests are no cards."""
    url, drop = new_pg_database(pg_admin)
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE tickets (id int, body text, digest text)"))
            conn.execute(
                sa.text(
                    "INSERT INTO tickets SELECT i, CASE "
                    "WHEN i IN (7001, 17001, 29001) THEN 'reach me at pat' || i || '@example.org' "
                    "WHEN i IN (9001, 19001, 29501) THEN 'card 4111 1111 1111 1111 on file' "
                    "ELSE 'order ' || i || ' shipped' END, md5(i::text) || md5((i + 1)::text) "
                    "FROM generate_series(1, 30000) i"
                )
            )
        engine.dispose()
        doc = _scan(cli, url)
        found = {(r["location"], r["entity"]): r for r in doc["results"]}
        assert found[("public.tickets.body", "EMAIL_ADDRESS")]["matches"] == 3
        assert found[("public.tickets.body", "CREDIT_CARD")]["matches"] == 3
        assert not [k for k in found if k[0] != "public.tickets.body"]
        notes = {n["location"]: n["message"] for n in doc["notes"]}
        assert "pattern-checked for" in notes["public.tickets.body"]
        assert "not pattern-checked: digests" in notes["public.tickets.digest"]
        sampled = cli("scan", url, "-f", "json", "-q", "--fail-on", "never")
        assert json.loads(sampled.stdout)["results"] == []  # three in 30,000: below every share bar
    finally:
        drop()
