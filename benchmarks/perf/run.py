"""One command: build the seeded database, measure every scenario, print figures against the targets.

python -m benchmarks.perf                      # 1M rows, 100 small tables (load ~2 min)
python -m benchmarks.perf --rows 20000 --tables 10 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.perf import generate as G
from benchmarks.perf import scenarios as S
from benchmarks.perf.figures import Figure, rss_growth, rss_marks, wrong
from benchmarks.perf.machine import describe
from benchmarks.perf.measure import ROOT
from benchmarks.perf.report import Verdict, markdown, text_table, text_verdicts

PG = os.environ.get("PISCAN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
RSS_LIMIT_MB = 500


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line; sizes scale down for quick runs and the CI smoke test."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf", description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=PG, help="server URL without a database (env PISCAN_BENCH_PG)")
    p.add_argument("--db", default="piscan_bench", help="database name (a second one, NAME_scale, too)")
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of each of the two big tables")
    p.add_argument("--tables", type=int, default=100, help="tables in the small-table schema")
    p.add_argument("--small-scale", type=int, default=100, help="percent of the small tables' row counts")
    p.add_argument("--scale-rows", default="", help="prefix sizes for the memory check [rows/100,rows/10]")
    p.add_argument("--presidio-cells", type=int, default=4500, help="cells for the Presidio baseline")
    p.add_argument("--help-runs", type=int, default=7, help="runs of piscan --help (median reported)")
    p.add_argument("--full-timeout", type=float, default=900, help="seconds for the full 1M-row scan")
    p.add_argument("--scale-timeout", type=float, default=900, help="seconds for each memory-check scan")
    p.add_argument("--timeout", type=float, default=900, help="seconds for every other child")
    p.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile the smallest full scan")
    p.add_argument("--keep", action="store_true", help="keep the databases and reuse them when unchanged")
    p.add_argument("--log-mb", type=float, default=100, help="size of the generated access log (0: skip)")
    p.add_argument("--no-real", dest="real", action="store_false", help="skip the real-schema case")
    p.add_argument("--json", type=Path, help="write every figure as JSON here")
    p.add_argument("--markdown", type=Path, help="write the figures as Markdown here")
    return p.parse_args(argv)


def _prepare(args: argparse.Namespace, name: str, plan: G.Plan, tables: list[G.Table]) -> str:
    """The database URL, loading it unless a kept database with the same plan exists."""
    url = f"{args.pg}/{name}"
    admin = f"{args.pg}/postgres"
    if args.keep and G.stored_plan(admin, name) == plan.doc():
        print(f"reusing database {name}", file=sys.stderr)
        return url
    rows = sum(t.rows for t in tables)
    print(f"loading {name}: {len(tables)} tables, {rows:,} rows ...", file=sys.stderr, flush=True)
    took = G.build(admin, url, name, tables, plan)
    print(f"loaded {name} in {took:.1f} s", file=sys.stderr)
    return url


def _ratios(figs: dict[str, Figure]) -> None:
    """x read for the full scan (estimated from the largest prefix on a timeout), x Presidio for all."""
    full, read = figs.get("full"), figs.get("read")
    mems = [f for k, f in figs.items() if k.startswith("mem_") and f.cells_per_s and not f.timed_out]
    if full and read and read.wall and read.cells:
        if full.cells_per_s and not full.timed_out:
            full.vs_read = full.wall / read.wall
        elif mems:
            rate = mems[-1].cells_per_s or 1.0
            full.vs_read = read.cells / rate / read.wall
            full.notes.append(f"x read estimated from {mems[-1].label[-25:]}: {rate:,.0f} cells/s")
    base = figs.get("presidio_batch1")
    if base and base.cells_per_s:
        for fig in figs.values():
            if fig.cells_per_s:
                fig.vs_presidio = fig.cells_per_s / base.cells_per_s
        if full and full.timed_out and mems:
            full.vs_presidio = (mems[-1].cells_per_s or 0) / base.cells_per_s


def _verdicts(figs: dict[str, Figure]) -> list[Verdict]:
    """The issue's targets against what was measured."""
    full, base = figs.get("full"), figs.get("presidio_batch1")
    out = []
    if full:
        vr = full.vs_read
        est = " (estimated: the full scan timed out)" if full.timed_out else ""
        out.append(
            Verdict(
                "full scan within 3x of the read limit",
                f"{vr:.1f}x{est}" if vr else "-",
                None if vr is None else vr <= 3,
            )
        )
        vp = full.vs_presidio
        out.append(
            Verdict(
                ">= 100x the Presidio baseline's cells/s",
                f"{vp:.1f}x{est}" if vp else "-",
                None if vp is None else vp >= 100,
            )
        )
        done = [f for k, f in figs.items() if k.startswith("mem_") and f.recall is not None]
        src = full if full.recall is not None else (done[-1] if done else None)
        if src and src.recall is not None and base and base.recall is not None:
            out.append(
                Verdict(
                    "column recall >= the Presidio baseline's",
                    f"{src.found}/{src.personal} vs {base.found}/{base.personal}",
                    src.recall >= base.recall,
                )
            )
    small = figs.get("small_tables")
    if small and small.wall:
        out.append(
            Verdict(
                "default sampled scan of the small-table schema < 10 s",
                f"{small.wall:.1f} s",
                small.wall < 10,
            )
        )
    logs = figs.get("logs")
    mb = float(logs.label.split("full, ")[1].split(" MB")[0].replace(",", "")) if logs else 0.0
    if logs and logs.wall and not logs.timed_out and mb > 0:
        minutes = S.LOG_TARGET_MB / (mb / logs.wall) / 60
        est = "" if mb >= S.LOG_TARGET_MB else f" (extrapolated from {mb:,.1f} MB)"
        out.append(Verdict("5 GB access log --full < 10 min", f"{minutes:,.1f} min{est}", minutes < 10))
    real = figs.get("real_schema")
    if real and real.wall:
        out.append(Verdict(f"{real.label[4:]} < 10 s", f"{real.wall:.1f} s", real.wall < 10))
    ex = figs.get("exhaustive")
    if ex and ex.vs_presidio:
        rate = f"{ex.cells_per_s:,.0f} values/s" if ex.cells_per_s else "-"
        out.append(
            Verdict(
                "--exhaustive >= 50x the Presidio baseline's values/s",
                f"{ex.vs_presidio:.1f}x ({rate})",
                ex.vs_presidio >= 50,
            )
        )
    helps = figs.get("help")
    if helps and helps.wall:
        out.append(Verdict("piscan --help < 0.5 s", f"{helps.wall:.2f} s", helps.wall < 0.5))
    rss = [f for k, f in figs.items() if f.peak_rss_mb and not k.startswith("presidio") and k != "read"]
    if rss:
        # with worker processes the whole tree counts: their summed PSS, if above one process's RSS
        def peak(f: Figure) -> float:
            return max(f.peak_rss_mb or 0, f.tree_pss_mb or 0)

        worst = max(rss, key=peak)
        out.append(
            Verdict(
                f"peak memory < {RSS_LIMIT_MB} MB in every piscan run (RSS, or workers' summed PSS)",
                f"max {peak(worst):.0f} MB ({worst.key})",
                peak(worst) < RSS_LIMIT_MB,
            )
        )
    return out + _memory_verdicts(figs) + _truth_verdicts(figs)


