"""Where a full scan's time goes: cProfile over a piscan child, summarised as the top functions."""

from __future__ import annotations

import pstats
import tempfile
from pathlib import Path

from benchmarks.perf.measure import ROOT, run
from benchmarks.perf.scenarios import PISCAN, QUIET


def profile_full(url: str, table: str, top: int, timeout: float) -> list[str]:
    """Lines ``tottime cumtime calls function`` for the ``top`` functions by own time, then by cumulative."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.prof"
        args = ["-m", "cProfile", "-o", str(out), *PISCAN, url, *QUIET, "--full", "-i", f"public.{table}"]
        result = run(args, timeout)
        if not out.exists():
            return [f"profile failed (exit {result.code}, timed out: {result.timed_out})"]
        stats = pstats.Stats(str(out))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = stats.stats  # type: ignore[attr-defined]
    lines = [f"full scan of {table} under cProfile: {total:.1f} s profiled"]
    for title, column in (("own time", 2), ("cumulative", 3)):
        lines.append(f"top {top} by {title}:  tottime   cumtime     calls  function")
        ranked = sorted(rows.items(), key=lambda kv: -kv[1][column])
        if column == 3:  # skip the CLI and interpreter wrappers, which hold (nearly) all the time
            ranked = [kv for kv in ranked if kv[1][3] < 0.9 * total and kv[0][2] != "<module>"]
        for (path, line, func), (_cc, calls, tt, ct, _callers) in ranked[:top]:
            where = f"{_short(path)}:{line}({func})"
            lines.append(f"  {tt:9.2f} {ct:9.2f} {calls:9d}  {where}")
    return lines


def _short(path: str) -> str:
    """``site-packages/presidio_analyzer/x.py`` -> ``presidio_analyzer/x.py``."""
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path
