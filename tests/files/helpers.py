"""Helpers for file-scan tests: CLI scans with JSON out, Scanner runs, and report lookups."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Run, run_cli

from piscan.model import ScanResult


def scan_json(*args: str) -> tuple[Run, dict]:
    """``piscan scan ARGS -f json -q``: the run and its parsed report."""
    run = run_cli("scan", *args, "-f", "json", "-q")
    assert "Traceback" not in run.stdout + run.stderr, run
    return run, json.loads(run.stdout) if run.stdout.strip() else {}


def found(doc: dict, policy: str = "xwms") -> dict[str, set[str]]:
    """location -> entities reported under one policy."""
    out: dict[str, set[str]] = {}
    for r in doc["results"]:
        if r["policy"] == policy:
            out.setdefault(r["location"], set()).add(r["entity"])
    return out


def skipped(doc: dict) -> dict[str, str]:
    """location -> reason of every skipped entry."""
    return {s["location"]: s["reason"] for s in doc["skipped"]}


def notes(doc: dict) -> dict[str, str]:
    """location -> message of every note."""
    return {n["location"]: n["message"] for n in doc["notes"]}


def scan_result(*targets: str | Path, opener: Callable | None = None, **files: object) -> ScanResult:
    """A Scanner run under xwms (optionally with a test filesystem behind ``opener``)."""
    from piscan.policy import load_policy
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions
    from piscan.targets import open_target

    config = ScanConfig(
        targets=tuple(str(t) for t in targets), policies=(load_policy("xwms"),), files=FileOptions(**files)
    )
    return Scanner(config, opener=opener or open_target).run()