def _truth_verdicts(figs: dict[str, Figure]) -> list[Verdict]:
    """Correctness, which the exit code enforces: no false-positive column in any piscan run,
    every planted sparse value reported."""
    scans = [f for k, f in figs.items() if f.false_pos is not None and not k.startswith("presidio")]
    fps = [f"{f.key}: {f.false_pos}" for f in scans if f.false_pos]
    out = [Verdict("no false-positive column in any piscan run", ", ".join(fps) or "none", not fps)]
    sparse = figs.get("sparse")
    if sparse:
        got = ", ".join(f"{e} {a}/{b}" for e, (a, b) in sparse.planted.items())
        ok = bool(sparse.planted) and all(a == b for a, b in sparse.planted.values())
        out.append(Verdict("full scan reports every planted sparse value", got, ok))
    return out


def _memory_verdicts(figs: dict[str, Figure]) -> list[Verdict]:
    """Flat RSS: across the two prefixes when both finished, and inside the longest traced run."""
    out = []
    mems = [f for k, f in figs.items() if k.startswith("mem_") and f.peak_rss_mb and not f.timed_out]
    if len(mems) >= 2:
        growth = (mems[-1].peak_rss_mb or 0) / (mems[0].peak_rss_mb or 1)
        out.append(
            Verdict(
                f"peak RSS flat while rows grow {(mems[-1].cells or 0) // max(1, mems[0].cells or 1)}x",
                f"{mems[0].peak_rss_mb:.0f} -> {mems[-1].peak_rss_mb:.0f} MB ({growth:.2f}x)",
                growth <= 1.1,
            )
        )
    traced = [f for f in figs.values() if rss_growth(f.rss_trace)]
    if traced:
        longest = max(traced, key=lambda f: len(f.rss_trace))
        growth = rss_growth(longest.rss_trace) or 0
        out.append(
            Verdict(
                "RSS flat during the longest full scan",
                f"{rss_marks(longest.rss_trace)} ({longest.key}: {growth:.2f}x)",
                growth <= 1.1,
            )
        )
    return out


