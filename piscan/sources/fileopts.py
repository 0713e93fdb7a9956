"""How file targets (folders, shares, buckets) are walked and sampled."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class FileOptions:
    """Walking and sampling limits for file targets; include/exclude globs come from the selector."""

    jobs: int = 0  # worker processes; 0 means the core count
    hidden: bool = False  # scan dot-files and dot-folders
    follow_symlinks: bool = False
    follow_outside: bool = False  # with follow_symlinks: also links that leave the scanned root
    ignore_file: str | None = None  # gitignore-style patterns; default: .piscanignore in the root
    byte_budget: int = 8 * MIB  # huge files: head plus random chunks up to this many bytes
    full: bool = False  # read every byte of every file
    max_archive_ratio: float = 100.0  # expansion ratio that marks an archive bomb
    max_archive_bytes: int = 512 * MIB  # total bytes expanded from one archive
    max_archive_depth: int = 3  # archives inside archives
