"""SARIF 2.1.0: one result per verdict, one rule per policy category, so code hosts can track findings.

Every result has a physical location (``sarif_locations``: a repository-relative path under
``%SRCROOT%``, or a table under its source's base id) plus a logical one for the column, field
or archive member. With a baseline, results carry ``baselineState`` and reviewed ones an
external ``suppression`` with the reviewer's reason. Only masked examples ever reach the log.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from piscan.coverage import declared_not_seen
from piscan.fingerprint import FINGERPRINT_VERSION, fingerprint
from piscan.model import CategoryInfo, Location, PolicyInfo, ScanResult, Skipped, Verdict
from piscan.redact import printable
from piscan.reporters.base import BaselineState, ReportContext, sorted_verdicts
from piscan.reporters.sarif_locations import (
    FILE_SCHEMES,
    FileParts,
    Locator,
    file_parts,
    is_file,
    repository_root,
)

__all__ = ["FILE_SCHEMES", "FileParts", "file_parts", "is_file", "render", "to_dict"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = f"piscanFinding/v{FINGERPRINT_VERSION}"  # a new fingerprint scheme, a new key
# GitHub rejects a run with more results than this; undeclared results come first, so they stay.
MAX_RESULTS = 25_000


def render(result: ScanResult, *, context: ReportContext | None = None) -> str:
    """The SARIF log as pretty-printed JSON with a trailing newline."""
    return json.dumps(to_dict(result, context), indent=2, ensure_ascii=False) + "\n"


def to_dict(result: ScanResult, context: ReportContext | None = None) -> dict[str, object]:
    """The SARIF log as a dict: one run, rules from every policy, results in report order."""
    context = context or ReportContext()
    locator = Locator(context.root or repository_root(), context.schema_file)
    rules = rule_list(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    verdicts = sorted_verdicts(result)
    results = [_result(v, index, locator, context.baseline) for v in verdicts[:MAX_RESULTS]]
    run: dict[str, object] = {
        "tool": {"driver": {"name": "piscan", "version": result.tool_version, "rules": rules}},
        "invocations": [_invocation(result, len(verdicts) - len(results))],
        "originalUriBaseIds": locator.original_uri_base_ids(),
        "results": results,
        "properties": _run_properties(result, context.baseline),
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def rule_id(verdict: Verdict) -> str:
    """``policy/category``, or ``policy/undeclared/ENTITY`` when the policy puts the entity in none."""
    if verdict.category:
        return f"{verdict.policy}/{verdict.category}"
    return f"{verdict.policy}/undeclared/{verdict.finding.entity}"


def rule_list(result: ScanResult) -> list[dict[str, object]]:
    """Every category of every policy (stable ids and indexes), then the uncategorised entities seen."""
    rules = [_category_rule(p, c) for p in result.policies for c in p.categories]
    known = {r["id"] for r in rules}
    extra = sorted({rule_id(v): v for v in result.verdicts if rule_id(v) not in known}.items())
    return rules + [_uncategorised_rule(v) for _, v in extra]


def _category_rule(policy: PolicyInfo, category: CategoryInfo) -> dict[str, object]:
    state = "declared" if category.declared else "not declared"
    wording = category.wording or category.name
    return {
        "id": f"{policy.id}/{category.id}",
        "name": _rule_name(f"{policy.id} {category.name}"),
        "shortDescription": {"text": f"{policy.name}: {category.id} {category.name} ({state})"},
        "fullDescription": {"text": f"{policy.name} lists category {category.id} as: {wording}"},
        "help": {"text": wording},
        "defaultConfiguration": {"level": "note" if category.declared else "error"},
        "properties": {
            "policy": policy.id,
            "category": category.id,
            "declared": category.declared,
            "entities": list(category.entities),
            "tags": ["privacy", "personal-data", policy.id],
        },
    }


def _uncategorised_rule(verdict: Verdict) -> dict[str, object]:
    entity = verdict.finding.entity
    text = f"The {verdict.policy} policy puts {entity} in none of its categories, so it is undeclared."
    return {
        "id": rule_id(verdict),
        "name": _rule_name(f"{verdict.policy} undeclared {entity}"),
        "shortDescription": {"text": f"{verdict.policy}: {entity} in no category (not declared)"},
        "help": {"text": text},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "policy": verdict.policy,
            "category": "",
            "declared": False,
            "entities": [entity],
            "tags": ["privacy", "personal-data", verdict.policy],
        },
    }


def _rule_name(text: str) -> str:
    """A PascalCase identifier, as SARIF viewers show rule names."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^0-9A-Za-z]+", text) if word)


