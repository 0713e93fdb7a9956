"""SARIF 2.1.0: one result per verdict, one rule per policy category, so code hosts can track findings.

Database columns become logical locations (``schema.table.column``); files become physical
locations (a path relative to the scanned root, ``region.startLine`` when the location names a
line). Only masked examples ever reach the log.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from urllib.parse import quote

from piscan.coverage import declared_not_seen
from piscan.fingerprint import fingerprint
from piscan.model import CategoryInfo, Location, PolicyInfo, ScanResult, Skipped, Verdict
from piscan.reporters.base import sorted_verdicts

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "piscanFinding/v1"  # versioned: a new fingerprint scheme gets a new key
# URL schemes of file targets; every other ``scheme://`` source is a database URL.
FILE_SCHEMES = frozenset({"file", "s3", "smb", "gs", "gcs", "az", "abfs", "sftp", "ftp", "http", "https"})
_LINE = re.compile(r"^L(\d+)(?:[:.](.*))?$")  # ``#L12`` or ``#L12:user.email`` in a file location


@dataclass(frozen=True)
class FileParts:
    """A file location split for SARIF: the file on disk, an archive member, a field and a line."""

    file: str
    member: str = ""
    field: str = ""
    line: int | None = None


def render(result: ScanResult) -> str:
    """The SARIF log as pretty-printed JSON with a trailing newline."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"


def to_dict(result: ScanResult) -> dict[str, object]:
    """The SARIF log as a dict: one run, rules from every policy, results in report order."""
    rules = rule_list(result)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, object] = {
        "tool": {"driver": {"name": "piscan", "version": result.tool_version, "rules": rules}},
        "invocations": [_invocation(result)],
        "results": [_result(v, index) for v in sorted_verdicts(result)],
        "properties": _run_properties(result),
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


def _result(verdict: Verdict, index: dict[str, int]) -> dict[str, object]:
    f = verdict.finding
    rid = rule_id(verdict)
    return {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": "note" if verdict.declared else "error",
        "message": {"text": _message(verdict)},
        "locations": [location(f.location)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(verdict)},
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


def _message(verdict: Verdict) -> str:
    f = verdict.finding
    category = f"category {verdict.category} ({verdict.category_name})" if verdict.category else "no category"
    state = "declared" if verdict.declared else "NOT declared"
    text = (
        f"{f.entity} in {f.location.path} ({f.location.source}): {f.matches} of {f.sampled} sampled "
        f"values, confidence {f.confidence:.2f}, evidence {f.evidence.value}. "
        f"Policy {verdict.policy}: {category}, {state}."
    )
    return text + (f" Masked example: {f.example}" if f.example else "")


def is_file(loc: Location) -> bool:
    """Files render their own path (``display``); database columns are dotted parts of a database URL."""
    if loc.display or "#" in loc.path:
        return True
    scheme, sep, _ = loc.source.partition("://")
    return bool(sep) and scheme.lower() in FILE_SCHEMES


def file_parts(loc: Location) -> FileParts:
    """Split ``path[!member][#field]``; a field ``L12`` or ``L12:field`` names line 12."""
    path, _, field = loc.path.partition("#")
    outer, _, member = path.partition("!")
    line = None
    match = _LINE.match(field)
    if match:
        line, field = int(match.group(1)), match.group(2) or ""
    return FileParts(outer, member, field, line)


def location(loc: Location) -> dict[str, object]:
    """A SARIF location: physical for files (plus the member/field inside), logical for columns."""
    if not is_file(loc):
        return {"logicalLocations": [_logical(loc.parts[-1], loc.path, "column")]}
    parts = file_parts(loc)
    physical: dict[str, object] = {"artifactLocation": {"uri": _uri(parts.file)}}
    if parts.line is not None and parts.line > 0:
        physical["region"] = {"startLine": parts.line}
    out: dict[str, object] = {"physicalLocation": physical}
    inner = parts.field or parts.member
    if inner:
        kind = "property" if parts.field else "member"
        out["logicalLocations"] = [_logical(inner, loc.path, kind)]
    return out


def _logical(name: str, qualified: str, kind: str) -> dict[str, str]:
    return {"name": name, "fullyQualifiedName": qualified, "kind": kind}


def _uri(path: str) -> str:
    """A relative URI reference: forward slashes, no leading slash, unsafe characters escaped."""
    return quote(path.replace("\\", "/").lstrip("/"), safe="/!$&'()*+,;=:@-._~")


def _invocation(result: ScanResult) -> dict[str, object]:
    notes = [_notification(s, "warning", "skipped") for s in result.skipped]
    notes += [_notification(s, "note", "note") for s in result.notes]
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
        "message": {"text": f"{kind}: {where}: {item.reason}"},
        "descriptor": {"id": kind},
        "properties": {"source": item.source, "location": item.location, "reason": item.reason},
    }


def _utc(stamp: str) -> str:
    """SARIF wants UTC times; piscan writes ISO 8601 with ``+00:00``."""
    return stamp[: -len("+00:00")] + "Z" if stamp.endswith("+00:00") else stamp


def _run_properties(result: ScanResult) -> dict[str, object]:
    return {
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
