"""The vectorised prefilter touches every value any of its recognizers' own patterns matches."""

from __future__ import annotations

import random

import pytest
import regex

from benchmarks.perf import values as V
from piscan.detectors import prefilter as P
from piscan.detectors.presidio import PresidioDetector, build_engine
from tests.detectors.test_batched import EDGES, _staging_values

UNICODE = [
    "Kontakt: jürgen.groß@bücher.de",
    "卡号 6222 0212 3456 7890 123",
    "IBAN: DE89 3704 0044 0532 0130 00",
    "١٢٣-٤٥-٦٧٨٩",  # Arabic-Indic digits: \d in Python's regex, not in RE2 unless widened
    "tel.\u00a0+49\u00a030\u00a01234567",  # no-break spaces: \s in Python, not in RE2 unless widened
    "SSN 078-05-1120, card 4111-1111-1111-1111",
]


@pytest.fixture(scope="module")
def detector() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _values() -> list[str]:
    r = random.Random(7)
    made = [V.MAKERS[c][2](r, i) for c in V.MAKERS for i in range(60)]
    return [v for v in [*EDGES, *UNICODE, *(t for _, t in _staging_values()), *made] if v]


def test_every_bundled_recognizer_is_covered(detector: PresidioDetector) -> None:
    pf = P.build(detector.analyzer.gated)
    assert pf.uncovered == ()
    assert len(pf.covered) == len(detector.analyzer.gated)


def test_touches_a_superset_of_what_the_patterns_match(detector: PresidioDetector) -> None:
    gates = detector.analyzer.gated
    pf = P.build(gates)
    values = _values()
    touched = set(pf.touched(values))
    for i, value in enumerate(values):
        matching = [g.recognizer.name for g in gates if any(p.search(value) for p in g.regexes)]
        assert i in touched or not matching, (value, matching)
    assert len(touched) < len(values)  # and it does leave values out


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(?<![\d-])\d{4}(?![\d-])", "x1234y"),
        (r"\b\w+@\w+\.\w{2,}\b", "größe@bücher.de"),
        (r"(?i)(?<!version )\d+\.\d+", "Version 1.2"),
        (r"([:-])\d\1", "1:2:"),
        (r"[\u4e00-\u9fff]{2}", "张三"),
        (r"[^\d\s]x", "ax"),
    ],
)
def test_widened_patterns_compile_in_re2_and_match(pattern: str, text: str) -> None:
    wide = P.widened(pattern)
    assert P.accepts(wide), wide
    if regex.search(pattern, text):
        pf = P.Prefilter(wide, ("x",), ())
        assert pf.touched([text]) == [0]


def test_an_empty_prefilter_touches_nothing() -> None:
    assert P.Prefilter("", (), ()).touched(["a@b.de"]) == []


# Look-arounds that are matched as text, and those that must stay dropped: each text matches the
# original pattern, so the widened one must match it too (superset), and the last column says
# whether the widened pattern still needs the look-around's text (it got narrower).
LOOKAROUNDS = [
    (r"(?<=user=)\w+", "x user=anna", True),
    (r"(?:(?<=uid=)|(?<=acct=))\w+", "acct=bob", True),
    (r"(?<=\buser\s)[^\s:]+(?=:?\s(?:not\sfound|failed))", "user jdoe: not found", True),
    (r"(?<=a)(?<=[ab])c", "ac", False),  # two look-behinds at one place: only the first is text
    (r"^(?<=a)b", "a\nb", False),  # an anchor before it: dropped (never matched, but must compile)
    (r"(?:(?<=a)x)+", "axx", False),  # a repeated group: its second turn has text before it
    (r"(?:a(?=a)){2}", "aaa", False),  # a look-ahead followed by another turn
    (r"x(?=ab)a", "xab", False),  # text after the look-ahead overlaps it
    (r"(?:a(?=b))+", "ab", True),
    (r"(?i)(?<=name: )[a-z]+", "NAME: Anna", True),
]


@pytest.mark.parametrize(("pattern", "text", "narrower"), LOOKAROUNDS)
def test_look_arounds_become_text_only_where_that_is_still_wider(
    pattern: str, text: str, narrower: bool
) -> None:
    wide = P.widened(pattern)
    assert P.accepts(wide), wide
    if regex.search(pattern, text, flags=regex.MULTILINE):
        assert P.Prefilter(f"(?m){wide}", ("x",), ()).touched([text]) == [0], wide
    assert ("(?:)" not in wide) == narrower, wide


def test_the_screen_gives_every_value_a_gates_own_patterns_match(detector: PresidioDetector) -> None:
    gates = detector.analyzer.gated
    screen = detector.analyzer.screen
    assert [g.recognizer.name for g, p in zip(gates, screen.patterns, strict=True) if p is None] == [
        "InferenceRecognizer"  # too big for RE2's DFA: its own regexes run over every value
    ]
    values = _values()
    for at in range(0, len(values), 97):
        chunk = values[at : at + 97]
        candidates = screen.candidates(chunk)
        for g, gate in enumerate(gates):
            for i, value in enumerate(chunk):
                if any(p.search(value) for p in gate.regexes):
                    assert candidates[g] is None or i in candidates[g], (gate.recognizer.name, value)
    chunk = values[:200]
    assert sum(len(c) for c in screen.candidates(chunk) if c is not None) < len(chunk) * len(gates) / 4


def test_a_value_utf8_cannot_encode_is_a_candidate_everywhere(detector: PresidioDetector) -> None:
    candidates = detector.analyzer.screen.candidates(["plain", "bad \udcff surrogate"])
    assert all(c is None or 1 in c for c in candidates)
