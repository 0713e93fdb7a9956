"""``python -m benchmarks.quality``: run the harness, print a summary and write docs/QUALITY.md.

The report has two parts: the generated corpus and the real-data set (``--real`` runs only the
latter and replaces its section in the existing report). Without the corpora the real-data
section of the existing report is kept as it is.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "QUALITY.md"


def _real_section(args: argparse.Namespace, old: str) -> str:
    from benchmarks.quality.real import report as real_report
    from benchmarks.quality.real.run import available, run

    if not available():
        print("real data: corpora not found (set PISCAN_CORPORA); its section is kept as it was")
        return real_report.section_of(old)
    real = run(args.dataset or None)
    print(real_report.console(real))
    if args.baseline:
        args.baseline.write_text(real_report.baseline(real), encoding="utf-8")
        print(f"wrote {args.baseline}")
    return real_report.markdown(real)


def main() -> None:
    """Parse options, run, report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the Markdown report goes")
    parser.add_argument("--no-write", action="store_true", help="print the summary only")
    parser.add_argument("--keep", type=Path, help="folder to keep the corpus SQLite file in")
    parser.add_argument("--real", action="store_true", help="run only the real-data part")
    parser.add_argument("--dataset", action="append", help="with --real: only this dataset (repeatable)")
    parser.add_argument("--baseline", type=Path, help="also write the real-data list of errors here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # a terminated run still drops the corpus databases it loaded (the loaders' finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from benchmarks.quality.real.report import splice

    old = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    if args.real:
        doc = old
    else:
        from benchmarks.quality.evaluate import run
        from benchmarks.quality.report import console, markdown

        results = run(workdir=args.keep)
        print(console(results))
        doc = markdown(results)
    section = _real_section(args, old)
    if section:
        doc = splice(doc, section)
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(doc, encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
