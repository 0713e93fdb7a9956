"""The batched analyzer gives, value for value, what Presidio's ``AnalyzerEngine.analyze`` gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from piscan.detectors.batched import Gate, touched
from piscan.detectors.presidio import LANGUAGE, PresidioDetector, _needs_ner, build_engine

STAGING = Path(__file__).resolve().parents[2] / "examples" / "staging.sqlite"
# Values whose matches sit at the edges of a value, run across what becomes the separator, or
# hold newlines and odd spacing themselves: where a joined-text prefilter could go wrong.
EDGES = [
    "4111111111111111",
    "4111 1111\n1111 1111",
    "+49 30 1234567",
    "030 1234567\n",
    "  anna.meyer@example.org  ",
    "Ruf an: (0)30-1234-567 oder mail an x@y.de",
    "123-45-6789",
    "12345",
    "6789",
    "203.0.113.7\n2001:db8::1",
    "Straße 12, 10115 Berlin",
    "Margaret Thompson",
    "call me at 415 555 0100",
    "",
    " ",
    "x",
    "1962-03-18",
    "2024-03-10T09:56:21+00:00",
    "DE89 3704 0044 0532 0130 00",
    "33cea19f735ae1fa6e6d737f72d6d8c21e9900b8cc1a138a365476ff40c8a284",
]


@pytest.fixture(scope="module")
def detector() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _staging_values() -> list[tuple[str, str]]:
    con = sqlite3.connect(f"file:{STAGING}?mode=ro", uri=True)
    try:
        out = []
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]:
                rows = con.execute(f'SELECT "{column}" FROM "{table}" LIMIT 40').fetchall()
                out += [(column, v) for (v,) in rows if isinstance(v, str) and v.strip()]
        return out
    finally:
        con.close()


def _key(results) -> list[tuple[str, int, int, float, str]]:
    return sorted(
        (r.entity_type, r.start, r.end, round(r.score, 6), r.recognition_metadata["recognizer_name"])
        for r in results
    )


def test_same_results_as_the_engine(detector: PresidioDetector) -> None:
    values = _staging_values() + [("notes", v) for v in EDGES if v.strip()]
    assert len(values) > 500
    compared = with_results = 0
    for at in range(0, len(values), 128):
        chunk = values[at : at + 128]
        texts = [v for _, v in chunk]
        wordy = [_needs_ner(t) for t in texts]
        plans = detector.analyzer.candidates(texts, wordy)
        artifacts_all = detector._artifacts(texts, wordy)
        for (column, text), plan, artifacts, ner in zip(chunk, plans, artifacts_all, wordy, strict=True):
            # the engine gets a tokenized value even where piscan skips the tokenizer
            reference = artifacts if ner else detector._lowered(detector._nlp.make_doc(text), [], [])
            expected = detector.engine.analyze(
                text=text,
                language=LANGUAGE,
                entities=detector.entities,
                context=[column],
                nlp_artifacts=reference,
            )
            got = detector.analyzer.analyze(text, plan, artifacts, [column])
            assert _key(got) == _key(expected), text
            compared += 1
            with_results += bool(expected)
    assert with_results > 200  # the comparison covered real matches, not only empty results


def test_prefilter_skips_values_no_pattern_touches(detector: PresidioDetector) -> None:
    texts = ["hello world", "anna.meyer@example.org", "ok"]
    plans = detector.analyzer.candidates(texts, [False] * 3)
    names = [{g.recognizer.name for g in plan} for plan in plans]
    assert "OfflineEmailRecognizer" in names[1]
    assert "OfflineEmailRecognizer" not in names[0] | names[2]
    assert names[2] == {g.recognizer.name for g in detector.analyzer.always}


def test_a_match_across_the_separator_marks_both_values() -> None:
    import regex

    gate = Gate(recognizer=None, regexes=(regex.compile(r"\d[\d\s]{4,}\d"),))
    hits = touched(["call 12 34", "56 78 now", "none"], [gate])
    assert hits == [[0], [0], []]


@pytest.mark.parametrize(
    ("pattern", "unsafe"),
    [
        (r"\d+\s*+$", True),  # possessive whitespace eats the separator, then $ fails
        (r"(?!\s*\d)x", True),
        (r"(?<!\s)x", True),
        (r"\Gx", True),
        (r"(?-m)^x$", True),
        (r"(?>ab)c", True),
        (r"\b\d{3}-\d{2}-\d{4}\b", False),
        (r"(?<![\w.])\d+", False),
    ],
)
def test_patterns_that_can_see_the_next_value_always_run(pattern: str, unsafe: bool) -> None:
    from piscan.detectors.batched import _unsafe

    assert _unsafe(pattern) is unsafe


def test_no_bundled_recognizer_loses_its_gate(detector: PresidioDetector) -> None:
    assert [g.recognizer.name for g in detector.analyzer.gates if g.always] == ["SpacyRecognizer"]


def test_screened_gates_touch_what_the_unscreened_ones_touch(detector: PresidioDetector) -> None:
    texts = [v for _, v in _staging_values()] + [v for v in EDGES if v.strip()]
    gates = detector.analyzer.gated
    for at in range(0, len(texts), 100):
        chunk = texts[at : at + 100]
        plain, screened = touched(chunk, gates), touched(chunk, gates, detector.analyzer.screen)
        for text, a, b in zip(chunk, plain, screened, strict=True):
            exact = [g for g, gate in enumerate(gates) if any(p.search(text) for p in gate.regexes)]
            assert set(exact) <= set(b) <= set(a) | set(exact), text


def _eager(detector: PresidioDetector) -> PresidioDetector:
    """The same detector, but NER on every value with words and artifacts made for every value."""
    other = PresidioDetector(detector.engine)
    other._cased = False
    return other


LOWER = ["active", "jdoe", "catholic", "bavaria", "john smith lives in berlin", "muslim", "x:berlin"]


def test_lazy_artifacts_and_lower_case_skips_change_no_detection(detector: PresidioDetector) -> None:
    from piscan.model import Record

    values = [v for _, v in _staging_values()] + [v for v in EDGES if v.strip()] + LOWER
    values += [v.lower() for v in values[:300]]
    eager = _eager(detector)
    for at in range(0, len(values), 100):
        record = Record(None, None, tuple(values[at : at + 100]))  # type: ignore[arg-type]
        assert detector.detect(record, ("notes",)) == eager.detect(record, ("notes",))


def test_lower_case_words_skip_ner_unless_a_same_type_pattern_is_touched(detector: PresidioDetector) -> None:
    texts = ["active", "Margaret Thompson", "张三", "catholic"]
    capital = [False, True, True, False]
    plans = detector.analyzer.candidates(texts, [True] * 4, capital)
    ner = [any(g.ner for g in plan) for plan in plans]
    assert ner == [False, True, True, True]  # "catholic": the religion recognizer's NRP


def test_deferred_artifacts_are_made_once_and_only_when_asked() -> None:
    from piscan.detectors.batched import Deferred

    made = []
    lazy = Deferred(lambda: made.append(1) or "artifacts")
    assert made == []
    assert lazy.get() == lazy.get() == "artifacts"
    assert made == [1]
