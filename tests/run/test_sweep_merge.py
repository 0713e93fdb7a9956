"""A --full scan's sweep (piscan.sweep) merges like every other tally: a table of notes with a few
planted e-mails and card numbers, cut into key ranges at random points, reports the sparse values
of one read (same matches, values looked at, confidence, example), whichever way the ranges are
merged, though each range thins on its own (the real pipeline and detectors)."""

from __future__ import annotations

from dataclasses import replace
from functools import reduce

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piscan.model import Column, ValueKind
from piscan.run.merge import finish, judge
from piscan.run.tally import PartialTally
from piscan.sources.base import Batch, Container
from piscan.sources.sql import SqlOptions
from tests.run.test_merge import _cuts, _partials, _whole

TICKETS = Container(("crm", "tickets"), (Column("body", "text", ValueKind.TEXT),))
FILLER = ["order shipped", "parcel delayed at the depot", "refund requested", "invoice sent"]
PLANTED = {
    "reach me at pat.doe@example.org": "EMAIL_ADDRESS",
    "card 4111 1111 1111 1111 on file": "CREDIT_CARD",
}
BATCH_ROWS, BATCHES = 500, 12


@pytest.fixture(scope="module")
def scanner():  # type: ignore[no-untyped-def]
    from piscan.policy import load_policy
    from piscan.scan import ScanConfig, Scanner

    sql = SqlOptions(sample_rows=100, full_scan=True)
    return Scanner(ScanConfig(targets=("memory",), policies=(load_policy("xwms"),), sql=sql))


@st.composite
def planted_batches(draw: st.DrawFn) -> tuple[list[Batch], dict[str, int]]:
    """Notes with each planted value at a few random rows (never two at one row)."""
    total = BATCH_ROWS * BATCHES
    rows = [FILLER[i % len(FILLER)] for i in range(total)]
    spots = draw(st.lists(st.integers(0, total - 1), min_size=2, max_size=8, unique=True))
    counts: dict[str, int] = {}
    for n, spot in enumerate(spots):
        text = list(PLANTED)[n % len(PLANTED)]
        rows[spot] = text
        counts[PLANTED[text]] = counts.get(PLANTED[text], 0) + 1
    return _batches(rows), counts


def _batches(rows: list[str]) -> list[Batch]:
    return [Batch(BATCH_ROWS, {"body": rows[at : at + BATCH_ROWS]}) for at in range(0, len(rows), BATCH_ROWS)]


def _findings(outcome):  # type: ignore[no-untyped-def]
    return sorted(outcome.findings, key=lambda f: f.entity)


SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(data=st.data())
def test_planted_sparse_values_split_anywhere_give_the_findings_of_one_read(scanner, data) -> None:  # type: ignore[no-untyped-def]
    batches, counts = data.draw(planted_batches())
    cuts = _cuts(data.draw, len(batches))
    whole = _whole(scanner, TICKETS, batches)
    found = {f.entity: f for f in whole.findings}
    assert {e: f.matches for e, f in found.items()} == counts  # every planted value, nothing else
    assert all(f.sampled == BATCH_ROWS * BATCHES for f in found.values())  # examined + swept
    note = next(n.reason for n in whole.notes if n.location == "crm.tickets.body")
    assert "verdict settled" in note and "pattern-checked for" in note  # the sweep did look
    parts = _partials(scanner, TICKETS, batches, cuts)
    split = finish(parts, scanner.config)
    assert _findings(split) == _findings(whole)
    assert [replace(c, sampled=0) for c in split.coverage] == [replace(c, sampled=0) for c in whole.coverage]
    assert split.scanned and not split.skipped


@SLOW
@given(data=st.data())
def test_sweeps_merge_associatively(scanner, data) -> None:  # type: ignore[no-untyped-def]
    batches, _ = data.draw(planted_batches())
    parts = _partials(scanner, TICKETS, batches, _cuts(data.draw, len(batches)))
    left = reduce(PartialTally.merge, parts)
    right = reduce(lambda acc, p: p.merge(acc), reversed(parts[:-1]), parts[-1])
    a, b = left.fields["body"].sweep, right.fields["body"].sweep
    assert a is not None and b is not None and not a.pending
    assert (a.checked, a.touched, a.unchecked) == (b.checked, b.touched, b.unchecked)
    assert a.checked == sum(p.fields["body"].sweep.checked for p in parts)  # type: ignore[union-attr]
    assert a.leaks == b.leaks
    assert judge(left, scanner.config) == judge(right, scanner.config)


def test_a_sampled_column_settles_within_its_sample_and_says_so(scanner) -> None:  # type: ignore[no-untyped-def]
    """A sampled read stops examining a settled column after whole steps of 100 values; a planted
    e-mail the settled column no longer looks at is not reported (share bars hold)."""
    from piscan.scan import Scanner

    sampled = Scanner(replace(scanner.config, sql=SqlOptions(sample_rows=1000)))
    rows = [FILLER[i % len(FILLER)] for i in range(1000)]
    rows[900] = next(iter(PLANTED))
    outcome = _whole(sampled, TICKETS, [Batch(1000, {"body": rows})])
    assert outcome.findings == []
    (note,) = [n.reason for n in outcome.notes if n.location == "crm.tickets.body"]
    examined = int(note.split("settled, ")[1].split(" of ")[0].replace(",", ""))
    assert examined % 100 == 0 and examined < 1000 and "1,000 sampled" in note
    assert outcome.coverage[0].rows == 1000


def test_values_thinning_skips_are_swept_in_every_range(scanner) -> None:  # type: ignore[no-untyped-def]
    """E-mails in a row late in each of three ranges: thinning examines few of them, the sweep
    finds the rest, and the merged sweep counts each range's."""
    rows = [FILLER[i % len(FILLER)] for i in range(BATCH_ROWS * BATCHES)]
    email = next(iter(PLANTED))
    for start in (1800, 3800, 5800):
        rows[start : start + 16] = [email] * 16
    batches = _batches(rows)
    parts = _partials(scanner, TICKETS, batches, [4, 8])
    swept = [p.fields["body"].sweep.leaks["EMAIL_ADDRESS"].matches for p in parts]  # type: ignore[union-attr]
    assert all(0 < n < 16 for n in swept)  # part examined, part swept, in each range
    (finding,) = finish(parts, scanner.config).findings
    assert finding.entity == "EMAIL_ADDRESS" and finding.matches == 48
    assert finding.example and "pat.doe@example.org" not in finding.example  # masked
    assert _findings(finish(parts, scanner.config)) == _findings(_whole(scanner, TICKETS, batches))
