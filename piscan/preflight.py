"""Checks that run before the models load, so a typo fails in a second with one line, not after
a scan: the report can be written, and the targets open (connect, stat, list)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from piscan.errors import PiscanError, TargetError, UsageError
from piscan.scan import ScanConfig
from piscan.sources.base import Source
from piscan.targets import open_target


def check_output(output: str | Path | None, what: str = "--output") -> None:
    """The report file can be created or replaced: its folder exists and is writable."""
    if output is None or str(output) == "-":
        return
    path = Path(output).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise UsageError(f"{what} {path} is a folder: name a file")
        if not folder.is_dir():
            raise UsageError(f"{what} {path}: no such folder {folder}")
        if path.exists() and not os.access(path, os.W_OK):
            raise UsageError(f"{what} {path}: not writable")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"{what} {path}: folder {folder} is not writable")
    except OSError as exc:  # stat of a path below an unreadable folder
        raise UsageError(f"{what} {path}: {exc.strerror or exc}") from None


def check_targets(config: ScanConfig, opener: Callable[..., Source] = open_target) -> None:
    """Open and close every target; when none opens, raise the first failure (the scan would
    read nothing). A single failure among several targets is left to the scan, which reports
    it as skipped and reads the others."""
    failures: list[PiscanError] = []
    for target in config.targets:
        try:
            source = opener(target, config.sql, config.files)
        except TargetError as exc:
            failures.append(exc)
            continue
        source.close()
    if failures and len(failures) == len(config.targets):
        raise failures[0]
