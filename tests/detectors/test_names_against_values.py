"""Names against values: a strong name stands alone unless enough values clearly are something else."""

from __future__ import annotations

import uuid

import pytest

from piscan.aggregate import ColumnTally
from piscan.detectors.names import context_words, name_hits
from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.detectors.shapes import ExpectationDetector
from piscan.model import Column, Evidence, Location, Record, ValueKind


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _findings(presidio: PresidioDetector, name: str, values: list[str | None]) -> dict[str, Evidence]:
    column = Column(name, "TEXT", ValueKind.TEXT)
    tally = ColumnTally(
        Location("db", ("s", "t", name)), tuple(name_hits(column)), context=context_words(column)
    )
    present = [v for v in values if v is not None]
    distinct = sorted(set(present))
    record = Record(tally.location, column, tuple(distinct))
    tally.kinds |= {ValueKind.TEXT} if present else set()
    detections = presidio.detect(record, tally.context) if distinct else []
    expected = {h.entity: h.expect for h in tally.name_hits if h.expect}
    detections += ExpectationDetector(expected).detect(record, tally.context)  # as Scanner.detect does
    tally.add(len(values), len(present), [present.count(v) for v in distinct], detections)
    return {f.entity: f.evidence for f in tally.findings()}


def test_all_null_passport_column_is_reported_by_name(presidio):
    assert _findings(presidio, "passport_no", [None] * 40) == {"PASSPORT_NUMBER": Evidence.NAME}


def test_machine_made_values_overrule_a_strong_name(presidio):
    digests = [uuid.uuid4().hex + uuid.uuid4().hex for _ in range(30)]
    assert _findings(presidio, "mac", digests) == {}  # HMACs, not MAC addresses
    assert _findings(presidio, "reg_addr", [f"0x{i:04X}" for i in range(30)]) == {}


def test_a_few_values_do_not_overrule_a_strong_name(presidio):
    assert "MAC_ADDRESS" in _findings(presidio, "mac", [uuid.uuid4().hex for _ in range(5)])


def test_values_that_confirm_the_name_keep_it(presidio):
    ids = [str(uuid.uuid4()) for _ in range(30)]
    assert _findings(presidio, "device_id", ids) == {"DEVICE_ID": Evidence.BOTH}


def test_person_names_inside_streets_yield_to_the_address_name(presidio):
    first = ("William", "Patricia")
    streets = [f"{n} {first[n % 2]} Haven Apt. {n % 50}" for n in range(100, 130)]
    found = _findings(presidio, "street_address", streets)
    assert "STREET_ADDRESS" in found and "PERSON" not in found
