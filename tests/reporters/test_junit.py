"""JUnit XML: one suite per source, one case per location, counts a CI dashboard can trust."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from piscan.model import ScanResult, Skipped
from piscan.reporters import junit

COUNTS = ("tests", "failures", "errors", "skipped")


def _parse(result: ScanResult) -> ET.Element:
    """Render to text and parse back: the document must be well-formed XML with a declaration."""
    text = junit.render(result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text)


def _count(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": sum(c.find("error") is not None for c in cases),
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }


def _assert_counts(root: ET.Element) -> None:
    """Each suite's attributes match its cases, and the root sums its suites."""
    totals = dict.fromkeys(COUNTS, 0)
    for suite in root.findall("testsuite"):
        counted = _count(suite)
        assert {k: int(suite.get(k, "-1")) for k in COUNTS} == counted, suite.get("name")
        totals = {k: totals[k] + counted[k] for k in COUNTS}
    assert {k: int(root.get(k, "-1")) for k in COUNTS} == totals


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("name"): c for c in root.iter("testcase")}


def test_staging_suite_has_one_case_per_scanned_location(staging_result: ScanResult) -> None:
    """Every scanned column is a test case (clean ones pass), in one suite for the one source."""
    root = _parse(staging_result)
    _assert_counts(root)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == staging_result.targets[0]
    names = [c.get("name") for c in suite.findall("testcase")]
    assert sorted(names) == sorted({c.location.path for c in staging_result.coverage})
    for case in suite.findall("testcase"):
        assert case.get("classname") and case.get("name") and case.get("time") is not None


def test_failures_are_locations_with_undeclared_verdicts(staging_result: ScanResult) -> None:
    """A location fails exactly when some policy finds an undeclared category there."""
    root = _parse(staging_result)
    failing = {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None}
    assert failing == {v.finding.location.path for v in staging_result.undeclared}
    assert int(root.get("failures")) == len(failing) > 0


def test_failure_lists_entity_policy_and_category(staging_result: ScanResult) -> None:
    """The failure message and text name each undeclared entity with its policy and category."""
    cases = _cases(_parse(staging_result))
    for verdict in staging_result.undeclared:
        failure = cases[verdict.finding.location.path].find("failure")
        assert failure.get("type") == "undeclared"
        assert f"{verdict.finding.entity} ({verdict.policy}: " in failure.get("message")
        assert f"policy {verdict.policy}, category {verdict.category or 'no category'}" in failure.text
    face = cases["main.biometric_enrollments.face_embedding"]
    assert "FACE_TEMPLATE (xwms: E Biometric information)" in face.find("failure").get("message")
    assert "westmonth" in face.find("system-out").text  # declared there: reported, not failing


def test_classname_is_source_and_container(staging_result: ScanResult) -> None:
    """Dashboards group cases by table: classname is the source plus ``schema.table``."""
    case = _cases(_parse(staging_result))["main.customers.email"]
    assert case.get("classname") == f"{staging_result.targets[0]}.main.customers"


def test_skipped_tables_are_skipped_cases(staging_result: ScanResult) -> None:
    """A table that could not be read is a skipped case whose message is the reason."""
    source = staging_result.targets[0]
    skipped = (
        Skipped(source, "main.audit", "permission denied for table audit"),
        Skipped(source, "main.blobs.raw", "statement timeout"),
    )
    root = _parse(replace(staging_result, skipped=skipped))
    _assert_counts(root)
    assert root.get("skipped") == "2"
    cases = _cases(root)
    assert cases["main.audit"].find("skipped").get("message") == "permission denied for table audit"
    assert cases["main.blobs.raw"].find("skipped").get("message") == "statement timeout"


def test_file_scan_suites_per_source_with_errors(file_result: ScanResult) -> None:
    """Several sources give several suites; an unreachable target is an error, a locked file is skipped."""
    root = _parse(file_result)
    _assert_counts(root)
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names == ["/srv/share", "s3://bucket/exports", "smb://fs/hr"]
    cases = _cases(root)
    assert cases["hr/locked.pdf"].find("skipped").get("message") == "permission denied <root only>"
    assert cases["smb://fs/hr"].find("error").get("message") == "cannot connect: timed out"
    assert cases["logs/clean.log"].find("*") is None  # scanned and clean: a passing case
    assert cases['notes/<b>Jane & "Doe".txt'].find("failure") is not None
    assert cases["hr/photo.jpg"].find("failure") is not None  # IMAGE: xwms H is not declared
    # 5 scanned locations + 1 skipped file + 1 unreachable target
    assert {k: root.get(k) for k in COUNTS} == {"tests": "7", "failures": "2", "errors": "1", "skipped": "1"}


def test_interrupted_scan_is_an_error(file_result: ScanResult) -> None:
    """A partial result must not look green on a dashboard."""
    root = _parse(replace(file_result, interrupted=True))
    _assert_counts(root)
    assert int(root.get("errors")) == 2
    assert _cases(root)["scan"].find("error").get("type") == "interrupted"


def test_characters_xml_forbids_are_replaced(staging_result: ScanResult) -> None:
    """A driver's error text with control characters still gives a well-formed document."""
    skipped = (Skipped(staging_result.targets[0], "main.odd", "bad byte \x00 and \x1b[31m"),)
    root = _parse(replace(staging_result, skipped=skipped))
    assert _cases(root)["main.odd"].find("skipped").get("message") == "bad byte \ufffd and \ufffd[31m"


def test_policies_and_versions_are_suite_properties(staging_result: ScanResult) -> None:
    """An auditor can tell which rules and which policy files produced the verdicts."""
    (suite,) = _parse(staging_result).findall("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["piscan.version"] == staging_result.tool_version
    for policy in staging_result.policies:
        assert props[f"policy.{policy.id}.sha256"] == policy.sha256
