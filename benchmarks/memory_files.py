"""Peak memory of a full file scan while the scanned log grows tenfold (issue 3, docs/FILES.md).

    python benchmarks/memory_files.py [--small-mb 20] [--factor 10] [--keep DIR]

Writes seeded Apache combined logs of ``small-mb`` and ``small-mb * factor`` megabytes, scans
each with ``--full`` in a fresh process (one job) and prints wall time, lines per second and the
process's peak RSS. A flat peak is the claim: files are streamed, batches and caches are
bounded. A run of a 1 MB log gives the baseline (Python, spaCy model, Presidio).
Not a timed test: the figures go into docs/FILES.md.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AGENTS = [
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/{100 + i}.0 Safari/537.36" for i in range(30)
]


def write_log(path: Path, megabytes: float, seed: int = 3) -> int:
    """A combined access log of about ``megabytes`` MB; returns its line count."""
    rng = random.Random(seed)
    ips = [
        f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(2000)
    ]
    users = [f"user{i:04d}" for i in range(500)]
    paths = [f"/shop/{rng.choice(['item', 'cart', 'list', 'help'])}/{i}" for i in range(400)]
    sessions = [f"{rng.getrandbits(64):016x}" for _ in range(5000)]
    target, written, lines = int(megabytes * 1_000_000), 0, 0
    with path.open("w", encoding="ascii") as out:
        while written < target:
            chunk = []
            for _ in range(1000):
                user = rng.choice(users) if rng.random() < 0.3 else "-"
                query = f"?sessionid={rng.choice(sessions)}" + (
                    f"&email={user}%40example.com" if user != "-" else ""
                )
                request = f"GET {rng.choice(paths)}{query} HTTP/1.1"
                referrer = f"https://shop.example.com{rng.choice(paths)}"
                chunk.append(
                    f'{rng.choice(ips)} - {user} [10/Oct/2025:13:55:36 -0700] "{request}"'
                    f' 200 {rng.randrange(100, 9000)} "{referrer}" "{rng.choice(AGENTS)}"\n'
                )
            text = "".join(chunk)
            out.write(text)
            written += len(text)
            lines += len(chunk)
    return lines


def child(folder: str, full: bool) -> None:
    """Scan in this process and print its figures as JSON (run by the parent, one per size)."""
    sys.path.insert(0, str(ROOT))
    from piscan.policy import load_policy
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    config = ScanConfig(
        targets=(folder,), policies=(load_policy("xwms"),), files=FileOptions(jobs=1, full=full)
    )
    scanner = Scanner(config)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = scanner.run()
    wall = time.perf_counter() - started
    lines = max((f.lines for f in result.findings), default=0)
    print(
        json.dumps(
            {
                "wall_s": round(wall, 1),
                "lines": lines,
                "findings": len(result.findings),
                "skipped": len(result.skipped),
                "rss_start_mb": round(before / 1024),
                "rss_model_mb": round(loaded / 1024),
                "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def measure(folder: Path, full: bool = True) -> dict:
    """Figures of one scan in a fresh process."""
    args = [sys.executable, __file__, "--child", str(folder)] + (["--full"] if full else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    """Generate, scan, print a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small-mb", type=float, default=20.0)
    parser.add_argument("--factor", type=float, default=10.0)
    parser.add_argument("--keep", help="write the logs here and keep them")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.full)
        return 0
    base = Path(args.keep or tempfile.mkdtemp(prefix="piscan-mem-"))
    rows = []
    try:
        for label, mb, full in (
            ("baseline", 1.0, True),
            ("small", args.small_mb, True),
            ("large", args.small_mb * args.factor, True),
            ("large, sampled", args.small_mb * args.factor, False),
        ):
            folder = base / f"{mb:g}mb"
            if not folder.exists():
                folder.mkdir(parents=True)
                write_log(folder / "access.log", mb)
            size = (folder / "access.log").stat().st_size / 1e6
            figures = measure(folder, full)
            rows.append((label, size, figures))
            print(f"{label:<15} {size:8.1f} MB  {json.dumps(figures)}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("\n| log | size | mode | lines scanned | wall | lines/s | peak RSS |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for label, size, f in rows:
        mode = "sampled (8 MiB)" if "sampled" in label else "--full"
        rate = f["lines"] / f["wall_s"] if f["wall_s"] else 0
        cells = (label, f"{size:.0f} MB", mode, f"{f['lines']:,}", f"{f['wall_s']:.0f} s", f"{rate:,.0f}")
        print("| " + " | ".join(cells) + f" | {f['rss_peak_mb']} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
