"""One scan's processes digest alike: the key for digests of matched texts travels with the job,
so a name seen by two workers (two Spark executors, which never share their parent's memory)
counts once among a column's distinct values, and a split table is judged as the whole one is
(real PostgreSQL, a worker started fresh with ``spawn``)."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from functools import reduce

import pytest
import sqlalchemy as sa

from piscan import mask
from piscan.run.job import Job
from piscan.run.merge import judge
from piscan.run.plan import plan
from piscan.run.tally import PartialTally
from piscan.scan import ScanConfig
from piscan.sources.base import Selector
from piscan.sources.sql import SqlOptions, SqlSource
from tests.conftest import new_pg_database

NAMES = ["Maria Lopez", "John Smith", "Anna Weber", "Peter Brown", "Laura Rossi", "Karl Meyer"]


@pytest.fixture(scope="module")
def names_db(pg_admin: sa.Engine):  # type: ignore[no-untyped-def]
    url, drop = new_pg_database(pg_admin)
    engine = sa.create_engine(url)
    names = "ARRAY[" + ", ".join(f"'{n}'" for n in NAMES) + "]"
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE visits (id int PRIMARY KEY, note text)"))
        conn.execute(
            sa.text(
                f"INSERT INTO visits SELECT i, 'Visit booked by ' || ({names})[1 + i % 6] || '.'"
                " FROM generate_series(1, 400) i"
            )
        )
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    yield url
    drop()


def _job_and_units(url: str) -> tuple[Job, list]:
    options = SqlOptions(full_scan=True, selector=Selector())
    config = ScanConfig(targets=(url,), policies=(), sql=options, unit_rows=200)
    source = SqlSource(url, options)
    try:
        units = plan(source, list(source.discover()), config, 0)
        return Job(config, 0, public=source.public), units
    finally:
        source.close()


def _in_fresh_process(job: Job, unit: object) -> PartialTally:
    """A unit read by a worker that shares nothing with this process (a Spark executor's)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(job.run, unit).result()


def _distinct(partial: PartialTally, entity: str) -> int:
    tally = partial.fields["note"].tally.entities[entity]
    return len(tally.distinct)


def test_a_job_carries_its_scans_digest_key_and_never_shows_it() -> None:
    job = Job(ScanConfig(targets=("sqlite:///x.db",), policies=()), 0)
    assert job.digest_key == mask.digest_key() and len(job.digest_key) == 16
    assert job.digest_key.hex() not in repr(job) and str(job.digest_key) not in repr(job)
    assert pickle.loads(pickle.dumps(job)).digest_key == job.digest_key
    with pytest.raises(ValueError):
        mask.use_digest_key(b"short")


def test_units_read_in_other_processes_count_a_name_once(names_db: str) -> None:
    job, units = _job_and_units(names_db)
    assert len(units) >= 2  # the table is split into key ranges
    here = [job.run(unit) for unit in units]
    apart = [_in_fresh_process(job, units[0]), *(job.run(unit) for unit in units[1:])]
    one, two = reduce(PartialTally.merge, here), reduce(PartialTally.merge, apart)
    assert _distinct(one, "PERSON") == len(NAMES)  # six names, many rows each
    assert _distinct(two, "PERSON") == len(NAMES)
    found = lambda partial: sorted((f.entity, f.matches) for f in judge(partial, job.config).findings)  # noqa: E731
    assert found(one) == found(two)
