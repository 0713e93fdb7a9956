"""Exit codes CI reads: a scan that read nothing, or less than it was asked to, is not clean (3);
a target that cannot be opened fails early with one line (2), before any model loads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import ROOT, new_pg_database, run_cli
from sqlalchemy.pool import NullPool

from piscan.errors import ExitCode

EMAILS = "INSERT INTO {t} SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 20) i"


def _one_error_line(run) -> str:
    assert "Traceback" not in run.stdout + run.stderr, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("piscan: error: "), run.stderr
    return lines[0]


def test_the_exit_code_table_is_the_documented_one():
    assert {c.name: int(c) for c in ExitCode}.items() >= {
        "OK": 0,
        "FINDINGS": 1,
        "ERROR": 2,
        "INCOMPLETE": 3,
        "INTERRUPTED": 130,
    }.items()
    readme = (ROOT / "README.md").read_text()
    for code in (0, 1, 2, 3, 130):
        assert f"| {code} |" in readme


# -- nothing read: exit 3 --------------------------------------------------------------------------
@pytest.fixture
def sqlite_copy(tmp_path, sqlite_url) -> Path:
    path = tmp_path / "staging.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, path)
    return path


def test_an_include_that_matches_nothing_is_exit_3(cli, sqlite_copy):
    run = cli("scan", str(sqlite_copy), "-i", "main.no_such_table", "-q", "-f", "csv")
    assert run.code == ExitCode.INCOMPLETE, run
    assert f"piscan: coverage: read 0 of 0 tables; nothing read from {sqlite_copy}" in run.stderr
    # the same scan with a matching include is clean
    assert cli("scan", str(sqlite_copy), "-i", "main.orders", "-q", "-f", "csv").code == 0


def test_an_empty_folder_is_exit_3(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    run = cli("scan", str(tmp_path / "empty"), "-q", "-f", "json")
    assert run.code == ExitCode.INCOMPLETE, run
    assert "nothing read from" in run.stderr
    assert json.loads(run.stdout)["results"] == []


def test_a_folder_whose_files_are_all_excluded_is_exit_3(cli, tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_text("login ok for user 42\n")
    run = cli("scan", str(tmp_path / "logs"), "-x", "*.log", "-q", "-f", "csv")
    assert run.code == ExitCode.INCOMPLETE, run


def test_a_damaged_sqlite_file_is_an_error_not_a_clean_text_file(cli, tmp_path):
    bad = tmp_path / "shop.sqlite"
    bad.write_bytes(b"this was an sqlite database before the disk filled up\n" * 10)
    line = _one_error_line(cli("scan", str(bad), "-q"))
    assert f"{bad} is named like an SQLite database but is not one" in line
    truncated = tmp_path / "cut.sqlite"
    truncated.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)  # a header and nothing behind it
    run = cli("scan", str(truncated), "-q")  # opens as SQLite, but no schema can be read: a skip
    assert run.code == ExitCode.INCOMPLETE, run
    assert f"piscan: skipped {truncated} main: " in run.stderr and "Traceback" not in run.stderr
    assert f"nothing read from {truncated}" in run.stderr


# -- unreadable paths (run as an unprivileged user when the tests run as root) -------------------
def _run_as_nobody(*args: str) -> dict:
    """``run_cli(ARGS)`` in a forked child without root, so permissions apply; returns code,
    stdout and stderr."""
    if os.geteuid() != 0:
        run = run_cli(*args)
        return {"code": run.code, "stdout": run.stdout, "stderr": run.stderr}
    run_cli("policies")  # load the CLI's modules while still root
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            run = run_cli(*args)
            payload = json.dumps({"code": run.code, "stdout": run.stdout, "stderr": run.stderr}).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder under /tmp that an unprivileged user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="piscan-exit-"))
    folder.chmod(0o755)
    yield folder
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o755)
    shutil.rmtree(folder)


def test_an_unreadable_sqlite_file_is_an_error_not_a_skipped_text_file(public_tmp, sqlite_url):
    db = public_tmp / "staging.sqlite"
    shutil.copy(sa.make_url(sqlite_url).database, db)
    db.chmod(0o000)
    run = _run_as_nobody("scan", str(db), "-q", "-f", "csv")
    assert run["code"] == ExitCode.ERROR, run
    assert run["stderr"] == f"piscan: error: cannot read file {db}: Permission denied\n"


def test_an_unreadable_root_folder_is_an_error(public_tmp):
    logs = public_tmp / "logs"
    logs.mkdir()
    (logs / "app.log").write_text("mail from someone@example.com\n")
    logs.chmod(0o000)
    run = _run_as_nobody("scan", str(logs), "-q", "-f", "csv")
    assert run["code"] == ExitCode.ERROR, run
    assert run["stderr"] == f"piscan: error: cannot read folder {logs}: Permission denied\n"


def test_a_path_below_an_unreadable_folder_is_one_line_not_a_traceback(public_tmp):
    locked = public_tmp / "locked"
    locked.mkdir()
    (locked / "app.log").write_text("mail from someone@example.com\n")
    locked.chmod(0o000)
    run = _run_as_nobody("scan", str(locked / "app.log"), "-q")
    assert run["code"] == ExitCode.ERROR, run
    assert run["stderr"] == f"piscan: error: cannot open {locked / 'app.log'}: Permission denied\n"


# -- a role that reads 2 of 9 tables --------------------------------------------------------------
@pytest.fixture(scope="module")
def two_of_nine(pg_admin: sa.Engine) -> Iterator[str]:
    """A PostgreSQL database of 9 tables with emails, and the URL of a role granted 2 of them."""
    role = f"piscan_2of9_{uuid.uuid4().hex[:8]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    url, drop = new_pg_database(pg_admin)
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        for i in range(1, 10):
            conn.execute(sa.text(f"CREATE TABLE t{i} (id int, email text)"))
            conn.execute(sa.text(EMAILS.format(t=f"t{i}")))
        conn.execute(sa.text(f'GRANT SELECT ON t1, t2 TO "{role}"'))
    engine.dispose()
    yield sa.make_url(url).set(username=role).render_as_string(hide_password=False)
    drop()
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))


def test_two_of_nine_tables_warns_and_fails_with_fail_on_skipped(cli, two_of_nine):
    run = cli("scan", two_of_nine, "-q", "-f", "csv")
    assert run.code == ExitCode.OK, run  # default: skips are a warning, the emails are declared
    assert "piscan: coverage: read 2 of 9 tables; not read: 7 tables" in run.stderr
    assert run.stderr.count("permission denied for table") == 7
    run = cli("scan", two_of_nine, "-q", "-f", "csv", "--fail-on-skipped")
    assert run.code == ExitCode.INCOMPLETE, run
    assert cli("scan", two_of_nine, "-q", "-f", "csv", "--max-skipped", "7").code == ExitCode.OK
    assert cli("scan", two_of_nine, "-q", "-f", "csv", "--max-skipped", "6").code == ExitCode.INCOMPLETE


def test_max_skipped_in_the_config_and_incomplete_outranks_findings(cli, two_of_nine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "piscan.toml").write_text("max_skipped = 0\n")
    run = cli("scan", two_of_nine, "-q", "-f", "csv", "--fail-on", "any")
    assert run.code == ExitCode.INCOMPLETE, run  # findings too (1), but 3 wins
    (tmp_path / "piscan.toml").write_text("fail_on_skipped = true\n")
    assert cli("scan", two_of_nine, "-q", "-f", "csv", "--allow-skipped", "--fail-on", "any").code == 1


def test_a_role_that_reads_no_table_is_exit_3(cli, pg_admin, two_of_nine):
    role = f"piscan_none_{uuid.uuid4().hex[:8]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
    try:
        url = sa.make_url(two_of_nine).set(username=role).render_as_string(hide_password=False)
        run = cli("scan", url, "-q", "-f", "csv")
        assert run.code == ExitCode.INCOMPLETE, run
        assert "read 0 of 9 tables; not read: 9 tables; nothing read from" in run.stderr
    finally:
        with pg_admin.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))


def test_a_target_that_cannot_open_outranks_one_that_read_nothing(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    run = cli("scan", str(tmp_path / "empty"), str(tmp_path / "no-such-folder"), "-q", "-f", "csv")
    assert run.code == ExitCode.ERROR, run


# -- early errors: before any model loads ---------------------------------------------------------
_PROBE = """
import sys, time
from piscan.cli import app
start = time.monotonic()
try:
    app(sys.argv[1:], standalone_mode=True)
