"""SARIF output: schema-valid, one result per verdict, stable rules and fingerprints, right locations."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from piscan.coverage import declared_not_seen
from piscan.fingerprint import fingerprint
from piscan.model import ScanResult, Skipped
from piscan.policy import load_policy
from piscan.reporters import sarif
from piscan.reporters.base import sorted_verdicts

# The official OASIS schema lives beside the project, never inside it.
SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sarif-schema-2.1.0.json"


@cache
def _validator() -> jsonschema.Draft4Validator:
    if not SCHEMA.is_file():
        message = f"the SARIF schema is missing: {SCHEMA}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _log(result: ScanResult) -> dict:
    """Render to text and parse back, so the test sees exactly what a code host would."""
    return json.loads(sarif.render(result))


def _run(result: ScanResult) -> dict:
    return _log(result)["runs"][0]


def _assert_valid(result: ScanResult) -> None:
    errors = sorted(_validator().iter_errors(_log(result)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_staging_scan_is_valid_sarif(staging_result: ScanResult) -> None:
    """A real database scan passes the official OASIS schema."""
    _assert_valid(staging_result)


def test_file_scan_with_skips_and_interruption_is_valid_sarif(file_result: ScanResult) -> None:
    """File locations, notifications and a failed execution are schema-valid too."""
    _assert_valid(file_result)
    _assert_valid(replace(file_result, interrupted=True))


def test_one_result_per_verdict_with_stable_fingerprints(staging_result: ScanResult) -> None:
    """Code hosts track findings by partialFingerprints: one per verdict, unique, from piscan.fingerprint."""
    results = _run(staging_result)["results"]
    verdicts = sorted_verdicts(staging_result)
    assert len(results) == len(staging_result.verdicts) > 0
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]
    assert prints == [fingerprint(v) for v in verdicts]
    assert len(set(prints)) == len(prints)


def test_rules_are_policy_categories_with_the_policy_wording(staging_result: ScanResult) -> None:
    """Rule ids are public API (``xwms/E``); help carries the policy's own words."""
    rules = _run(staging_result)["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert len(by_id) == len(rules)
    xwms = load_policy("xwms")
    for category in xwms.categories:
        rule = by_id[f"xwms/{category.id}"]
        assert rule["help"]["text"] == category.wording
        assert rule["defaultConfiguration"]["level"] == ("note" if category.declared else "error")
    assert "westmonth/undeclared/EDUCATION_RECORD" in by_id


def test_levels_and_rule_indexes_match_verdicts(staging_result: ScanResult) -> None:
    """Undeclared verdicts are errors, declared ones notes; ruleIndex points at the rule named by ruleId."""
    run = _run(staging_result)
    rules = run["tool"]["driver"]["rules"]
    for result, verdict in zip(run["results"], sorted_verdicts(staging_result), strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == sarif.rule_id(verdict)
        assert result["level"] == ("note" if verdict.declared else "error")
    levels = [r["level"] for r in run["results"]]
    assert levels == sorted(levels, key=lambda level: level != "error")  # undeclared first
    assert levels.count("error") == len(staging_result.undeclared) > 0


def test_database_columns_are_logical_locations(staging_result: ScanResult) -> None:
    """A column is ``schema.table.column`` of kind column, with no file to point at."""
    for result in _run(staging_result)["results"]:
        (location,) = result["locations"]
        assert "physicalLocation" not in location
        (logical,) = location["logicalLocations"]
        assert logical["kind"] == "column"
        assert logical["fullyQualifiedName"] == result["properties"]["location"]
        assert logical["fullyQualifiedName"].startswith("main.")
        assert logical["name"] == logical["fullyQualifiedName"].rsplit(".", 1)[1]


def _locations_by_path(result: ScanResult) -> dict[str, dict]:
    return {r["properties"]["location"]: r["locations"][0] for r in _run(result)["results"]}


def test_file_locations_are_physical_relative_uris(file_result: ScanResult) -> None:
    """Files get a relative artifact URI (escaped), a line when known, and the field inside as logical."""
    where = _locations_by_path(file_result)
    log = where["logs/app.log#user.email"]
    assert log["physicalLocation"] == {"artifactLocation": {"uri": "logs/app.log"}}
    assert log["logicalLocations"][0]["name"] == "user.email"
    assert where["hr/photo.jpg"] == {"physicalLocation": {"artifactLocation": {"uri": "hr/photo.jpg"}}}
    member = where["a.zip!member/x.csv#L12:card"]["physicalLocation"]
    assert member == {"artifactLocation": {"uri": "a.zip"}, "region": {"startLine": 12}}
    odd = where['notes/<b>Jane & "Doe".txt']["physicalLocation"]["artifactLocation"]["uri"]
    assert odd == "notes/%3Cb%3EJane%20&%20%22Doe%22.txt"


def test_uncategorised_file_finding_gets_an_undeclared_rule(file_result: ScanResult) -> None:
    """An entity a policy puts in no category gets ``policy/undeclared/ENTITY`` and level error."""
    run = _run(file_result)
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "westmonth/undeclared/EDUCATION_RECORD" in ids
    hits = [r for r in run["results"] if r["ruleId"] == "westmonth/undeclared/EDUCATION_RECORD"]
    assert [r["level"] for r in hits] == ["error"]


def test_skipped_items_are_warning_notifications(staging_result: ScanResult) -> None:
    """Skipped tables reach the code host as tool execution warnings; an interrupted scan did not succeed."""
    skipped = (Skipped(staging_result.targets[0], "main.audit", "permission denied for table audit"),)
    invocation = _run(replace(staging_result, skipped=skipped))["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert "main.audit" in note["message"]["text"]
    assert "permission denied for table audit" in note["message"]["text"]
    interrupted = _run(replace(staging_result, interrupted=True))["invocations"][0]
    assert interrupted["executionSuccessful"] is False


def test_run_properties_list_declared_but_not_seen(staging_result: ScanResult) -> None:
    """Over-broad notices show up in the run's properties with their sample sizes."""
    properties = _run(staging_result)["properties"]
    expected = [asdict(u) for u in declared_not_seen(staging_result)]
    assert properties["declaredNotSeen"] == expected
    assert {(u["policy"], u["category"]) for u in expected} >= {("xwms", "I")}
    assert {p["id"]: p["sha256"] for p in properties["policies"]} == {
        p.id: p.sha256 for p in staging_result.policies
    }


def test_an_empty_scan_is_valid_sarif() -> None:
    """No policies, no targets, no findings: still a log a code host accepts."""
    _assert_valid(ScanResult("0.1.0", "", "", (), (), {}, (), (), ()))
