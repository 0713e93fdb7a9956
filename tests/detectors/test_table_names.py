"""A table's name and its other columns are context: a plain vector column in a faces table is a
face template, speaker embeddings go by their terms of art, and lookup or people tables are told
apart by their names."""

from __future__ import annotations

import pytest

from piscan.detectors.names import holds_people, is_catalogue, name_hits
from piscan.model import Column, ValueKind


def _strong(name: str, table: str = "", siblings: tuple[str, ...] = ()) -> set[str]:
    column = Column(name, "X", ValueKind.VECTOR)
    return {h.entity for h in name_hits(column, table, siblings) if h.strong}


@pytest.mark.parametrize(
    ("table", "column", "siblings", "entity"),
    [
        ("face_embeddings", "embedding", (), "FACE_TEMPLATE"),
        ("faces", "vector", ("captured_at",), "FACE_TEMPLATE"),
        ("enrolment", "features", ("face_id", "camera"), "FACE_TEMPLATE"),
        ("speakers", "embedding", (), "VOICEPRINT"),
        ("enrolled_voices", "template", (), "VOICEPRINT"),
        ("fingerprints", "template", (), "FINGERPRINT_TEMPLATE"),
    ],
)
def test_a_generic_vector_column_takes_its_tables_biometric(table, column, siblings, entity):
    assert entity in _strong(column, table, siblings)
    assert entity not in _strong(column, "products", ("sku", "price"))  # the same column elsewhere


@pytest.mark.parametrize("name", ["xvector", "x_vector", "ivector", "d_vector", "spk_emb", "spk_embedding",
                                  "speaker_embeddings", "ecapa_embedding", "voice_emb"])
def test_speaker_embeddings_by_their_terms_of_art(name):
    assert "VOICEPRINT" in _strong(name)


def test_a_device_fingerprint_table_holds_no_fingerprint_templates():
    assert "FINGERPRINT_TEMPLATE" not in _strong("vector", "device_fingerprints")


def test_a_columns_own_biometric_name_wins_over_its_siblings():
    siblings = ("face_embedding", "speaker_embedding")
    assert _strong("fingerprint_template", "biometrics", siblings) == {"FINGERPRINT_TEMPLATE"}


def test_people_and_catalogue_words():
    assert holds_people("customers", ()) and holds_people("admissions", ("subject_id", "hadm_id"))
    assert not holds_people("countries", ("code", "name", "capital"))
    assert not holds_people("languages", ("id", "language"))
    assert is_catalogue("title") and is_catalogue("product_name") and is_catalogue("listed_in")
    assert not is_catalogue("job_title") and not is_catalogue("contact_title")


def test_sensitive_attribute_and_identifier_names():
    hits = {n: {h.entity for h in name_hits(Column(n, "X", ValueKind.TEXT))} for n in
            ("mrn", "medical_record_number", "insurance_member_id", "marital_status", "sexual_orientation",
             "clicked_element", "css_selector")}
    assert "MEDICAL_RECORD_NUMBER" in hits["mrn"] and "MEDICAL_RECORD_NUMBER" in hits["medical_record_number"]
    assert "HEALTH_INSURANCE_ID" in hits["insurance_member_id"]
    assert "MARITAL_STATUS" in hits["marital_status"]
    assert "SEXUAL_ORIENTATION" in hits["sexual_orientation"]
    assert "URL" in hits["clicked_element"] and "URL" in hits["css_selector"]
