"""Partial tallies merge associatively, and where a stream of batches is cut into units does not
change what is found: a table's and a file's batches, split at random points, give the findings,
coverage and notes of one unit reading them all (the real pipeline and detectors)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from functools import reduce

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piscan.formats.batches import FileBatch
from piscan.model import Column, Location, ValueKind
from piscan.run.merge import finish, judge
from piscan.run.pipeline import scan_unit
from piscan.run.tally import PartialTally
from piscan.run.units import KeyRange, Unit
from piscan.sources.base import Batch, Container
from piscan.sources.files import FileContainer

TABLE = Container(
    ("crm", "contacts"),
    (
        Column("email", "text", ValueKind.TEXT),
        Column("city", "text", ValueKind.TEXT),
        Column("profile", "jsonb", ValueKind.OTHER),
        Column("score", "integer", ValueKind.NUMBER),
    ),
)
FILE = FileContainer(("app.log",), ())
EMAILS = [f"user{i}@example.org" for i in range(12)]
CITIES = ["Berlin", "Lyon", "Porto", "Oslo", "Madrid"]
LINES = [
    "GET /index.html 200",
    "login ok for {} from 10.0.0.7",
    "password reset mailed to {}",
    "call +1 212 555 01{:02d} back",
    "cache miss",
]


class Batches:
    """A source over batches held in memory: a unit's key range is a range of batch positions."""

    kind = "tables"

    def __init__(self, batches: list[Batch]) -> None:
        self.public, self.notices, self.notes = "memory", [], []
        self.batches = batches

    def location(self, container: Container, column: str) -> Location:
        if container.columns:
            return Location(self.public, (*container.parts, column))
        unit, _, name = column.partition("\x00")
        base = container.path + unit
        return Location(self.public, (base, name), base + (f"#{name}" if name else ""))

    def discover(self) -> Iterator[Container]:
        yield TABLE

    def read(self, container: Container, part: KeyRange | None = None) -> Iterator[Batch]:
        low = part.low or 0 if part else 0
        high = part.high if part and part.high is not None else len(self.batches)
        yield from (replace(b) for b in self.batches[low:high])

    def close(self) -> None: ...


@pytest.fixture(scope="module")
def scanner():  # type: ignore[no-untyped-def]
    from piscan.policy import load_policy
    from piscan.scan import ScanConfig, Scanner

    return Scanner(ScanConfig(targets=("memory",), policies=(load_policy("xwms"),)))


def _row(draw: st.DrawFn) -> tuple[object, ...]:
    email = draw(st.sampled_from([*EMAILS, None, "n/a"]))
    city = draw(st.sampled_from([*CITIES, None]))
    mail = draw(st.sampled_from(EMAILS))
    profile = draw(st.sampled_from([None, json.dumps({"contact": {"mail": mail}, "tier": 2})]))
    return email, city, profile, draw(st.integers(0, 99))


@st.composite
def table_batches(draw: st.DrawFn) -> list[Batch]:
    out = []
    for _ in range(draw(st.integers(1, 8))):
        rows = [_row(draw) for _ in range(draw(st.integers(0, 12)))]
        values = {c.name: [r[i] for r in rows] for i, c in enumerate(TABLE.columns)}
        out.append(Batch(len(rows), values))
    return out


@st.composite
def file_batches(draw: st.DrawFn) -> list[Batch]:
    out, line = [], 1
    for _ in range(draw(st.integers(1, 6))):
        texts = []
        for _ in range(draw(st.integers(1, 10))):
            template, n = draw(st.sampled_from(LINES)), draw(st.integers(0, 11))
            texts.append(template.format(EMAILS[n]) if "{}" in template else template.format(n))
        key = "\x00"  # a log's whole text: unit "" and field ""
        column = Column("", "log", ValueKind.TEXT)
        lines = list(range(line, line + len(texts)))
        line += len(texts)
        out.append(FileBatch(len(texts), {key: texts}, unit="", lines={key: lines}, columns={key: column}))
    return out


def _cuts(draw: st.DrawFn, size: int) -> list[int]:
    points = draw(st.lists(st.integers(0, size), max_size=4))
    return sorted(set(points) - {0, size})


def _partials(scanner, container: Container, batches: list[Batch], cuts: list[int]) -> list[PartialTally]:  # type: ignore[no-untyped-def]
    edges = [0, *cuts, len(batches)]
    count = len(edges) - 1
    source = Batches(batches)
    return [
        scan_unit(scanner, source, Unit(i, 0, container, KeyRange("pos", edges[i], edges[i + 1], i, count)))
        for i in range(count)
    ]


def _whole(scanner, container: Container, batches: list[Batch]):  # type: ignore[no-untyped-def]
    return finish([scan_unit(scanner, Batches(batches), Unit(0, 0, container))], scanner.config)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.findings == b.findings
    assert a.coverage == b.coverage
    assert a.notes == b.notes and a.skipped == b.skipped
    assert a.scanned == b.scanned


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(data=st.data())
def test_a_table_split_anywhere_gives_the_findings_of_one_read(scanner, data) -> None:  # type: ignore[no-untyped-def]
    batches = data.draw(table_batches())
    cuts = _cuts(data.draw, len(batches))
    whole = _whole(scanner, TABLE, batches)
    assert whole.findings  # the email column's name alone is a finding; values add more
    _same(finish(_partials(scanner, TABLE, batches, cuts), scanner.config), whole)


@FAST
@given(data=st.data())
def test_a_file_split_anywhere_gives_the_findings_of_one_read(scanner, data) -> None:  # type: ignore[no-untyped-def]
    batches = data.draw(file_batches())
    cuts = _cuts(data.draw, len(batches))
    whole = _whole(scanner, FILE, batches)
    _same(finish(_partials(scanner, FILE, batches, cuts), scanner.config), whole)
    for finding in whole.findings:  # first lines and line counts survive the merge
        assert finding.lines == sum(b.rows for b in batches)


@FAST
@given(data=st.data())
def test_merge_is_associative(scanner, data) -> None:  # type: ignore[no-untyped-def]
    batches = data.draw(table_batches())
    parts = _partials(scanner, TABLE, batches, _cuts(data.draw, len(batches)))
    left = reduce(PartialTally.merge, parts)
    right = reduce(lambda acc, p: p.merge(acc), reversed(parts[:-1]), parts[-1])
    _same(judge(left, scanner.config), judge(right, scanner.config))
    assert left.units == right.units and left.rows == right.rows == sum(b.rows for b in batches)


def test_a_part_missing_is_not_a_complete_read(scanner) -> None:  # type: ignore[no-untyped-def]
    """A split table whose last range never came back (Ctrl-C) is not counted as read."""
    rows = [("a@example.org", "Oslo", None, 1)] * 5
    batches = [Batch(5, {c.name: [r[i] for r in rows] for i, c in enumerate(TABLE.columns)})] * 3
    parts = _partials(scanner, TABLE, batches, [1, 2])
    assert finish(parts, scanner.config).scanned
    partial = finish(parts[:2], scanner.config)
    assert not partial.scanned and partial.findings  # what was read still counts
    empty = finish(_partials(scanner, TABLE, [Batch(0, {})] * 2, [1]), scanner.config)
    assert [n.reason for n in empty.notes] == ["table is empty: judged by column names only"]
