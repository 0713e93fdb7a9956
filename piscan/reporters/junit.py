"""JUnit XML for CI dashboards: one <testsuite> per source, one <testcase> per scanned location.

A source is what a CI job scans and what its owner fixes, so suites follow sources; a location
fails when any policy finds an undeclared category there, and the failure lists every such
(entity, policy, category). Skipped tables are skipped test cases; a target that could not be
scanned at all, or an interrupted scan, is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field

from piscan.model import Location, ScanResult, Skipped, Verdict
from piscan.reporters.base import ReportContext, sorted_verdicts

# Characters XML 1.0 forbids; a reason string from a driver may carry them.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class _Suite:
    """The test cases of one source, counted as they are added."""

    name: str
    cases: list[ET.Element] = field(default_factory=list)
    failures: int = 0
    errors: int = 0
    skipped: int = 0


def render(result: ScanResult, *, context: ReportContext | None = None) -> str:
    """The JUnit XML document with an XML declaration and a trailing newline."""
    root = to_element(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_element(result: ScanResult) -> ET.Element:
    """<testsuites> with one <testsuite> per source, counts summed over them."""
    suites = _suites(result)
    root = ET.Element("testsuites", name="piscan", time=_seconds(result))
    for i, suite in enumerate(suites.values()):
        root.append(_suite_element(suite, i, result))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root)))
    return root


def _suites(result: ScanResult) -> dict[str, _Suite]:
    suites: dict[str, _Suite] = {}
    by_location: dict[Location, list[Verdict]] = defaultdict(list)
    for verdict in sorted_verdicts(result):  # a stable order: a saved report renders the same
        by_location[verdict.finding.location].append(verdict)
    for loc in {c.location for c in result.coverage}:
        by_location.setdefault(loc, [])
    for loc in sorted(by_location, key=lambda x: (x.source, x.container, x.path)):
        _add(suites, loc.source, _location_case(loc, by_location[loc]))
    for item in result.skipped:
        _add(suites, item.source, _skipped_case(item))
    if result.interrupted:
        message = "interrupted: partial results"
        _add(suites, "piscan", _case("piscan", "scan", "error", "interrupted", message))
    return suites


def _add(suites: dict[str, _Suite], source: str, case: ET.Element) -> None:
    suite = suites.setdefault(source, _Suite(source or "piscan"))
    suite.cases.append(case)
    if case.find("failure") is not None:
        suite.failures += 1
    if case.find("error") is not None:
        suite.errors += 1
    if case.find("skipped") is not None:
        suite.skipped += 1


def _suite_element(suite: _Suite, index: int, result: ScanResult) -> ET.Element:
    element = ET.Element("testsuite")
    attrs = {
        "name": suite.name,
        "id": str(index),
        "tests": str(len(suite.cases)),
        "failures": str(suite.failures),
        "errors": str(suite.errors),
        "skipped": str(suite.skipped),
        "time": _seconds(result),
        "timestamp": result.started,
    }
    for key, value in attrs.items():
        element.set(key, _clean(value))
    element.append(_properties(result))
    element.extend(suite.cases)
    return element


def _properties(result: ScanResult) -> ET.Element:
    """Tool version, rules digest and each policy's file hash: what an auditor needs to reproduce."""
    props = ET.Element("properties")
    pairs = [("piscan.version", result.tool_version), ("piscan.rules_digest", result.rules_digest)]
    pairs += [(f"policy.{p.id}.sha256", p.sha256) for p in result.policies]
    for name, value in pairs:
        ET.SubElement(props, "property", name=_clean(name), value=_clean(value))
    return props


def _location_case(loc: Location, verdicts: list[Verdict]) -> ET.Element:
    container = loc.container or loc.path
    case = ET.Element("testcase", classname=_clean(f"{loc.source}.{container}"), name=_clean(loc.path))
    case.set("time", "0")
    bad = [v for v in verdicts if not v.declared]
    if bad:
        failure = ET.SubElement(case, "failure", message=_clean(_failure_message(bad)), type="undeclared")
        failure.text = _clean("\n".join(_line(v) for v in bad))
    good = [v for v in verdicts if v.declared]
    if good:
        ET.SubElement(case, "system-out").text = _clean("\n".join(_line(v) for v in good))
    return case


def _failure_message(bad: list[Verdict]) -> str:
    items = [f"{v.finding.entity} ({v.policy}: {_category(v)})" for v in bad]
    return "undeclared personal data: " + ", ".join(items)


def _category(v: Verdict) -> str:
    return f"{v.category} {v.category_name}" if v.category else "no category"


def _line(v: Verdict) -> str:
    """One verdict as text: entity, policy, category, counts and the masked example only."""
    f = v.finding
    state = "declared" if v.declared else "UNDECLARED"
    text = (
        f"{f.entity}: policy {v.policy}, category {_category(v)}, {state}; "
        f"{f.matches}/{f.sampled} sampled values, confidence {f.confidence:.2f}, evidence {f.evidence.value}"
    )
    return text + (f", example {f.example}" if f.example else "")


def _skipped_case(item: Skipped) -> ET.Element:
    if not item.location:  # the whole target: nothing of it was scanned
        return _case(item.source, item.source or "target", "error", "unreachable", item.reason)
    return _case(item.source, item.location, "skipped", "", item.reason)


def _case(classname: str, name: str, outcome: str, kind: str, message: str) -> ET.Element:
    case = ET.Element("testcase", classname=_clean(classname or "piscan"), name=_clean(name), time="0")
    child = ET.SubElement(case, outcome, message=_clean(message))
    if kind:
        child.set("type", kind)
    return case


def _seconds(result: ScanResult) -> str:
    """The scan's wall time from its start and end stamps (0 when they cannot be read)."""
    try:
        span = dt.datetime.fromisoformat(result.finished) - dt.datetime.fromisoformat(result.started)
    except (TypeError, ValueError):
        return "0"
    return f"{max(span.total_seconds(), 0.0):.3f}"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", str(text))
