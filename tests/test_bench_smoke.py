"""The performance benchmark at toy sizes, so it keeps working; speed targets belong to the benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_HOST, ROOT

pytestmark = pytest.mark.postgres

SCAN_FIGURES = ("small_tables", "sampled_all", "mem_100", "mem_1000", "full", "exhaustive")
PRESIDIO = ("presidio_batch1", "presidio_analyze", "presidio_batch64")
FIGURES = ("help", "read", *PRESIDIO, "sparse", "logs", *SCAN_FIGURES)
TINY = {
    "--rows": 300,
    "--tables": 5,
    "--small-scale": 20,  # at 5 % spaCy reads two of twelve product names as people
    "--presidio-cells": 120,
    "--help-runs": 2,
    "--profile": 3,
    "--full-timeout": 300,
    "--scale-timeout": 300,
    "--timeout": 300,
    "--log-mb": 0.2,
}
LABELS = ("(a) ", "(b) ", "(c) ", "(d) ", "(e) ", "(f) ", "(g) ", "(h) ", "(i) ", "targets:", "by own time")


@pytest.fixture(scope="module")
def bench(pg_admin: sa.Engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, str, str]:
    """One tiny benchmark run: (stdout, figures JSON, markdown, database name)."""
    out = tmp_path_factory.mktemp("bench")
    db = f"piscan_bench_smoke_{uuid.uuid4().hex[:8]}"
    options = {
        "--pg": PG_HOST.replace("+psycopg", ""),
        "--db": db,
        "--json": out / "figures.json",
        "--markdown": out / "figures.md",
        **TINY,
        "--no-real": None,
    }
    args = [str(x) for pair in options.items() for x in pair if x is not None]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.perf", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    doc = json.loads(Path(out / "figures.json").read_text())
    return done.stdout, doc, Path(out / "figures.md").read_text(), db


def test_prints_every_scenario_and_the_targets(bench: tuple[str, dict, str, str]) -> None:
    stdout, _, markdown, _ = bench
    for label in LABELS:
        assert label in stdout
    assert "### Targets" in markdown and "### Machine" in markdown


def test_every_figure_is_measured(bench: tuple[str, dict, str, str]) -> None:
    _, doc, _, _ = bench
    figs = {f["key"]: f for f in doc["figures"]}
    assert set(FIGURES) <= set(figs)
    for key in FIGURES:
        fig = figs[key]
        assert not fig["timed_out"], fig
        assert fig["wall"] > 0 and fig["cpu"] is not None and fig["peak_rss_mb"] > 0, fig
        assert not any(n.startswith("exit code") for n in fig["notes"]), fig
    for key in (*SCAN_FIGURES, "presidio_batch1", "read"):
        assert figs[key]["cells"] > 0 and figs[key]["cells_per_s"] > 0, key
    for key in SCAN_FIGURES:
        assert 0 < figs[key]["examined"] <= figs[key]["cells"], key
    for key in (*SCAN_FIGURES, "presidio_batch1"):
        assert figs[key]["personal"] > 0 and figs[key]["recall"] is not None, key
        assert figs[key]["vs_presidio"] is not None, key
    assert figs["full"]["vs_read"] is not None
    # every planted e-mail and card is reported (the run would have exited 1 otherwise)
    assert figs["sparse"]["planted"] == {"EMAIL_ADDRESS": [20, 20], "CREDIT_CARD": [20, 20]}
    assert figs["exhaustive"]["examined"] >= 0.9 * figs["exhaustive"]["cells"]  # every non-null value
    assert {t["target"].split()[0] for t in doc["targets"]} >= {"full", "default", "piscan", "peak"}
    assert set(doc["machine"]) >= {"cpu", "ram", "python", "postgresql"}


def test_drops_its_databases(bench: tuple[str, dict, str, str], pg_admin: sa.Engine) -> None:
    db = bench[3]
    with pg_admin.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": f"{db}%"}
        )
        assert names.fetchall() == []


def test_a_false_positive_or_a_missed_planted_value_is_a_failure() -> None:
    from benchmarks.perf.figures import Figure, wrong

    assert wrong(Figure("x", "x", false_pos=0, planted={"EMAIL_ADDRESS": [20, 20]})) == []
    assert wrong(Figure("x", "x", false_pos=1))
    assert wrong(Figure("x", "x", false_pos=0, planted={"CREDIT_CARD": [19, 20]}))
