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


def _every_run(text: str) -> list[tuple[int, int]]:
    """The runs the matcher got before the word and decimal screens: enough digits only."""
    from piscan.detectors import phones as module

    runs = [
        m for m in module._RUN.finditer(text) if sum(c.isdigit() for c in m.group()) >= module._MIN_DIGITS
    ]
    return [m.span() for m in runs]


def _screened_runs(text: str) -> list[tuple[int, int]]:
    from piscan.detectors import phones as module

    runs = module._RUN.finditer(text)
    return [
        m.span()
        for m in runs
        if module._could_be_phone(m.group()) and not module._in_a_word(text, *m.span(), m.group())
    ]


_SCREENED = [
    "c45c2027d227bee741a96d21d36b75dc8b200266ba3b38893757296102bef2c4",  # a digest's digit run
    "3889375729610238ab",  # at the start, a hex letter after
    "ab38893757296102",  # a letter before, at the end
    "2842c4f9-e544-46ea-b584-934642073972",
    "0.2260711",
    "-12.3456789",
    "call 2125550187x123 now",  # an extension after: the matcher still runs
    "tel2125550187 and +44 20 7946 0958",
    "id 2125550187anexo 12",
    "2125550187e",
    "x2125550187",
]


def test_the_screens_skip_only_runs_phonenumbers_would_reject(phones):
    """The matcher on every run and on the screened runs finds the same numbers: the digest,
    decimal and glued-word cases the screens skip never held one at ``VALID`` leniency."""
    import hashlib
    import random
    import uuid

    pick = random.Random(7)
    texts = list(_SCREENED)
    texts += [hashlib.sha256(str(i).encode()).hexdigest() for i in range(300)]
    texts += [str(uuid.UUID(int=pick.getrandbits(128))) for _ in range(300)]
    texts += [f"{pick.random():.7f}" for _ in range(100)]
    screened = 0
    for text in texts:
        every = phones.numbers(text, _every_run(text)) if _every_run(text) else []
        got = phones.analyze(text, ["PHONE_NUMBER"])
        assert [(r.start, r.end, r.score) for r in got] == [(r.start, r.end, r.score) for r in every], text
        screened += bool(_every_run(text)) and not _screened_runs(text)
    assert screened > 300  # the screens did spare the matcher most of these
