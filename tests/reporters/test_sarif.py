"""SARIF output: schema-valid, accepted by GitHub code scanning, one result per verdict, stable rules
and fingerprints, physical locations everywhere, the baseline honoured."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

from piscan.coverage import declared_not_seen
from piscan.fingerprint import fingerprint
from piscan.model import Evidence, Finding, Location, ScanResult, Skipped
from piscan.policy import load_policy
from piscan.reporters import sarif
from piscan.reporters.base import BaselineState, ReportContext, Review, StaleEntry, sorted_verdicts
from tests.reporters.sarif_rules import assert_accepted, github_problems

ROOT = Path(__file__).resolve().parents[2]


def _log(result: ScanResult, context: ReportContext | None = None) -> dict:
    """Render to text and parse back, so the test sees exactly what a code host would."""
    return json.loads(sarif.render(result, context=context or ReportContext(root=ROOT)))


def _run(result: ScanResult, context: ReportContext | None = None) -> dict:
    return _log(result, context)["runs"][0]


def _assert_valid(result: ScanResult, context: ReportContext | None = None) -> None:
    assert_accepted(_log(result, context))


def test_github_rules_catch_what_the_old_sarif_did(staging_result: ScanResult) -> None:
    """The checker is not vacuous: a logical-only location (what 0.1 wrote for columns) fails it."""
    log = _log(staging_result)
    log["runs"][0]["results"][0]["locations"] = [{"logicalLocations": [{"name": "email"}]}]
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/abs"
    problems = github_problems(log)
    assert problems == [
        "results[0]: physicalLocation.artifactLocation.uri is required",
        "results[0]: region.startLine (>= 1) is required",
        "results[1]: uri must be relative (or file://), not /abs",
    ]


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


def test_database_columns_are_physical_and_logical_locations(staging_result: ScanResult) -> None:
    """A column of an SQLite file in the repository: the file under %SRCROOT%, the column as logical."""
    run = _run(staging_result)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    for result in run["results"]:
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "examples/staging.sqlite", "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {"startLine": 1}
        (logical,) = location["logicalLocations"]
        assert logical["kind"] == "column"
        assert logical["fullyQualifiedName"] == result["properties"]["location"]
        assert logical["fullyQualifiedName"].startswith("main.")
        assert logical["name"] == logical["fullyQualifiedName"].rsplit(".", 1)[1]


def _db_result(source: str) -> ScanResult:
    policy = load_policy("xwms")
    email = Location(source, ("public", "customers", "email"))
    dob = Location(source, ("crm", "Loyalty Members", "dob"))
    findings = (
        Finding(email, "EMAIL_ADDRESS", 9, 10, 10, 0.9, Evidence.VALUE, ("x",)),
        Finding(dob, "DATE_OF_BIRTH", 9, 10, 10, 0.9, Evidence.BOTH, ("x",)),
    )
    verdicts = tuple(policy.evaluate(findings))
    return ScanResult("0.1.0", "", "", (source,), (policy.info,), {}, findings, verdicts, ())


def _physical(run: dict) -> dict[str, dict]:
    return {r["properties"]["location"]: r["locations"][0]["physicalLocation"] for r in run["results"]}


def test_a_remote_database_gets_a_table_uri_under_its_own_base_id() -> None:
    """No file to point at: ``schema/table`` under SOURCE1, whose base URI is the URL (no query)."""
    result = _db_result("postgresql://app@db.internal:5432/shop?sslmode=require")
    _assert_valid(result)
    run = _run(result)
    where = _physical(run)
    email = where["public.customers.email"]["artifactLocation"]
    assert email == {"uri": "public/customers", "uriBaseId": "SOURCE1"}
    assert where["crm.Loyalty Members.dob"]["artifactLocation"]["uri"] == "crm/Loyalty%20Members"
    assert run["originalUriBaseIds"]["SOURCE1"]["uri"] == "postgresql://app@db.internal:5432/shop/"


def test_a_named_schema_file_gives_every_table_its_line(tmp_path: Path) -> None:
    """``--sarif-schema-file``: results point at the column's line in the CREATE TABLE, else the table's."""
    schema = tmp_path / "db" / "schema.sql"
    schema.parent.mkdir()
    schema.write_text(
        '-- shop\nCREATE TABLE IF NOT EXISTS public.customers (\n  id int,\n  "email" text\n);\n'
        'create table crm."Loyalty Members" (dob date, id int);\n',
        encoding="utf-8",
    )
    result = _db_result("postgresql://app@db/shop")
    context = ReportContext(root=tmp_path, schema_file=schema)
    _assert_valid(result, context)
    where = _physical(_run(result, context))
    assert where["public.customers.email"] == {
        "artifactLocation": {"uri": "db/schema.sql", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4},
    }
    assert where["crm.Loyalty Members.dob"]["region"] == {"startLine": 6}


def test_file_locations_are_physical_relative_uris(file_result: ScanResult) -> None:
    """Files get a relative artifact URI (escaped) under their source's base, a line, the field as logical."""
    run = _run(file_result)
    where = {r["properties"]["location"]: r["locations"][0] for r in run["results"]}
    log = where["logs/app.log#user.email"]
    share = log["physicalLocation"]["artifactLocation"]["uriBaseId"]
    assert run["originalUriBaseIds"][share]["uri"] == "file:///srv/share/"
    assert log["physicalLocation"] == {
        "artifactLocation": {"uri": "logs/app.log", "uriBaseId": share},
        "region": {"startLine": 1},
    }
    assert log["logicalLocations"][0]["name"] == "user.email"
    photo = where["hr/photo.jpg"]["physicalLocation"]["artifactLocation"]
    assert photo == {"uri": "hr/photo.jpg", "uriBaseId": share}
    member = where["a.zip!member/x.csv#L12:card"]["physicalLocation"]
    bucket = member["artifactLocation"]["uriBaseId"]
    assert member == {"artifactLocation": {"uri": "a.zip", "uriBaseId": bucket}, "region": {"startLine": 12}}
    assert run["originalUriBaseIds"][bucket]["uri"] == "s3://bucket/exports/"
    odd = where['notes/<b>Jane & "Doe".txt']["physicalLocation"]["artifactLocation"]["uri"]
    assert odd == "notes/%3Cb%3EJane%20&%20%22Doe%22.txt"


