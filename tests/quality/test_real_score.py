"""The real-data scorer and report on hand-made scans: no corpora needed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.quality.real.labels import Labels  # noqa: E402
from benchmarks.quality.real.report import section_of, splice  # noqa: E402
from benchmarks.quality.real.score import score_unit  # noqa: E402
from benchmarks.quality.real.units import UnitScan, key  # noqa: E402
from piscan.model import Evidence, Finding, Location  # noqa: E402


def _finding(where: str, entity: str) -> Finding:
    location = Location("db", ("public", *where.split(".")))
    return Finding(location, entity, 5, 10, 10, 0.9, Evidence.VALUE, ("test",))


def _labels(locations: dict[str, list[str]]) -> Labels:
    return Labels("d", "database", "databases/d", "tune", {k: frozenset(v) for k, v in locations.items()})


def _scan(found: dict[str, list[str]], scanned: set[str]) -> UnitScan:
    findings = {w: [_finding(w, e) for e in ents] for w, ents in found.items()}
    return UnitScan("d", "postgresql", scanned=scanned | set(found), findings=findings)


def test_database_keys_drop_the_schema_and_file_keys_stay_relative():
    assert key(Location("x", ("public", "t", "c")), "database") == "t.c"
    assert key(Location("x", ("main", "t", "c")), "database") == "t.c"
    assert key(Location("x", ("a.log", "msg"), display="a.log#msg"), "files") == "a.log#msg"


def test_misses_false_alarms_and_unlabelled_locations_are_counted():
    labels = _labels({"p.name": ["PERSON"], "p.phone": ["PHONE_NUMBER"], "c.name": []})
    scan = _scan({"p.name": ["PERSON"], "c.name": ["LOCATION"], "x.y": ["EMAIL_ADDRESS"]}, {"p.phone"})
    score = score_unit(labels, scan)
    assert score.flagged_nothing == [("c.name", ("LOCATION",))]
    assert score.unlabelled == [("x.y", ("EMAIL_ADDRESS",))]
    assert sorted(score.entities.misses) == [
        ("EMAIL_ADDRESS", "FP", "x.y"),
        ("LOCATION", "FP", "c.name"),
        ("PHONE_NUMBER", "FN", "p.phone"),
    ]
    # xwms: PERSON -> A (TP); PHONE -> B (FN); LOCATION -> G (FP); EMAIL -> A at x.y (FP)
    counts = score.categories["xwms"].counts
    assert (counts["A"].tp, counts["A"].fp, counts["B"].fn, counts["G"].fp) == (1, 1, 1, 1)
    assert round(score.f1("xwms"), 3) == 0.4  # precision 1/3, recall 1/2


def test_a_labelled_location_the_scan_did_not_cover_is_a_miss_and_listed():
    score = score_unit(_labels({"p.name": ["PERSON"]}), _scan({}, set()))
    assert score.unscanned == ["p.name"]
    assert score.entities.misses == [("PERSON", "FN", "p.name")]


def test_undeclared_recall_follows_the_policy():
    # xwms does not declare education (J): a labelled EDUCATION_RECORD column must be reported
    labels = _labels({"s.grade": ["EDUCATION_RECORD"], "s.mark": ["EDUCATION_RECORD"]})
    score = score_unit(labels, _scan({"s.grade": ["EDUCATION_RECORD"]}, {"s.mark"}))
    assert score.undeclared_recall("xwms") == 0.5


def test_splice_replaces_only_the_real_data_section():
    doc = splice("# Q\n\ngenerated part\n", "## Real data\n\nold\n")
    assert section_of(doc) == "## Real data\n\nold"
    again = splice(doc.replace("generated part", "new generated part"), "## Real data\n\nnew\n")
    assert "new generated part" in again and section_of(again) == "## Real data\n\nnew"
    assert again.count("## Real data") == 1
