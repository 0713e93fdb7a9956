"""Value evidence: Presidio with piscan's recognizers, signatures, vectors and masking."""

from __future__ import annotations

import json
import struct

import pytest

from piscan.detectors.presidio import PresidioDetector, build_engine
from piscan.detectors.signatures import SignatureDetector
from piscan.detectors.vectors import VectorDetector, vector_length
from piscan.mask import mask
from piscan.model import Column, Location, Record, ValueKind

LOC = Location("db", ("s", "t", "c"))


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    return PresidioDetector(build_engine())


def _entities(detector, values, context=()) -> dict[str, float]:
    record = Record(LOC, Column("c", "TEXT", ValueKind.TEXT), tuple(values))
    return {d.entity: d.score for d in detector.detect(record, tuple(context))}


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("anna.meyer@example.org", "EMAIL_ADDRESS"),
        ("Please call Margaret Thompson tomorrow", "PERSON"),
        ("4111 1111 1111 1111", "CREDIT_CARD"),
        ("DE89370400440532013000", "IBAN_CODE"),
        ("11010519491231002X", "CN_RESIDENT_ID"),
        ("203.0.113.7", "IP_ADDRESS"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)", "USER_AGENT"),
        ("$2b$12$KIXQJzS1mV0e1i5d0wq3ee7cG5I1o0Q0cY2g0Q6i8o9b1nM6qY1yK", "CREDENTIAL"),
        ("52.5200, 13.4050", "PRECISE_GEOLOCATION"),
        ("742 Evergreen Terrace", "STREET_ADDRESS"),
        ("pi_3NkLd2ExampleKey12345", "PAYMENT_REFERENCE"),
    ],
)
def test_value_recognizers(presidio, text, entity):
    found = _entities(presidio, [text])
    assert entity in found, found


@pytest.mark.parametrize(
    ("text", "context", "entity"),
    [
        ("1985-04-02", ["dob"], "DATE_OF_BIRTH"),
        ("3.71", ["gpa"], "EDUCATION_RECORD"),
        ("0.83", ["churn", "score"], "INFERENCE"),
        ("female", ["gender"], "GENDER"),
    ],
)
def test_context_bound_recognizers_need_the_column_name(presidio, text, context, entity):
    assert _entities(presidio, [text], context)[entity] >= 0.4
    assert _entities(presidio, [text]).get(entity, 0) < 0.4


@pytest.mark.parametrize(
    "text",
    [
        "550e8400-e29b-41d4-a716-446655440000",
        "ORD-100233",
        "v2.14.3",
        "d41d8cd98f00b204e9800998ecf8427e",
        "2026-01-05 10:22:33",
    ],
)
def test_identifiers_that_are_not_personal_score_low(presidio, text):
    assert all(score < 0.4 for score in _entities(presidio, [text]).values()), _entities(presidio, [text])


def test_examples_are_masked(presidio):
    record = Record(LOC, Column("c", "TEXT", ValueKind.TEXT), ("anna.meyer@example.org",))
    (detection,) = presidio.detect(record, ())
    assert detection.example == "a***@e***.org"
    assert "anna" not in detection.example


def test_signatures():
    detector = SignatureDetector()
    values = (b"\xff\xd8\xff\xe0rest", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"FMR\x00 20\x00body", b"plain")
    record = Record(LOC, Column("c", "BLOB", ValueKind.BINARY), values)
    found = {d.value_index: d.entity for d in detector.detect(record, ())}
    assert found == {0: "IMAGE", 1: "AUDIO_RECORDING", 2: "FINGERPRINT_TEMPLATE"}


def test_vectors_need_a_biometric_name():
    vec = json.dumps([0.125] * 64)
    assert vector_length(vec) == 64
    assert vector_length(struct.pack("<16f", *([0.5] * 16))) == 16
    assert vector_length("[1, 2, 3]") == 0
    record = Record(LOC, Column("c", "TEXT", ValueKind.TEXT), ((0.1,) * 64,))
    assert VectorDetector(("FACE_TEMPLATE",)).detect(record, ())[0].entity == "FACE_TEMPLATE"
    assert VectorDetector(("EMAIL_ADDRESS",)).detect(record, ()) == []


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("john@example.com", "j***@e***.com"), ("Anna Meyer", "A*** M***"), ("+1 212-555-0199", "*** ********")],
)
def test_mask(raw, masked):
    assert mask(raw) == masked