def measure(
    args: argparse.Namespace,
    main_url: str,
    scale_url: str,
    truth: dict[str, bool],
    scale_truth: dict[str, bool],
    scale_rows: list[int],
) -> dict[str, Figure]:
    """Every scenario, in an order that keeps the long full scan last among the big ones."""
    main, scaled = S.Target(main_url, truth), S.Target(scale_url, scale_truth)
    figs: dict[str, Figure] = {}

    def add(*new: Figure) -> None:
        for fig in new:
            figs[fig.key] = fig
            print(f"  {fig.label}: {fig.wall or 0:.2f} s", file=sys.stderr, flush=True)

    add(S.help_time(args.help_runs))
    add(S.read_limit(main_url, G.PERSONAL_TABLE, args.timeout))
    add(*S.presidio(main, args.presidio_cells, args.timeout))
    add(S.small_tables(main, args.timeout))
    add(S.sampled_all(main, args.timeout))
    add(*S.memory(scaled, scale_rows, args.scale_timeout))
    add(S.full_scan(main, G.PERSONAL_TABLE, args.full_timeout))
    add(S.sparse_scan(main, args.rows, args.full_timeout))
    add(S.exhaustive(scaled, f"{G.PERSONAL_TABLE}_{min(scale_rows)}", args.full_timeout))
    if args.log_mb:
        add(S.log_scan(args.log_mb, args.timeout))
    real = S.real_schema(args.timeout) if args.real else None
    if real is not None:
        add(real)
    _ratios(figs)
    return figs


def main(argv: list[str] | None = None) -> int:
    """Build, measure, report; exit 1 on a correctness failure (a false-positive column, a planted
    value missed, a scan that failed), 0 otherwise: speed targets are reported, not enforced."""
    args = parse(argv)
    started = time.perf_counter()
    plan = G.Plan(args.rows, args.tables, args.small_scale)
    scale_rows = [int(n) for n in args.scale_rows.split(",") if n] or [
        max(100, args.rows // 100),
        max(1000, args.rows // 10),
    ]
    tables, scale = G.main_tables(plan), G.scale_tables(tuple(scale_rows))
    scale_db = f"{args.db}_scale"
    scale_plan = G.Plan(0, 0, 0, tuple(scale_rows), plan.seed)
    main_url = _prepare(args, args.db, plan, tables)
    scale_url = _prepare(args, scale_db, scale_plan, scale)
    try:
        machine = describe(main_url, ROOT)
        figs = measure(args, main_url, scale_url, G.truth(tables), G.truth(scale), scale_rows)
        lines = _profile(args, scale_url, scale_rows)
    finally:
        if not args.keep:
            G.drop(f"{args.pg}/postgres", args.db)
            G.drop(f"{args.pg}/postgres", scale_db)
    verdicts = _verdicts(figs)
    settings = {
        "rows": args.rows,
        "small tables": args.tables,
        "small-table rows %": args.small_scale,
        "memory prefixes": scale_rows,
        "presidio cells": args.presidio_cells,
        "full timeout s": args.full_timeout,
        "benchmark wall s": round(time.perf_counter() - started),
        "load average at end": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print("\n" + text_table(list(figs.values())) + "\n\ntargets:\n" + text_verdicts(verdicts))
    if lines:
        print("\n" + "\n".join(lines))
    if args.json:
        doc = {
            "machine": machine,
            "settings": settings,
            "figures": [f.as_dict() for f in figs.values()],
            "targets": [v.__dict__ for v in verdicts],
            "profile": lines,
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    if args.markdown:
        args.markdown.write_text(markdown(machine, settings, list(figs.values()), verdicts, lines))
    failures = [f"{f.label}: {w}" for k, f in figs.items() if not k.startswith("presidio") for w in wrong(f)]
    failures += [
        f"{f.label}: {n}"
        for f in figs.values()
        if f.key != "presidio_batch1"
        for n in f.notes
        if n.startswith(("exit code", "killed"))
    ]
    if failures:
        print("\nFAILED (correctness):\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


def _profile(args: argparse.Namespace, scale_url: str, scale_rows: list[int]) -> list[str]:
    """The optional cProfile summary of the smallest prefix's full scan."""
    if not args.profile:
        return []
    from benchmarks.perf.profile import profile_full

    return profile_full(scale_url, f"{G.PERSONAL_TABLE}_{min(scale_rows)}", args.profile, args.scale_timeout)


if __name__ == "__main__":
    sys.exit(main())
