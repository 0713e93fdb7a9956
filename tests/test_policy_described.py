"""The policy files say, per entity, whether the notice's words describe it; verdicts carry it."""

from __future__ import annotations

import pytest

from piscan.catalog import catalog
from piscan.errors import ConfigError
from piscan.model import Evidence, Finding, Location
from piscan.policy import load_policy


def _finding(entity: str) -> Finding:
    return Finding(Location("db", ("t", "c")), entity, 9, 10, 10, 0.9, Evidence.VALUE, ("x",), "")


@pytest.mark.parametrize("policy_id", ["xwms", "westmonth"])
def test_bundled_policies_state_described_for_every_category(policy_id):
    for category in load_policy(policy_id).categories:
        assert category.described is not None, category.id
        assert set(category.described) <= set(category.entities)


def test_xwms_counts_diagnoses_as_declared_under_c_but_not_described():
    policy = load_policy("xwms")
    health = policy.judge(_finding("HEALTH_DATA"))
    assert (health.category, health.declared, health.described) == ("C", True, False)
    age = policy.judge(_finding("AGE"))
    assert (age.category, age.declared, age.described) == ("C", True, True)
    assert policy.judge(_finding("EMAIL_ADDRESS")).described is True
    # Not declared but described: the notice names fingerprints and says it does not collect them.
    fingerprint = policy.judge(_finding("FINGERPRINT_TEMPLATE"))
    assert (fingerprint.declared, fingerprint.described) == (False, True)


def test_westmonth_outside_entities_are_neither_declared_nor_described():
    policy = load_policy("westmonth")
    verdict = policy.judge(_finding("HEALTH_DATA"))
    assert (verdict.category, verdict.declared, verdict.described) == ("", False, False)
    assert policy.judge(_finding("FINGERPRINT_TEMPLATE")).described is False
    assert policy.judge(_finding("VOICEPRINT")).described is True


def test_every_entity_gets_a_described_answer_in_bundled_policies():
    for policy_id in ("xwms", "westmonth"):
        policy = load_policy(policy_id)
        assert all(policy.judge(_finding(e)).described is not None for e in catalog())


POLICY = """
id: mine
name: My policy
categories:
  - id: contact
    name: Contact data
    declared: true
    entities: [EMAIL_ADDRESS, PHONE_NUMBER]
"""


def test_user_policy_without_described_leaves_it_unknown(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(POLICY)
    verdict = load_policy(str(path)).judge(_finding("EMAIL_ADDRESS"))
    assert verdict.declared is True
    assert verdict.described is None


def test_user_policy_with_described(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(POLICY + "    described: [EMAIL_ADDRESS]\n")
    policy = load_policy(str(path))
    assert policy.judge(_finding("EMAIL_ADDRESS")).described is True
    assert policy.judge(_finding("PHONE_NUMBER")).described is False
    assert policy.info.categories[0].described == ("EMAIL_ADDRESS",)


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ("    described: [PERSON]\n", "categories.0.described.0", "not one of this category's entities"),
        ("    described: EMAIL_ADDRESS\n", "categories.0.described", "is not of type 'array'"),
        ("    described: [EMAIL_ADDRESS, EMAIL_ADDRESS]\n", "categories.0.described", "non-unique"),
    ],
)
def test_broken_described_names_file_key_and_problem(tmp_path, extra, key, problem):
    path = tmp_path / "mine.yaml"
    path.write_text(POLICY + extra)
    with pytest.raises(ConfigError) as info:
        load_policy(str(path))
    message = str(info.value)
    assert str(path) in message and key in message and problem in message
