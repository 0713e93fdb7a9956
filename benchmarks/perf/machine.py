"""The machine a run was measured on, so figures in docs/BENCHMARKS.md can be compared later."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import psycopg


def _cpuinfo(key: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _checkout(root: Path) -> str:
    """The commit measured, and how many files under piscan/ differed from it (others edit too)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "piscan"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"{head}" + (f" with {len(dirty)} uncommitted files under piscan/" if dirty else "")


def describe(url: str, root: Path) -> dict[str, str]:
    """Cores, RAM, CPU model, kernel, Python, PostgreSQL and the libraries that set the pace."""
    with psycopg.connect(url) as conn:
        server = str(conn.execute("SHOW server_version").fetchone()[0])
    return {
        "cpu": f"{_cpuinfo('model name')} ({os.cpu_count()} cores, {_cpuinfo('cpu MHz')} MHz)",
        "ram": f"{_ram_gib():.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": server,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "piscan checkout": _checkout(root),
        "libraries": ", ".join(
            f"{d} {_version(d)}" for d in ("presidio_analyzer", "spacy", "psycopg", "SQLAlchemy")
        ),
    }