def _result(
    verdict: Verdict, index: dict[str, int], locator: Locator, baseline: BaselineState | None
) -> dict[str, object]:
    f = verdict.finding
    rid = rule_id(verdict)
    fp = fingerprint(verdict)
    out: dict[str, object] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": "note" if verdict.declared else "error",
        "message": {"text": _message(verdict)},
        "locations": [location(f.location, locator, f.first_line)],
        "partialFingerprints": {FINGERPRINT_KEY: fp},
        "properties": {
            "source": f.location.source,
            "location": f.location.path,
            "entity": f.entity,
            "policy": verdict.policy,
            "category": verdict.category,
            "categoryName": verdict.category_name,
            "declared": verdict.declared,
            "described": verdict.described,
            "matches": f.matches,
            "sampled": f.sampled,
            "rows": f.rows,
            "confidence": round(f.confidence, 4),
            "evidence": f.evidence.value,
            "recognizers": list(f.recognizers),
            "example": f.example,  # masked by the detectors; never a raw value
        },
    }
    if baseline is not None:
        review = baseline.reviewed.get(fp)
        out["baselineState"] = "new" if review is None else "unchanged"
        if review is not None:  # reviewed: code hosts show it as dismissed, not as an open alert
            out["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": review.reason or "in the piscan baseline",
                    "properties": {"reviewer": review.reviewer},
                }
            ]
    return out


def _message(verdict: Verdict) -> str:
    f = verdict.finding
    category = f"category {verdict.category} ({verdict.category_name})" if verdict.category else "no category"
    state = "declared" if verdict.declared else "NOT declared"
    text = (
        f"{f.entity} in {f.location.path} ({f.location.source}): {f.matches} of {f.sampled} sampled "
        f"values, confidence {f.confidence:.2f}, evidence {f.evidence.value}. "
        f"Policy {verdict.policy}: {category}, {state}."
    )
    return printable(text + (f" Masked example: {f.example}" if f.example else ""))


def location(loc: Location, locator: Locator, first_line: int | None = None) -> dict[str, object]:
    """A SARIF location: always physical; the column, field or archive member inside as logical."""
    out: dict[str, object] = {"physicalLocation": locator.physical(loc, first_line)}
    if not is_file(loc):
        out["logicalLocations"] = [_logical(loc.parts[-1], loc.path, "column")]
        return out
    parts = file_parts(loc)
    inner = parts.field or parts.member
    if inner:
        kind = "property" if parts.field else "member"
        out["logicalLocations"] = [_logical(inner, loc.path, kind)]
    return out


def _logical(name: str, qualified: str, kind: str) -> dict[str, str]:
    return {"name": name, "fullyQualifiedName": qualified, "kind": kind}


def _invocation(result: ScanResult, left_out: int) -> dict[str, object]:
    notes = [_notification(s, "warning", "skipped") for s in result.skipped]
    notes += [_notification(s, "note", "note") for s in result.notes]
    if left_out:
        text = f"{left_out} results left out (undeclared ones come first): at most {MAX_RESULTS} per run"
        notes.append({"level": "warning", "message": {"text": text}, "descriptor": {"id": "truncated"}})
    out: dict[str, object] = {
        "executionSuccessful": not result.interrupted,
        "toolExecutionNotifications": notes,
    }
    for key, value in (("startTimeUtc", result.started), ("endTimeUtc", result.finished)):
        if value:
            out[key] = _utc(value)
    return out


def _notification(item: Skipped, level: str, kind: str) -> dict[str, object]:
    where = " ".join(p for p in (item.source, item.location) if p)
    return {
        "level": level,
        "message": {"text": printable(f"{kind}: {where}: {item.reason}")},
        "descriptor": {"id": kind},
        "properties": {"source": item.source, "location": item.location, "reason": item.reason},
    }


def _utc(stamp: str) -> str:
    """SARIF wants UTC times; piscan writes ISO 8601 with ``+00:00``."""
    return stamp[: -len("+00:00")] + "Z" if stamp.endswith("+00:00") else stamp


def _run_properties(result: ScanResult, baseline: BaselineState | None) -> dict[str, object]:
    out: dict[str, object] = {
        "rulesDigest": result.rules_digest,
        "targets": list(result.targets),
        "policies": [
            {"id": p.id, "name": p.name, "file": p.file, "sha256": p.sha256} for p in result.policies
        ],
        "sampleSize": result.settings.get("sample_rows"),
        "tablesScanned": result.tables_scanned,
        "interrupted": result.interrupted,
        "declaredNotSeen": [asdict(u) for u in declared_not_seen(result)],
    }
    if baseline is not None:
        # Stale entries stay out of ``results``: an "absent" result would reopen a closed alert.
        out["baselineStale"] = [asdict(e) for e in baseline.stale]
    return out
