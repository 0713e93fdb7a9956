"""The CLI contract: exit codes, formats, options; errors are one line without a traceback."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from piscan.model import Evidence, Finding, Location, ScanResult
from piscan.policy import load_policy
from piscan.reporters.base import CSV_COLUMNS, Format, renderer


def test_every_format_has_a_reporter():
    finding = Finding(
        Location("db", ("s", "t", "email")),
        "EMAIL_ADDRESS",
        2,
        2,
        2,
        1.0,
        Evidence.VALUE,
        ("x",),
        "a***@e***.com",
    )
    policy = load_policy("xwms")
    result = ScanResult("0", "a", "b", ("db",), (policy.info,), {}, (finding,), (policy.judge(finding),), ())
    for fmt in Format:
        text = renderer(fmt)(result)
        assert "EMAIL_ADDRESS" in text and "email" in text and "a***@e***.com" in text


def test_csv_header_is_the_documented_contract(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-f", "csv", "-q", "--include", "*.customers")
    header = next(csv.reader(io.StringIO(run.stdout)))
    assert tuple(header) == CSV_COLUMNS
    assert header[:12] == [
        "source",
        "location",
        "entity",
        "policy",
        "category",
        "category_name",
        "declared",
        "matches",
        "sampled",
        "confidence",
        "evidence",
        "example",
    ]


def test_exit_1_when_undeclared(cli, sqlite_url):
    assert cli("scan", sqlite_url, "-q", "-f", "csv").code == 1


def test_exit_0_when_everything_found_is_declared(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "--include", "*.customers")
    assert run.code == 0, run
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows and all(r["declared"] == "yes" for r in rows)


@pytest.mark.parametrize(
    ("fail_on", "include", "code"),
    [
        ("never", "*", 0),
        ("any", "*.customers", 1),
        ("undeclared", "*.customers", 0),
        ("any", "*.products", 0),
    ],
)
def test_fail_on(cli, sqlite_url, fail_on, include, code):
    assert cli("scan", sqlite_url, "-q", "-f", "csv", "--fail-on", fail_on, "--include", include).code == code


def test_westmonth_declares_biometrics_but_not_education(cli, sqlite_url):
    run = cli(
        "scan", sqlite_url, "-q", "-f", "csv", "-p", "westmonth", "--include", "*.biometric_enrollments"
    )
    assert run.code == 0
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "-p", "westmonth", "--include", "*.student_records")
    assert run.code == 1
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert {(r["category"], r["declared"]) for r in rows} == {("", "no")}


def test_no_examples(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "--no-examples", "--include", "*.customers")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows and all(r["example"] == "" for r in rows)


def test_exclude_column(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "--include", "*.customers", "--exclude", "*.*.email")
    locations = {r["location"] for r in csv.DictReader(io.StringIO(run.stdout))}
    assert "main.customers.phone" in locations
    assert "main.customers.email" not in locations


def test_output_file(cli, sqlite_url, tmp_path):
    out = tmp_path / "inventory.csv"
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "-o", str(out), "--include", "*.payments")
    assert run.stdout == ""
    assert out.read_text().startswith("source,location,entity")


def test_user_policy_file(cli, sqlite_url, tmp_path):
    policy = tmp_path / "mine.yaml"
    policy.write_text(
        "id: mine\nname: Mine\ncategories:\n  - {id: contact, name: Contact, declared: true,"
        " entities: [EMAIL_ADDRESS]}\n"
    )
    run = cli("scan", sqlite_url, "-q", "-f", "csv", "-p", str(policy), "--include", "*.customers")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert run.code == 1
    email = next(r for r in rows if r["location"].endswith(".email"))
    assert (email["policy"], email["category"], email["declared"]) == ("mine", "contact", "yes")
    phone = next(r for r in rows if r["location"].endswith(".phone"))
    assert (phone["category"], phone["declared"]) == ("", "no")


def test_unknown_policy_is_exit_2(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-p", "acme")
    assert run.code == 2
    assert run.stderr.startswith("piscan: error: unknown policy 'acme'")


def test_missing_target_is_exit_2(cli, tmp_path):
    run = cli("scan", str(tmp_path / "nope.sqlite"))
    assert run.code == 2
    assert "no such file" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_bad_option_is_exit_2(cli):
    assert cli("scan", "x.sqlite", "--format", "pdf").code == 2


def test_policies_command(cli):
    run = cli("policies")
    assert run.code == 0
    assert "E                    NOT declared  Biometric information" in run.stdout


def test_console_script_help_runs_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "piscan", "scan", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "--policy" in proc.stdout and "--fail-on" in proc.stdout


def test_terminal_table_groups_by_table(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-q", "--include", "*.customers", "--include", "*.payments")
    assert "main.customers" in run.stdout and "main.payments" in run.stdout
    assert "tables or files scanned" in run.stdout


def test_unknown_spacy_model_is_exit_2_without_download(cli, sqlite_url):
    run = cli("scan", sqlite_url, "--model", "xx_no_such_model")
    assert run.code == 2
    assert "spaCy model 'xx_no_such_model' is not installed" in run.stderr
    assert "never downloads" in run.stderr


def test_progress_shows_tables_done_and_current_table(sqlite_url):
    import io as _io

    from rich.console import Console

    from piscan.policy import load_policy
    from piscan.progress import RichProgress
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.base import Selector
    from piscan.sources.sql import SqlOptions

    buffer = _io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    options = SqlOptions(selector=Selector(include=("*.customers", "*.payments")))
    config = ScanConfig(targets=(sqlite_url,), policies=(load_policy("xwms"),), sql=options)
    Scanner(config, RichProgress(console)).run()
    shown = buffer.getvalue()
    assert "main.customers" in shown or "main.payments" in shown
    assert "/2" in shown


def test_progress_is_quiet_when_not_a_terminal(cli, sqlite_url):
    run = cli("scan", sqlite_url, "-f", "csv", "--include", "*.payments")
    assert run.stderr == ""


def test_progress_shows_model_loading_and_time_left(sqlite_url):
    """Something is on screen while the model loads, and the bar estimates the time left."""
    import io as _io
    import re as _re

    from rich.console import Console

    from piscan.policy import load_policy
    from piscan.progress import RichProgress
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.base import Selector
    from piscan.sources.sql import SqlOptions

    buffer = _io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160)
    progress = RichProgress(console)
    options = SqlOptions(selector=Selector(include=("*.customers", "*.payments")))
    config = ScanConfig(targets=(sqlite_url,), policies=(load_policy("xwms"),), sql=options)
    with progress.loading("the detection model"):
        scanner = Scanner(config, progress)
    scanner.run()
    shown = buffer.getvalue()
    assert "loading the detection model..." in shown
    plain = _re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert _re.search(r"left (-:--:--|\d+:\d\d:\d\d)", plain)


def test_progress_shows_rows_read_within_a_table(tmp_path):
    """A big table is not a frozen bar: the rows read so far are shown while it is read."""
    import io as _io
    import re as _re
    import sqlite3 as _sqlite3

    from rich.console import Console

    from piscan.policy import load_policy
    from piscan.progress import RichProgress
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    db = tmp_path / "big.sqlite"
    with _sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, status TEXT)")
        conn.executemany("INSERT INTO events (status) VALUES (?)", [("ok",)] * 3000)
    buffer = _io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160)
    options = SqlOptions(full_scan=True, batch_rows=500)
    config = ScanConfig(
        targets=(str(db),), policies=(load_policy("xwms"),), sql=options, files=FileOptions(jobs=1)
    )
    Scanner(config, RichProgress(console)).run()
    plain = _re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    assert "main.events" in plain and "3,000 rows" in plain


_POOL_PROBE = (
    "import atexit, sys\n"
    "sys.argv = ['piscan', '--version']\n"
    "atexit.register(lambda: print('pool', __import__('pyarrow').default_memory_pool().backend_name))\n"
    "from piscan.cli import main\n"
    "main()\n"
)


@pytest.mark.parametrize(("given", "backend"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_the_cli_gives_arrow_the_system_allocator_unless_told(given, backend, monkeypatch):
    """Arrow's default pool keeps freed memory in every worker of a full scan (about 10 MB
    each); piscan's entry point picks the system allocator, and a user's choice wins."""
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    if given:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", given)
    run = subprocess.run([sys.executable, "-c", _POOL_PROBE], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert f"pool {backend}" in run.stdout
