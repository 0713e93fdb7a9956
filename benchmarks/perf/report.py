"""The figures as a plain-text table, the targets as met/missed, and the same as Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.perf.figures import Figure

HEADERS = (
    "scenario",
    "wall s",
    "CPU s",
    "cells",
    "cells/s",
    "examined",
    "peak RSS MB",
    "tree PSS MB",
    "col recall",
    "FP",
    "x read",
    "x Presidio",
)


@dataclass(frozen=True)
class Verdict:
    """One target: what was asked, what was measured, and whether it holds."""

    target: str
    measured: str
    met: bool | None  # None: could not be measured in this run


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def row(fig: Figure) -> tuple[str, ...]:
    """The table cells of one figure."""
    recall = "-" if fig.recall is None else f"{fig.found}/{fig.personal}"
    wall = _num(fig.wall, 2) + (" (timeout)" if fig.timed_out else "")
    return (
        fig.label,
        wall,
        _num(fig.cpu, 2),
        _num(fig.cells, 0),
        _num(fig.cells_per_s, 0),
        _num(fig.examined, 0),
        _num(fig.peak_rss_mb, 0),
        _num(fig.tree_pss_mb, 0),
        recall,
        "-" if fig.false_pos is None else str(fig.false_pos),
        _num(fig.vs_read, 2),
        _num(fig.vs_presidio, 2),
    )


def text_table(figs: list[Figure]) -> str:
    """Aligned columns for the terminal, with each figure's notes underneath."""
    rows = [HEADERS, *(row(f) for f in figs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
        elif figs[k - 1].notes:
            lines.extend(f"    - {n}" for n in figs[k - 1].notes)
    return "\n".join(lines)


def text_verdicts(verdicts: list[Verdict]) -> str:
    """One line per target."""
    mark = {True: "met   ", False: "MISSED", None: "n/a   "}
    return "\n".join(f"  {mark[v.met]}  {v.target}: {v.measured}" for v in verdicts)


def markdown(
    machine: dict[str, str],
    settings: dict[str, object],
    figs: list[Figure],
    verdicts: list[Verdict],
    profile: list[str],
) -> str:
    """The measured section of docs/BENCHMARKS.md."""
    out = [
        "### Machine",
        "",
        *(f"- **{k}**: {v}" for k, v in machine.items()),
        "",
        "### Settings",
        "",
        *(f"- `{k}`: {v}" for k, v in settings.items()),
        "",
        "### Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    mark = {True: "met", False: "**missed**", None: "not measured"}
    out += [f"| {v.target} | {v.measured} | {mark[v.met]} |" for v in verdicts]
    out += ["", "### Figures", "", "| " + " | ".join(HEADERS) + " |", "|" + " --- |" * len(HEADERS)]
    out += ["| " + " | ".join(row(f)) + " |" for f in figs]
    notes = [f"- {f.label}: {n}" for f in figs for n in f.notes]
    if notes:
        out += ["", "Notes:", "", *notes]
    if profile:
        out += ["", "### Profile", "", "```", *profile, "```"]
    return "\n".join(out) + "\n"
