"""Name evidence: normalization, strong and weak rules, vetoes."""

from __future__ import annotations

import pytest

from piscan.detectors.names import context_words, name_hits, normalize
from piscan.model import Column, ValueKind


def _hits(name: str, comment: str = "") -> dict[str, bool]:
    return {h.entity: h.strong for h in name_hits(Column(name, "TEXT", ValueKind.TEXT, comment))}


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("customerEmail", "customer_email"), ("Customer-Email", "customer_email"), ("DOB", "dob")],
)
def test_normalize(raw, normal):
    assert normalize(raw) == normal


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("email", "EMAIL_ADDRESS"),
        ("contactEmail", "EMAIL_ADDRESS"),
        ("dob", "DATE_OF_BIRTH"),
        ("ssn", "US_SSN"),
        ("passport_no", "PASSPORT_NUMBER"),
        ("face_embedding", "FACE_TEMPLATE"),
        ("fingerprint_template", "FINGERPRINT_TEMPLATE"),
        ("gpa", "EDUCATION_RECORD"),
        ("churn_score", "INFERENCE"),
        ("password_hash", "CREDENTIAL"),
        ("latitude", "PRECISE_GEOLOCATION"),
        ("user_agent", "USER_AGENT"),
        ("last_name", "PERSON"),
        ("iban", "IBAN_CODE"),
    ],
)
def test_strong_names(name, entity):
    assert _hits(name).get(entity) is True


def test_comment_counts_as_name_evidence():
    assert _hits("c7", "Customer date of birth").get("DATE_OF_BIRTH") is True


@pytest.mark.parametrize(
    "name", ["product_name", "file_name", "hostname", "page_views_total", "usage", "image"]
)
def test_names_that_are_not_personal(name):
    hits = _hits(name)
    assert "PERSON" not in hits
    assert "AGE" not in hits


def test_bare_name_is_only_weak():
    assert _hits("name") == {"PERSON": False}


def test_device_fingerprint_is_not_biometric():
    assert "FINGERPRINT_TEMPLATE" not in _hits("device_fingerprint")


def test_context_words_split_name_and_comment():
    words = context_words(Column("birthDate", "DATE", ValueKind.TEMPORAL, "when born"))
    assert {"birth", "date", "when", "born", "birthdate"} <= set(words)
