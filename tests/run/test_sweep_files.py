"""A --full scan of a file settles and sweeps its fields as a table's columns are (piscan.sweep):
log lines with a few planted e-mail addresses, cut into units at random points, report the sparse
values of one read, with the same first line, though each unit thins on its own (the real
pipeline and detectors)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piscan.formats.batches import FileBatch
from piscan.model import Column, ValueKind
from piscan.run.merge import finish
from piscan.sources.sql import SqlOptions
from tests.run.test_merge import FILE, _cuts, _partials, _whole

KEY = "\x00"  # a log's whole text: unit "" and field ""
FILLER = ["GET /index.html 200", "cache miss", "worker 3 idle", "job 12 done in 40 ms"]
PLANTED = "password reset mailed to pat.doe@example.org"
BATCH_LINES, BATCHES = 400, 10


@pytest.fixture(scope="module")
def scanner():  # type: ignore[no-untyped-def]
    from piscan.policy import load_policy
    from piscan.scan import ScanConfig, Scanner

    sql = SqlOptions(sample_rows=100, full_scan=True)
    return Scanner(ScanConfig(targets=("memory",), policies=(load_policy("xwms"),), sql=sql))


def _batches(texts: list[str]) -> list[FileBatch]:
    out = []
    for at in range(0, len(texts), BATCH_LINES):
        chunk = texts[at : at + BATCH_LINES]
        lines = list(range(at + 1, at + 1 + len(chunk)))
        column = Column("", "log", ValueKind.TEXT)
        out.append(FileBatch(len(chunk), {KEY: chunk}, unit="", lines={KEY: lines}, columns={KEY: column}))
    return out


@st.composite
def planted_lines(draw: st.DrawFn) -> tuple[list[str], list[int]]:
    total = BATCH_LINES * BATCHES
    texts = [FILLER[i % len(FILLER)] for i in range(total)]
    spots = sorted(draw(st.lists(st.integers(300, total - 1), min_size=1, max_size=6, unique=True)))
    for spot in spots:
        texts[spot] = PLANTED
    return texts, [s + 1 for s in spots]


SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(data=st.data())
def test_planted_lines_split_anywhere_give_the_findings_and_first_line_of_one_read(scanner, data) -> None:  # type: ignore[no-untyped-def]
    texts, lines = data.draw(planted_lines())
    batches = _batches(texts)
    whole = _whole(scanner, FILE, batches)
    (email,) = [f for f in whole.findings if f.entity == "EMAIL_ADDRESS"]
    assert email.matches == len(lines) and email.first_line == lines[0]
    assert email.lines == len(texts)
    note = next(n.reason for n in whole.notes if n.location == "app.log")
    assert "verdict settled" in note and "pattern-checked for" in note
    split = finish(_partials(scanner, FILE, batches, _cuts(data.draw, len(batches))), scanner.config)
    (same,) = [f for f in split.findings if f.entity == "EMAIL_ADDRESS"]
    assert (same.matches, same.first_line, same.lines, same.example) == (
        email.matches,
        email.first_line,
        email.lines,
        email.example,
    )
    assert split.scanned and not split.skipped
