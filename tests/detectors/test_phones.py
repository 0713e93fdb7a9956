"""Phone numbers: phonenumbers over several regions, scored by how unmistakably they are written."""

from __future__ import annotations

import pytest

from piscan.detectors.phones import AMBIGUOUS, INTERNATIONAL, NATIONAL, PhoneNumberRecognizer


@pytest.fixture(scope="module")
def phones() -> PhoneNumberRecognizer:
    return PhoneNumberRecognizer("PhoneRecognizer", ["US", "GB", "DE", "FR", "CN"], ["phone"], ["CN"])


def _score(recognizer: PhoneNumberRecognizer, text: str) -> float:
    return max((r.score for r in recognizer.analyze(text, ["PHONE_NUMBER"])), default=0.0)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("+86 139 1234 5678", INTERNATIONAL),
        ("+49 30 12345678", INTERNATIONAL),
        ("030 12345678", NATIONAL),
        ("(212) 555-0187", NATIONAL),
        ("06 12 34 56 78", NATIONAL),
        ("13912345678", NATIONAL),  # a Chinese mobile, written bare as usual
        ("15112345678", NATIONAL),  # also a valid German number: the later region still counts
        ("1962-03-18", 0.0),  # dates, IPv4 addresses and amounts are not numbers to call
        ("203.113.170.70", 0.0),
        ("23721.19", 0.0),
        ("4155550123", AMBIGUOUS),  # a bare digit run: serials and epoch seconds look the same
        ("709-980-6959", AMBIGUOUS),
        ("-0.226071,0.698425", 0.0),
        ("2842C4F9-E544-46EA-B584-934642073972", 0.0),
    ],
)
def test_scores_follow_the_format(phones, text, score):
    assert _score(phones, text) == score