def test_files_in_the_repository_are_relative_to_srcroot_with_their_first_line(tmp_path: Path) -> None:
    """A scanned folder inside the checkout: paths from the repository root, ``first_line`` as region."""
    (tmp_path / ".git").mkdir()
    logs = tmp_path / "var" / "logs"
    logs.mkdir(parents=True)
    (logs / "app.jsonl").write_text("{}\n", encoding="utf-8")
    policy = load_policy("xwms")
    loc = Location(str(logs), ("app.jsonl", "user.email"), "app.jsonl#user.email")
    finding = Finding(loc, "EMAIL_ADDRESS", 3, 3, 3, 1.0, Evidence.VALUE, ("x",), first_line=7, lines=9)
    verdicts = (policy.judge(finding),)
    result = ScanResult("0", "", "", (str(logs),), (policy.info,), {}, (finding,), verdicts, ())
    context = ReportContext(root=sarif.repository_root(logs))
    _assert_valid(result, context)
    physical = _run(result, context)["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "var/logs/app.jsonl", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7},
    }


def test_baseline_state_and_suppressions_follow_the_review(staging_result: ScanResult) -> None:
    """Reviewed verdicts are ``unchanged`` and suppressed (external, with the reason); others ``new``."""
    verdicts = sorted_verdicts(staging_result)
    review = Review("accepted with the DPO, PRIV-12", "dpo@example.com")
    reviewed = {fingerprint(v): review for v in verdicts[:3]}
    stale = (
        StaleEntry("examples/staging.sqlite", "main.gone.email", "EMAIL_ADDRESS", "xwms", "A", "f" * 32),
    )
    context = ReportContext(baseline=BaselineState(reviewed, stale), root=ROOT)
    _assert_valid(staging_result, context)
    run = _run(staging_result, context)
    states = [r["baselineState"] for r in run["results"]]
    assert states[:3] == ["unchanged"] * 3 and set(states[3:]) == {"new"}
    assert run["results"][0]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "accepted with the DPO, PRIV-12",
            "properties": {"reviewer": "dpo@example.com"},
        }
    ]
    assert all("suppressions" not in r for r in run["results"][3:])
    assert run["properties"]["baselineStale"] == [asdict(stale[0])]
    plain = _run(staging_result)
    assert all("baselineState" not in r and "suppressions" not in r for r in plain["results"])


def test_a_run_over_githubs_result_limit_keeps_the_undeclared_results(staging_result: ScanResult) -> None:
    """GitHub rejects more than 25,000 results per run: the rest is left out with a warning."""
    copies = sarif.MAX_RESULTS // len(staging_result.verdicts) + 1
    run = _run(replace(staging_result, verdicts=staging_result.verdicts * copies))
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert [r["level"] for r in run["results"]].count("error") == len(staging_result.undeclared) * copies
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "truncated" for n in notes)


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
