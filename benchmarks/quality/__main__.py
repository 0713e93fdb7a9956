"""``python -m benchmarks.quality``: run the harness, print a summary and write docs/QUALITY.md."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from benchmarks.quality.evaluate import run
from benchmarks.quality.report import console, markdown

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "QUALITY.md"


def main() -> None:
    """Parse options, run, report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the Markdown report goes")
    parser.add_argument("--no-write", action="store_true", help="print the summary only")
    parser.add_argument("--keep", type=Path, help="folder to keep the corpus SQLite file in")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = run(workdir=args.keep)
    print(console(results))
    if not args.no_write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(results), encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
