"""The examples/ci flows run as a CI job would: baseline as the README says, one scan writing
SARIF (schema-valid, within GitHub's rules), JUnit and JSON, against a real PostgreSQL."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.schema import CreateTable

from tests.conftest import EXAMPLES, ROOT, new_pg_database, run_cli
from tests.reporters.sarif_rules import assert_accepted

CI = ROOT / "examples" / "ci"


def _github_scan() -> str:
    steps = yaml.safe_load((CI / "github-actions.yml").read_text())["jobs"]["personal-data-inventory"][
        "steps"
    ]
    (command,) = [s["run"] for s in steps if s.get("run", "").startswith("piscan scan")]
    return command


def _gitlab_scan() -> str:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["piscan"]
    (command,) = [c for c in job["script"] if c.startswith("piscan scan")]
    assert "after_script" not in job  # one scan: no second run for the JUnit report
    assert set(job["artifacts"]["paths"]) >= {"piscan.sarif", "piscan-junit.xml"}
    assert job["artifacts"]["reports"]["junit"] == "piscan-junit.xml"
    return command


def _readme_baseline() -> str:
    text = (CI / "README.md").read_text()
    (block,) = re.findall(r"```sh\n(piscan baseline create.*?)```", text, re.S)
    return block.replace("\\\n", " ")


def _args(command: str, url: str) -> list[str]:
    """The command's arguments with its database URL pointed at the test database."""
    args = shlex.split(command)[1:]
    targets = [i for i, a in enumerate(args) if a.startswith("postgresql://")]
    assert len(targets) == 1, command
    args[targets[0]] = url
    return args


def test_examples_install_piscan_from_the_repository_never_the_unrelated_pypi_project() -> None:
    """``pip install piscan`` installs somebody else's package: the examples must not say it."""
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        text = (CI / name).read_text()
        commands = [
            line for line in text.splitlines() if "pip install" in line and not line.strip().startswith("#")
        ]
        assert commands and all(re.search(r"pip install (\.|\"piscan-inventory)", c) for c in commands), (
            commands
        )
        assert not re.search(r"^\s*(- |run: )pip install piscan\b", text, re.M)


@pytest.fixture
def shop(pg_admin: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A checkout with db/staging-fixtures.sql and the database it creates, as the working folder."""
    url, drop = new_pg_database(pg_admin)
    EXAMPLES.build(url)
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, schema="public")
    ddl = "\n".join(f"{str(CreateTable(t).compile(engine)).strip()};\n" for t in meta.sorted_tables)
    engine.dispose()
    (tmp_path / ".git").mkdir()
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "staging-fixtures.sql").write_text(ddl, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    yield url, tmp_path
    drop()


@pytest.mark.parametrize("scan_command", [_github_scan, _gitlab_scan], ids=["github", "gitlab"])
def test_the_ci_flow_passes_on_reviewed_findings_and_fails_on_a_new_one(shop, scan_command) -> None:
    url, root = shop
    made = run_cli(*_args(_readme_baseline(), url))
    assert made.code == 0, made
    scan = _args(scan_command(), url)
    run = run_cli(*scan)
    assert run.code == 0, run  # every finding was reviewed
    sarif = json.loads((root / "piscan.sarif").read_text())
    assert_accepted(sarif)
    results = sarif["runs"][0]["results"]
    assert results and {r["baselineState"] for r in results} == {"unchanged"}
    assert all(
        r["suppressions"][0]["justification"] == "reviewed with the DPO, ticket PRIV-12" for r in results
    )
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"db/staging-fixtures.sql"} and len(lines) > 5  # each column on its own line
    junit = ET.parse(root / "piscan-junit.xml").getroot()
    doc = json.loads((root / "piscan.json").read_text())
    assert len(doc["results"]) == len(results) and int(junit.get("tests")) > 0

    # A finding nobody reviewed: drop one undeclared entry from the baseline.
    baseline = json.loads((root / "piscan-baseline.json").read_text())
    gone = next(e for e in baseline["entries"] if not e["declared"])
    baseline["entries"].remove(gone)
    (root / "piscan-baseline.json").write_text(json.dumps(baseline))
    run = run_cli(*scan)
    assert run.code == 1, run
    results = json.loads((root / "piscan.sarif").read_text())["runs"][0]["results"]
    new = [r for r in results if r["baselineState"] == "new"]
    assert [(r["properties"]["location"], r["properties"]["entity"]) for r in new] == [
        (gone["location"], gone["entity"])
    ]
    assert "suppressions" not in new[0] and new[0]["level"] == "error"
