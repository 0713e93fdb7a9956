"""Settings (config file + command line) -> ScanConfig -> ScanResult -> exit code. No typer here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piscan.baseline import Comparison
from piscan.errors import ExitCode, UsageError
from piscan.model import ScanResult
from piscan.scan import ScanConfig


def build_config(settings: dict[str, Any], targets_required: bool = True) -> ScanConfig:
    """A validated ScanConfig from resolved settings."""
    from piscan.coverage import sample_for
    from piscan.policy import load_policies
    from piscan.rules import use_user_rules, user_files
    from piscan.sources.base import Selector
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    use_user_rules(settings.get("rules") or [])  # before policies: they may name the users' entities
    targets = tuple(settings["targets"])
    if targets_required and not targets:
        raise UsageError(
            "no targets: name a database URL, SQLite file or folder, or set targets in piscan.toml"
        )
    sample = settings["sample"]
    if settings.get("max_miss_rate"):
        try:
            sample = max(sample, sample_for(settings["max_miss_rate"]))
        except ValueError as exc:
            raise UsageError(f"--max-miss-rate: {exc}") from None
    selector = Selector(tuple(settings["include"]), tuple(settings["exclude"]))
    sql = SqlOptions(
        sample_rows=sample,
        full_scan=settings["full"],
        exhaustive=bool(settings.get("exhaustive")),
        min_non_null=max(settings["min_non_null"], sample if settings.get("max_miss_rate") else 0),
        max_cell_chars=settings["max_cell_chars"],
        statement_timeout=settings["timeout"],
        include_views=settings["views"],
        selector=selector,
    )
    files = FileOptions(
        jobs=settings.get("jobs") or 0,
        hidden=bool(settings.get("hidden")),
        follow_symlinks=bool(settings.get("follow_symlinks")),
        ignore_file=settings.get("ignore_file"),
        byte_budget=settings.get("byte_budget") or FileOptions.byte_budget,
        full=settings["full"],
    )
    model = settings.get("model") or os.environ.get("PISCAN_SPACY_MODEL")
    extra = {"model": model} if model else {}
    return ScanConfig(
        targets=targets,
        policies=tuple(load_policies(settings["policies"])),
        sql=sql,
        files=files,
        recognizers=user_files("recognizers") + tuple(Path(p) for p in settings["recognizers"]),
        rules=tuple(Path(p).expanduser().resolve() for p in settings.get("rules") or []),
        examples=settings["examples"],
        **extra,
    )


@dataclass(frozen=True)
class Outcome:
    """A finished scan and, when a baseline was given, how it compares."""

    result: ScanResult
    comparison: Comparison | None = None


def judge(outcome: Outcome, fail_on: str) -> int:
    """The exit code CI reads: 2 when a target could not be opened, 1 on failing findings."""
    result = outcome.result
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if any(s.location == "" for s in result.skipped):  # a whole target could not be opened
        return ExitCode.ERROR
    verdicts = outcome.comparison.new if outcome.comparison else result.verdicts
    if fail_on == "never":
        return ExitCode.OK
    if fail_on == "any" and verdicts:
        return ExitCode.FINDINGS
    if any(not v.declared for v in verdicts):
        return ExitCode.FINDINGS
    return ExitCode.OK
