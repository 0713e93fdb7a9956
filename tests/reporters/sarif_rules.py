"""SARIF checks shared by the tests: the OASIS schema (shipped in tests/data) and GitHub's rules."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
# The official OASIS schema, shipped with the tests (notice in tests/data/README.md): never skipped.
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@cache
def validator() -> jsonschema.Draft4Validator:
    raw = SCHEMA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "tests/data holds another SARIF schema"
    schema = json.loads(raw)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_accepted(log: dict) -> None:
    """Valid against the OASIS schema and within GitHub code scanning's rules."""
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    problems = github_problems(log)
    assert not problems, problems[:10]


def github_problems(log: dict) -> list[str]:
    """What GitHub code scanning checks beyond the schema (its docs "SARIF support for code
    scanning" and "SARIF results exceed one or more limits"), as far as the file shows it."""
    problems = []
    if log.get("version") != "2.1.0" or not log.get("$schema"):
        problems.append("version 2.1.0 and $schema are required")
    runs = log.get("runs", [])
    if len(runs) > 20:
        problems.append("at most 20 runs per file")
    for run in runs:
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            problems.append("runs[].tool.driver.name is required")
        rules = driver.get("rules", [])
        ids = [r.get("id") for r in rules]
        if len(rules) > 25_000 or not all(ids) or len(set(ids)) != len(ids):
            problems.append("rules need unique ids, at most 25,000")
        tags = [r["id"] for r in rules if len(r.get("properties", {}).get("tags", [])) > 20]
        problems += [f"rule {rid}: more than 20 tags" for rid in tags]
        results = run.get("results", [])
        if len(results) > 25_000:
            problems.append("at most 25,000 results per run")
        for i, result in enumerate(results):
            problems += [f"results[{i}]: {p}" for p in _result_problems(result, set(ids), run)]
    return problems


def _result_problems(result: dict, rule_ids: set[str], run: dict) -> list[str]:
    problems = []
    if result.get("ruleId") not in rule_ids:
        problems.append("ruleId must name a rule of the driver")
    if not result.get("message", {}).get("text"):
        problems.append("message.text is required")
    locations = result.get("locations", [])
    if not 1 <= len(locations) <= 1000:
        problems.append("between 1 and 1,000 locations")
    for location in locations:
        physical = location.get("physicalLocation", {})
        artifact = physical.get("artifactLocation", {})
        uri = artifact.get("uri", "")
        if not uri:
            problems.append("physicalLocation.artifactLocation.uri is required")
        elif ("://" in uri and not uri.startswith("file://")) or uri.startswith("/"):
            problems.append(f"uri must be relative (or file://), not {uri}")
        base = artifact.get("uriBaseId")
        if base and base not in run.get("originalUriBaseIds", {}):
            problems.append(f"uriBaseId {base} is not in originalUriBaseIds")
        if physical.get("region", {}).get("startLine", 0) < 1:
            problems.append("region.startLine (>= 1) is required")
    return problems
