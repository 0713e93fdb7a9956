"""The CI and audit workflow: config files, baselines, init, explain and stated bounds."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
import sqlalchemy as sa

from piscan.coverage import miss_bound, sample_for


@pytest.fixture
def workdir(tmp_path, monkeypatch, sqlite_url):
    """A project folder with its own copy of the example database, as the working directory."""
    db = tmp_path / "staging.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, db)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_a_starter_that_loads(cli, workdir):
    assert cli("init").code == 0
    text = (workdir / "piscan.toml").read_text()
    assert text.startswith("# piscan configuration")
    assert cli("init").code == 2  # exists
    (workdir / "piscan.toml").write_text(text.replace('"examples/staging.sqlite"', '"staging.sqlite"'))
    run = cli("scan", "-f", "csv", "-q")
    assert run.code == 1
    assert "staging.sqlite,main.customers.email" in run.stdout


def test_config_file_and_command_line_override(cli, workdir):
    (workdir / "piscan.toml").write_text(
        'targets = ["staging.sqlite"]\npolicies = ["westmonth"]\ninclude = ["*.customers"]\nformat = "csv"\n'
    )
    rows = list(csv.DictReader(io.StringIO(cli("scan", "-q").stdout)))
    assert {r["policy"] for r in rows} == {"westmonth"}
    assert {r["location"].split(".")[1] for r in rows} == {"customers"}
    rows = list(csv.DictReader(io.StringIO(cli("scan", "-q", "-p", "xwms", "-i", "*.payments").stdout)))
    assert {r["policy"] for r in rows} == {"xwms"}
    assert {r["location"].split(".")[1] for r in rows} == {"payments"}


def test_tool_piscan_in_pyproject(cli, workdir):
    (workdir / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.piscan]\ntargets = ["staging.sqlite"]\n'
        'fail_on = "never"\nformat = "json"\n'
    )
    run = cli("scan", "-q")
    assert run.code == 0
    assert json.loads(run.stdout)["summary"]["undeclared"] > 0


def test_wrong_config_key_is_named(cli, workdir):
    (workdir / "piscan.toml").write_text('targets = ["staging.sqlite"]\nsamples = 10\n')
    run = cli("scan")
    assert run.code == 2
    assert "piscan.toml" in run.stderr and "samples" in run.stderr
    (workdir / "piscan.toml").write_text("targets = [\n")
    run = cli("scan")
    assert run.code == 2 and "invalid TOML" in run.stderr


def test_no_targets_is_a_usage_error(cli, workdir):
    run = cli("scan")
    assert run.code == 2 and "no targets" in run.stderr


def test_baseline_suppresses_exactly_the_reviewed_findings(cli, workdir):
    run = cli(
        "baseline",
        "create",
        "staging.sqlite",
        "-p",
        "xwms",
        "-o",
        "base.json",
        "--reason",
        "reviewed in PRIV-12",
        "--reviewer",
        "dpo@example.com",
        "-q",
    )
    assert run.code == 0, run
    doc = json.loads((workdir / "base.json").read_text())
    assert doc["version"] == 2 and doc["fingerprint_version"] == 2 and doc["entries"]
    assert all(e["reviewer"] == "dpo@example.com" and len(e["fingerprint"]) == 32 for e in doc["entries"])
    assert {e["identity"] for e in doc["entries"]} == {"path:staging.sqlite"}
    # Same database, different sample: still fully reviewed, exit 0.
    run = cli(
        "scan", "staging.sqlite", "-p", "xwms", "--baseline", "base.json", "-q", "-f", "csv", "--sample", "60"
    )
    assert run.code == 0, run
    assert "0 new (0 undeclared), 0 stale" in run.stderr
    # A new undeclared column appears: only it fails the scan.
    engine = sa.create_engine(f"sqlite:///{workdir / 'staging.sqlite'}")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE customers ADD COLUMN voiceprint_vector TEXT"))
        conn.execute(
            sa.text(
                "UPDATE customers SET voiceprint_vector ="
                " '[' || id || '.5, 0.25, 0.125, 0.5, 0.75, 0.1, 0.2, 0.3]'"
            )
        )
        conn.execute(sa.text("DROP TABLE student_records"))
    engine.dispose()
    run = cli("scan", "staging.sqlite", "-p", "xwms", "--baseline", "base.json", "-q", "-f", "csv")
    assert run.code == 1
    assert "piscan: new: main.customers.voiceprint_vector VOICEPRINT xwms undeclared" in run.stderr
    assert run.stderr.count("piscan: new:") == 1
    assert run.stderr.count("piscan: stale:") == 3  # school_name, degree, gpa
    assert "main.student_records.gpa EDUCATION_RECORD xwms" in run.stderr


def test_broken_baseline_is_exit_2(cli, workdir):
    (workdir / "base.json").write_text("{not json")
    run = cli("scan", "staging.sqlite", "--baseline", "base.json", "-q")
    assert run.code == 2 and "base.json" in run.stderr


def test_explain_shows_detectors_scores_and_masked_example(cli, workdir):
    run = cli("explain", "main.customers.email", "-t", "staging.sqlite", "-p", "xwms")
    assert run.code == 0, run
    assert "EMAIL_ADDRESS" in run.stdout
    assert "OfflineEmailRecognizer: mean score 1.00" in run.stdout
    assert "context    email" in run.stdout
    assert "@e***.com (masked)" in run.stdout
    assert "xwms: A Identifiers: declared" in run.stdout
    clean = cli("explain", "main.orders.quantity", "-t", "staging.sqlite")
    assert clean.code == 0 and "no personal data found (120 values sampled" in clean.stdout
    assert cli("explain", "main.nope.x", "-t", "staging.sqlite").code == 2


def test_miss_bound_is_the_exact_binomial_and_near_the_rule_of_three():
    assert miss_bound(0) == 1.0
    assert miss_bound(1000) == pytest.approx(3 / 1000, rel=0.01)
    n = sample_for(0.001)
    assert miss_bound(n) <= 0.001 < miss_bound(n - 1)


def test_reports_show_n_and_the_bound_per_location(cli, workdir):
    doc = json.loads(cli("scan", "staging.sqlite", "-f", "json", "-q", "--max-miss-rate", "0.001").stdout)
    assert doc["sample_size"] == sample_for(0.001) == 2995  # more than the default 1000 rows
    assert doc["settings"]["min_non_null"] == 2995
    quantity = next(c for c in doc["coverage"] if c["location"] == "main.orders.quantity")
    assert quantity["sampled"] == 120 and quantity["entities"] == []
    assert quantity["miss_bound_95"] == pytest.approx(miss_bound(120), abs=1e-6)
    assert doc["declared_not_seen"]


def test_ci_examples_run_piscan_with_a_baseline_and_upload_sarif():
    import yaml
    from conftest import ROOT

    github = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text())
    steps = github["jobs"]["personal-data-inventory"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "piscan scan" in runs and "--baseline" in runs and "--format sarif" in runs
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert "postgres" in github["jobs"]["personal-data-inventory"]["services"]
    gitlab = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text())["piscan"]
    assert gitlab["services"] and "--baseline" in " ".join(gitlab["script"])
    assert gitlab["artifacts"]["paths"][0] == "piscan.sarif"  # the full flow: tests/test_ci_examples.py
