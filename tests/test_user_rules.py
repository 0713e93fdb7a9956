"""Users' own entity types, recognizers and policies from their rules folder (``--rules DIR``),
without editing the installed package; mistakes name the file and the key."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from piscan.rules import use_user_rules

ENTITIES = """version: 1
defaults: {min_share: 0.3, min_matches: 2, min_score: 0.4, text_share: 0.05}
entities:
  EMPLOYEE_ID: {name: "ACME employee id", min_share: 0.5}
"""
RECOGNIZER = """recognizers:
  - name: AcmeEmployeeIdRecognizer
    supported_entity: EMPLOYEE_ID
    patterns:
      - {name: acme_emp, score: 0.8, regex: '\\bEMP-\\d{6}\\b'}
"""
POLICY = """id: acme
name: ACME staff notice
categories:
  - id: staff
    name: Staff records
    declared: true
    wording: employee ids and work email
    entities: [EMPLOYEE_ID, EMAIL_ADDRESS]
"""


@pytest.fixture(autouse=True)
def _no_user_rules_after():
    yield
    use_user_rules([])  # the rules are process-wide: later tests see only the bundled ones


@pytest.fixture
def acme(tmp_path: Path) -> tuple[Path, Path]:
    """A rules folder and a database whose ``staff.badge`` holds ACME employee ids."""
    rules = tmp_path / "acme-rules"
    (rules / "recognizers").mkdir(parents=True)
    (rules / "policies").mkdir()
    (rules / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    (rules / "recognizers" / "employee.yaml").write_text(RECOGNIZER, encoding="utf-8")
    (rules / "policies" / "acme.yaml").write_text(POLICY, encoding="utf-8")
    db = tmp_path / "hr.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE staff (id INTEGER PRIMARY KEY, badge TEXT, team TEXT)")
        conn.executemany(
            "INSERT INTO staff (badge, team) VALUES (?, ?)",
            [(f"EMP-{100000 + i * 7919 % 900000:06d}", ["ops", "sales", "it"][i % 3]) for i in range(60)],
        )
    return rules, db


def _rows(stdout: str) -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["location"], r["entity"], r["policy"]): r for r in csv.DictReader(io.StringIO(stdout))}


def test_a_users_entity_is_found_and_judged_by_their_policy(cli, acme) -> None:
    rules, db = acme
    run = cli("scan", str(db), "--rules", str(rules), "-p", "acme", "-p", "xwms", "-f", "csv", "-q")
    rows = _rows(run.stdout)
    mine = rows[("main.staff.badge", "EMPLOYEE_ID", "acme")]
    assert (mine["category"], mine["declared"], mine["matches"]) == ("staff", "yes", "60")
    bundled = rows[("main.staff.badge", "EMPLOYEE_ID", "xwms")]  # xwms says nothing about it
    assert (bundled["category"], bundled["declared"]) == ("", "no")
    assert run.code == 1
    without = cli("scan", str(db), "-p", "xwms", "-f", "csv", "-q")
    assert ("main.staff.badge", "EMPLOYEE_ID", "xwms") not in _rows(without.stdout)


def test_the_rules_folder_can_come_from_the_config_file(cli, acme, tmp_path, monkeypatch) -> None:
    rules, db = acme
    (tmp_path / "piscan.toml").write_text(
        f'targets = ["{db}"]\nrules = ["{rules}"]\npolicies = ["acme"]\nformat = "json"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    run = cli("scan", "-q")
    assert run.code == 0, run  # everything found is declared by acme
    assert '"entity": "EMPLOYEE_ID"' in run.stdout and '"rules": [' in run.stdout


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        (
            "entities.yaml",
            ENTITIES.replace("min_share: 0.5", "min_share: 5"),
            "entities.yaml: entities.EMPLOYEE_ID",
        ),
        (
            "entities.yaml",
            ENTITIES.replace("EMPLOYEE_ID", "EMAIL_ADDRESS"),
            "entities.EMAIL_ADDRESS: already defined",
        ),
        (
            "recognizers/employee.yaml",
            RECOGNIZER.replace("EMPLOYEE_ID", "STAFF_NO"),
            "recognizers.0.supported_entity: unknown entity 'STAFF_NO'",
        ),
        (
            "policies/acme.yaml",
            POLICY.replace("EMPLOYEE_ID,", "BADGE,"),
            "categories.0.entities.0: unknown entity 'BADGE'",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_key(cli, acme, file: str, text: str, message: str) -> None:
    rules, db = acme
    (rules / file).write_text(text, encoding="utf-8")
    run = cli("scan", str(db), "--rules", str(rules), "-p", "acme", "-q", "-f", "csv")
    assert run.code == 2, run
    assert message in run.stderr and str(rules) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_missing_rules_folder_is_a_one_line_error(cli, acme) -> None:
    _, db = acme
    run = cli("scan", str(db), "--rules", "no-such-rules", "-q")
    assert run.code == 2 and "no-such-rules: rules folder not found" in run.stderr
