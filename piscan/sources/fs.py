"""The filesystem seam: local folders, SMB shares and S3 buckets look the same to the file source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class FileInfo:
    """One entry found while walking a target."""

    path: str  # relative to the scanned root, "/" separators
    size: int
    mtime: float = 0.0
    kind: str = "file"  # "file", "symlink", "fifo", "device", "other"


class Filesystem(Protocol):
    """A tree of files under one root; credentials stay inside the implementation."""

    public: str  # the root as reports show it, without credentials

    def walk(self) -> Iterator[FileInfo]:
        """Every entry below the root (no filtering: the file source applies globs and limits)."""
        ...

    def open(self, path: str) -> BinaryIO:
        """A binary stream of one file; raises OSError when it cannot be read."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
