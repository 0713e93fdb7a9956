"""Figures: one measured scenario, its throughput, recall against the generator's truth, and ratios."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from benchmarks.perf.measure import Run


@dataclass
class Figure:
    """One row of the results table; None means not measured (or not meaningful) for that scenario."""

    key: str
    label: str
    wall: float | None = None
    cpu: float | None = None
    cells: int | None = None
    peak_rss_mb: float | None = None
    found: int | None = None  # personal columns reported
    personal: int | None = None  # personal columns in scope
    false_pos: int | None = None  # non-personal columns reported
    timed_out: bool = False
    vs_read: float | None = None  # wall / the read limit's wall on the same rows (x slower)
    vs_presidio: float | None = None  # cells/s / the Presidio baseline's cells/s (x faster)
    notes: list[str] = field(default_factory=list)
    rss_trace: tuple[tuple[float, float], ...] = ()  # (seconds, RSS MB) once a second, for long runs
    tree_pss_mb: float | None = None  # largest summed PSS of piscan and its worker processes
    examined: int | None = None  # values piscan's detectors examined (the rest were read only)
    planted: dict[str, list[int]] = field(default_factory=dict)  # entity -> [reported matches, planted]

    @property
    def cells_per_s(self) -> float | None:
        """Cells examined per wall-clock second."""
        if self.cells is None or not self.wall:
            return None
        return self.cells / self.wall

    @property
    def recall(self) -> float | None:
        """Share of the personal columns in scope that were reported."""
        if self.found is None or not self.personal:
            return None
        return self.found / self.personal

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the derived figures."""
        out = dict(self.__dict__)
        out.update(cells_per_s=self.cells_per_s, recall=self.recall)
        return out


def from_run(key: str, label: str, run: Run) -> Figure:
    """A Figure with the child's wall, CPU and peak RSS."""
    fig = Figure(key, label, run.wall, run.cpu, peak_rss_mb=run.peak_rss_mb, timed_out=run.timed_out)
    fig.rss_trace = run.rss_trace
    fig.tree_pss_mb = run.tree_pss_mb
    if growth := rss_growth(run.rss_trace):
        marks = rss_marks(run.rss_trace)
        fig.notes.append(f"RSS over the run: {marks} ({growth:.2f}x from 20 % to the end)")
    if run.timed_out:
        fig.notes.append(f"killed at the {run.wall:.0f} s timeout")
    elif run.code != 0:
        fig.notes.append(f"exit code {run.code}: {run.stderr.strip().splitlines()[-1:]}")
    return fig


def rss_marks(trace: tuple[tuple[float, float], ...]) -> str:
    """RSS at 20, 50 and 100 % of the traced run: ``40 s 250 MB, ...``."""
    picks = [trace[min(len(trace) - 1, int(len(trace) * q))] for q in (0.2, 0.5, 1.0)]
    return ", ".join(f"{t:.0f} s {rss:.0f} MB" for t, rss in picks)


def rss_growth(trace: tuple[tuple[float, float], ...]) -> float | None:
    """RSS at the end over RSS at 20 % of the run (after start-up); None for runs under 30 samples."""
    if len(trace) < 30:
        return None
    return trace[-1][1] / trace[int(len(trace) * 0.2)][1]


def piscan_report(run: Run) -> dict[str, Any] | None:
    """The JSON report a piscan child printed, or None when it printed none (killed, failed)."""
    if run.timed_out or not run.stdout.strip():
        return None
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        return None


def flagged_columns(report: dict[str, Any]) -> set[str]:
    """``schema.table.column`` locations with any finding."""
    return {r["location"] for r in report.get("results", [])}


def scanned_cells(report: dict[str, Any]) -> int:
    """Cells examined: rows read per column, summed over every column (from the coverage list)."""
    return sum(int(c.get("rows", 0)) for c in report.get("coverage", []))


def examined_values(report: dict[str, Any]) -> int:
    """Non-null values the detectors examined, summed (a settled full scan thins the rest)."""
    return sum(int(c.get("sampled", 0)) for c in report.get("coverage", []))


def score(fig: Figure, flagged: set[str], truth: dict[str, bool], scope: str = "") -> None:
    """Fill recall and false positives against the truth, for locations starting with ``scope``."""
    personal = {k for k, v in truth.items() if v and k.startswith(scope)}
    plain = {k for k, v in truth.items() if not v and k.startswith(scope)}
    fig.found, fig.personal = len(flagged & personal), len(personal)
    fig.false_pos = len(flagged & plain)
    for title, names in (("missed", personal - flagged), ("false positives", flagged & plain)):
        if names:
            fig.notes.append(f"{title}: {_listing(sorted(names))}")


def _listing(paths: list[str], limit: int = 6) -> str:
    """``table.column, ...`` with a count of the rest."""
    more = f" (+{len(paths) - limit} more)" if len(paths) > limit else ""
    return ", ".join(p.split(".", 1)[1] for p in paths[:limit]) + more


def matches_at(report: dict[str, Any], location: str) -> dict[str, int]:
    """entity -> matches reported at one ``schema.table.column`` location."""
    return {r["entity"]: int(r["matches"]) for r in report.get("results", []) if r["location"] == location}


def wrong(fig: Figure) -> list[str]:
    """What makes a figure a correctness failure: a column reported that holds nothing personal,
    a planted value not found, or a scan that did not finish."""
    out = []
    if fig.false_pos:
        out.append(f"{fig.false_pos} false-positive column(s)")
    for entity, (found, planted) in fig.planted.items():
        if found != planted:
            out.append(f"{entity}: {found} of {planted} planted values reported")
    return out
