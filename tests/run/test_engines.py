"""The engine is chosen by name (``engine`` / ``--engine``), loaded only when asked for; an
unknown one is a one-line error before anything is scanned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from piscan.run.engines import ENGINES, executor_for
from piscan.run.executor import LocalExecutor


def test_an_unknown_engine_is_one_line_on_the_command_line(cli, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    run = cli("scan", sqlite_url, "-q", "--engine", "sparc")
    assert run.code == 2
    assert run.stderr == "piscan: error: engine: unknown engine 'sparc' (known: local, spark)\n"


def test_an_unknown_engine_in_the_config_names_file_and_key(cli, sqlite_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "piscan.toml"
    config.write_text('engine = "hadoop"\n', encoding="utf-8")
    run = cli("scan", sqlite_url, "-q", "--config", str(config))
    assert run.code == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and f"{config}: engine:" in run.stderr, run.stderr


def test_the_local_engine_loads_no_cluster_library(sqlite_url: str) -> None:
    """A local scan imports nothing of another engine (in a fresh interpreter)."""
    code = (
        "import sys; from piscan.cli import app\n"
        "try:\n"
        f"    app(['scan', {sqlite_url!r}, '-q', '-f', 'json', '--fail-on', 'never', '--engine', 'local'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print('loaded:', sorted(m for m in sys.modules if 'spark' in m))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[-1] == "loaded: []"
    assert ENGINES["local"].endswith(":LocalExecutor")
    assert isinstance(executor_for("local", object(), object()), LocalExecutor)