except SystemExit as exit:
    code = exit.code
print(f"{code} {time.monotonic() - start:.3f} {'spacy' in sys.modules} {'presidio_analyzer' in sys.modules}")
"""


def _probe(*args: str, cwd: Path) -> tuple[int, float, bool, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )
    code, seconds, spacy, presidio = proc.stdout.split()
    return int(code), float(seconds), spacy == "True" or presidio == "True", proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("scan", "shop.sqlit"), "no such file or folder, and not a database URL: shop.sqlit"),
        (("scan", "postgresql+psycopg://postgres@127.0.0.1:1/nothing"), "cannot connect to"),
        (("scan", "{db}", "-f", "json", "-o", "no/such/folder/report.json"), "no such folder no/such/folder"),
        (("baseline", "create", "nope.sqlite", "--reason", "r", "--reviewer", "d"), "no such file or folder"),
    ],
)
def test_a_typo_fails_in_a_second_without_loading_models(tmp_path, sqlite_copy, args, message):
    args = tuple(a.replace("{db}", str(sqlite_copy)) for a in args)
    started = time.monotonic()
    code, seconds, models_loaded, stderr = _probe(*args, cwd=tmp_path)
    assert code == ExitCode.ERROR, stderr
    assert not models_loaded, stderr
    assert seconds < 1.0 or time.monotonic() - started < 10, seconds  # a loaded machine: still no model
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("piscan: error: ") and message in lines[0], stderr


def test_an_output_folder_that_is_not_writable_fails_before_the_scan(cli, sqlite_copy, public_tmp):
    out = public_tmp / "reports"
    out.mkdir()
    out.chmod(0o555)
    run = _run_as_nobody("scan", str(sqlite_copy.parent), "-f", "json", "-o", str(out / "r.json"), "-q")
    assert run["code"] == ExitCode.ERROR, run
    assert run["stderr"] == f"piscan: error: --output {out / 'r.json'}: folder {out} is not writable\n"


def test_explain_with_a_mistyped_target_fails_before_loading_models(tmp_path):
    code, _, models_loaded, stderr = _probe(
        "explain", "main.customers.email", "-t", "shop.sqlit", cwd=tmp_path
    )
    assert code == ExitCode.ERROR and not models_loaded, stderr
    assert stderr == "piscan: error: no such file or folder, and not a database URL: shop.sqlit\n"
