"""Several reports from one scan, ``piscan report`` for a saved scan, --version, help, settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlalchemy as sa

from piscan import __version__
from piscan.errors import UsageError
from piscan.reporters.base import Format
from piscan.reports import ReportSpec, pair

ROOT = Path(__file__).resolve().parents[1]


def test_each_output_belongs_to_the_format_before_it() -> None:
    """``-f sarif -o a -f junit -o b -f csv``: two files and one report on stdout."""
    given = [("format", "sarif"), ("output", "a.sarif"), ("format", "junit"), ("output", "b.xml")]
    given.append(("format", "csv"))
    assert pair(given, "table", None) == [
        ReportSpec(Format.SARIF, Path("a.sarif")),
        ReportSpec(Format.JUNIT, Path("b.xml")),
        ReportSpec(Format.CSV, None),
    ]


def test_one_format_and_one_output_pair_in_either_order_as_before() -> None:
    """``-o x.sarif -f sarif`` kept working; the config's format/output fill what is not given."""
    assert pair([("output", "x.sarif"), ("format", "sarif")], "table", None) == [
        ReportSpec(Format.SARIF, Path("x.sarif"))
    ]
    assert pair([], "json", "r.json") == [ReportSpec(Format.JSON, Path("r.json"))]
    assert pair([("output", "r.csv")], "csv", None) == [ReportSpec(Format.CSV, Path("r.csv"))]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([("format", "json"), ("format", "csv")], "only one report can go to stdout"),
        ([("output", "a"), ("format", "json"), ("format", "csv"), ("output", "b")], "each -o FILE follows"),
        ([("format", "json"), ("output", "a"), ("format", "csv"), ("output", "a")], "the same file"),
        ([("format", "pdf")], "choose one of table, json"),
    ],
)
def test_ambiguous_pairs_are_usage_errors(given: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        pair(given, "table", None)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Path:
    """A checkout (``.git``) holding the example database, as the working directory."""
    (tmp_path / ".git").mkdir()
    db = tmp_path / "db" / "staging.sqlite"
    db.parent.mkdir()
    db.write_bytes(Path(sa.make_url(sqlite_url).database).read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


ONE_TABLE = ("-i", "main.biometric_enrollments", "-q", "-p", "xwms")


def test_one_scan_writes_sarif_junit_json_and_csv_to_stdout(cli, project: Path) -> None:
    """The GitLab flow in one run: every report from the same scan, the exit code from its findings."""
    run = cli(
        "scan", "db/staging.sqlite", *ONE_TABLE,
        "-f", "sarif", "-o", "piscan.sarif", "-f", "junit", "-o", "junit.xml",
        "-f", "json", "-o", "scan.json", "-f", "csv",
    )  # fmt: skip
    assert run.code == 1, run
    doc = json.loads((project / "scan.json").read_text())
    sarif = json.loads((project / "piscan.sarif").read_text())
    junit = ET.parse(project / "junit.xml").getroot()
    csv_rows = run.stdout.strip().splitlines()[1:]
    undeclared = sum(1 for r in doc["results"] if not r["declared"])
    assert undeclared > 0
    assert len(sarif["runs"][0]["results"]) == len(doc["results"]) == len(csv_rows)
    assert [r["level"] for r in sarif["runs"][0]["results"]].count("error") == undeclared
    assert int(junit.get("failures")) > 0
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "db/staging.sqlite", "uriBaseId": "%SRCROOT%"}


def test_report_renders_a_saved_scan_like_the_scan_itself(cli, project: Path) -> None:
    """``piscan report scan.json -f F -o FILE`` writes what ``scan -f F -o FILE`` wrote."""
    args = ("-f", "json", "-o", "scan.json", "-f", "sarif", "-o", "a.sarif", "-f", "html", "-o", "a.html")
    assert cli("scan", "db/staging.sqlite", *ONE_TABLE, *args).code == 1
    run = cli(
        "report", "scan.json", "-f", "sarif", "-o", "b.sarif", "-f", "html", "-o", "b.html", "-f", "json"
    )
    assert run.code == 0, run  # report judges nothing unless --fail-on says so
    assert (project / "b.sarif").read_text() == (project / "a.sarif").read_text()
    assert (project / "b.html").read_text() == (project / "a.html").read_text()
    assert run.stdout == (project / "scan.json").read_text()
    assert cli("report", "scan.json", "-f", "csv", "--fail-on", "undeclared").code == 1
    missing = cli("report", "nothing.json", "-f", "csv")
    assert missing.code == 2 and "nothing.json: no such report file" in missing.stderr


def test_report_with_a_baseline_suppresses_the_reviewed_findings(cli, project: Path) -> None:
    """SARIF from a saved scan and a baseline: reviewed results are suppressed with the reviewer's reason."""
    reason = ("--reason", "reviewed with the DPO, PRIV-12", "--reviewer", "dpo@example.com")
    made = cli("baseline", "create", "db/staging.sqlite", *ONE_TABLE, "-o", "baseline.json", *reason)
    assert made.code == 0, made
    assert cli("scan", "db/staging.sqlite", *ONE_TABLE, "-f", "json", "-o", "scan.json").code == 1
    run = cli("report", "scan.json", "--baseline", "baseline.json", "-f", "sarif", "--fail-on", "undeclared")
    assert run.code == 0, run  # everything was reviewed
    results = json.loads(run.stdout)["runs"][0]["results"]
    assert results and {r["baselineState"] for r in results} == {"unchanged"}
    assert {r["suppressions"][0]["justification"] for r in results} == {"reviewed with the DPO, PRIV-12"}


def test_scan_checks_report_folders_before_scanning(cli, project: Path) -> None:
    """A typo in an output folder fails at once, not after the scan."""
    run = cli("scan", "db/staging.sqlite", *ONE_TABLE, "-f", "sarif", "-o", "no/such/dir/x.sarif")
    assert run.code == 2 and "no such folder no/such/dir" in run.stderr


def test_version(cli) -> None:
    run = cli("--version")
    assert run.code == 0 and run.stdout == f"piscan {__version__}\n"


def _help(*command: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "piscan", *command, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return proc.stdout


def test_scan_help_reads_at_80_columns_and_shows_every_default() -> None:
    """No line wider than 80 columns; every option states its default (rich markup used to eat them)."""
    from typer.main import get_command

    from piscan.cli import app

    text = _help("scan")
    assert max(len(line) for line in text.splitlines()) <= 80
    flat = " ".join(text.split())
    assert "[default: xwms]" in flat and "[default: table]" in flat and "[default: 1000]" in flat
    scan = get_command(app).commands["scan"]  # type: ignore[attr-defined]
    no_default = {"help", "show_settings"}
    missing = [p.name for p in scan.params if p.name not in no_default and "[default:" not in (p.help or "")]
    assert not missing, missing
    for param in scan.params:
        if "[default:" in (param.help or ""):
            assert "[default: " + " ".join(param.help.split("[default:")[1].split()) in flat


def test_every_scan_option_is_a_config_key() -> None:
    """The config file can say whatever the command line can (pip-audit/ruff users expect it)."""
    from typer.main import get_command

    from piscan.cli import app
    from piscan.config import DEFAULTS
    from piscan.rules import schema_keys

    scan = get_command(app).commands["scan"]  # type: ignore[attr-defined]
    renamed = {"policy": "policies", "fmt": "format"}
    cli_only = {"ctx", "config", "show_settings", "help"}
    names = {renamed.get(p.name, p.name) for p in scan.params if p.name not in cli_only}
    assert names <= set(schema_keys("config")), names - set(schema_keys("config"))
    assert names <= set(DEFAULTS), names - set(DEFAULTS)


def test_config_keys_reach_the_scan_and_show_settings_prints_them(cli, project: Path) -> None:
    """jobs, hidden, byte_budget, max_miss_rate... from piscan.toml; --show-settings says where from."""
    (project / "piscan.toml").write_text(
        'targets = ["postgresql://app:s3cret@db/shop"]\njobs = 1\nhidden = true\nfollow_symlinks = true\n'
        'ignore_file = ".scanignore"\nbyte_budget = 65536\nmax_miss_rate = 0.001\n'
        'reports = [{format = "sarif", output = "x.sarif"}]\n'
    )
    run = cli("scan", "--show-settings", "--sample", "50")
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert 'targets = ["postgresql://app@db/shop"]  # ' + str(project / "piscan.toml") in lines
    assert "s3cret" not in run.stdout
    assert "sample = 50  # command line" in lines and "jobs = 1  # " + str(project / "piscan.toml") in lines
    assert "full = false  # default" in lines
    from piscan.config import resolve
    from piscan.runner import build_config

    config = build_config(resolve(project / "piscan.toml", {}))
    assert (config.files.jobs, config.files.hidden, config.files.follow_symlinks) == (1, True, True)
    assert (config.files.ignore_file, config.files.byte_budget) == (".scanignore", 65536)
    assert config.sql.sample_rows == 2995  # the sample max_miss_rate = 0.001 asks for


def test_config_reports_write_several_files(cli, project: Path) -> None:
    (project / "piscan.toml").write_text(
        'targets = ["db/staging.sqlite"]\ninclude = ["main.biometric_enrollments"]\n'
        'reports = [{format = "sarif", output = "x.sarif"}, {format = "junit", output = "x.xml"}]\n'
    )
    assert cli("scan", "-q").code == 1
    assert json.loads((project / "x.sarif").read_text())["runs"][0]["results"]
    assert ET.parse(project / "x.xml").getroot().get("failures") != "0"


def test_unknown_config_key_suggests_the_right_one(cli, project: Path) -> None:
    (project / "piscan.toml").write_text('targets = ["db/staging.sqlite"]\nsamples = 10\n')
    run = cli("scan")
    assert run.code == 2
    assert "piscan.toml: samples: unknown key; did you mean 'sample'?" in run.stderr
    (project / "piscan.toml").write_text("colour = true\n")
    assert "known keys: " in cli("scan").stderr
