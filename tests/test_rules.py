"""Rules are data: every file is schema-valid, every entity is placed in both policies, every
category is reachable by a recognizer, and a broken policy file gets a precise error."""

from __future__ import annotations

import pytest

from piscan.catalog import catalog
from piscan.detectors.names import name_rules
from piscan.detectors.presidio import build_engine, presidio_entities
from piscan.detectors.signatures import _SIGNATURES
from piscan.detectors.vectors import BIOMETRIC_ENTITIES
from piscan.errors import ConfigError, UsageError
from piscan.policy import bundled_policies, load_policy
from piscan.rules import rules_dir


def test_bundled_policies_are_xwms_and_westmonth():
    assert set(bundled_policies()) == {"xwms", "westmonth"}


def test_xwms_table_matches_the_notice():
    policy = load_policy("xwms")
    assert [c.id for c in policy.categories] == list("ABCDEFGHIJKL")
    undeclared = {c.id for c in policy.categories if not c.declared}
    assert undeclared == {"E", "H", "J", "K"}
    assert policy.categories[4].wording == "Fingerprints, voiceprints, facial templates"


def test_westmonth_categories_are_section_one():
    policy = load_policy("westmonth")
    ids = [c.id for c in policy.categories]
    assert ids == ["basic", "identity", "biometric", "online_identifiers", "financial", "browsing", "device"]
    assert all(c.declared for c in policy.categories)


@pytest.mark.parametrize("policy_id", ["xwms", "westmonth"])
def test_every_entity_is_placed_exactly_once(policy_id):
    policy = load_policy(policy_id)
    placed = [e for c in policy.categories for e in c.entities] + list(policy.outside)
    assert sorted(placed) == sorted(catalog()), set(catalog()) ^ set(placed)


def test_xwms_places_every_entity_in_a_category():
    policy = load_policy("xwms")
    assert not policy.outside
    assert all(policy.category_of(e) for e in catalog())


def test_entity_outside_a_policy_is_undeclared_with_empty_category():
    from piscan.model import Evidence, Finding, Location

    finding = Finding(Location("db", ("s", "t", "gpa")), "EDUCATION_RECORD", 3, 3, 3, 0.9, Evidence.BOTH, ())
    verdict = load_policy("westmonth").judge(finding)
    assert (verdict.category, verdict.category_name, verdict.declared) == ("", "", False)


def _reachable_entities() -> set[str]:
    engine = build_engine()
    entities = {"BANK_ACCOUNT" if e == "US_BANK_NUMBER" else e for e in presidio_entities(engine)}
    entities |= {r.entity for r in name_rules()}
    entities |= {entity for entity, _, _ in _SIGNATURES}
    entities |= set(BIOMETRIC_ENTITIES)
    return entities


@pytest.mark.parametrize("policy_id", ["xwms", "westmonth"])
def test_every_category_is_reachable_by_a_value_recognizer(policy_id):
    reachable = _reachable_entities()
    for category in load_policy(policy_id).categories:
        assert set(category.entities) & reachable, category.id


def test_every_entity_has_some_recognizer():
    assert set(catalog()) <= _reachable_entities()


def test_rules_folder_is_found():
    assert (rules_dir() / "entities.yaml").is_file()


def _write(tmp_path, text: str):
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return path


GOOD = """
id: mine
name: My policy
categories:
  - id: contact
    name: Contact data
    declared: true
    entities: [EMAIL_ADDRESS, PHONE_NUMBER]
"""


def test_user_policy_file_loads(tmp_path):
    policy = load_policy(str(_write(tmp_path, GOOD)))
    assert policy.id == "mine"
    assert policy.category_of("EMAIL_ADDRESS").id == "contact"
    assert policy.category_of("PERSON") is None


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("id: x\nname: [unclosed\n", "line", "invalid YAML"),
        ("id: mine\nname: n\n", "(top level)", "'categories' is a required property"),
        (GOOD.replace("PHONE_NUMBER", "SHOE_SIZE"), "categories.0.entities.1", "unknown entity 'SHOE_SIZE'"),
        (
            GOOD.replace("declared: true", "declared: maybe"),
            "categories.0.declared",
            "is not of type 'boolean'",
        ),
        (GOOD + "    colour: red\n", "categories.0", "Additional properties"),
        (
            GOOD.replace("[EMAIL_ADDRESS, PHONE_NUMBER]", "[EMAIL_ADDRESS, EMAIL_ADDRESS]"),
            "categories.0.entities.1",
            "already in category",
        ),
    ],
)
def test_broken_policy_names_file_key_and_problem(tmp_path, text, key, problem):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_policy(str(path))
    message = str(info.value)
    assert str(path) in message
    assert key in message
    assert problem in message
    assert "\n" not in message


def test_unknown_bundled_policy_is_a_usage_error():
    with pytest.raises(UsageError, match="use one of westmonth, xwms"):
        load_policy("acme")


def test_missing_policy_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_policy(str(tmp_path / "nope.yaml"))
