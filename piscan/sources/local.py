"""Local folders (and mounted NFS/SMB shares): walked without following symbolic links unless
asked, never in a loop, and opened so that a FIFO or device can never block the scan."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from piscan.sources.fs import FileInfo

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class LocalFilesystem:
    """A folder (or one file) on this machine; paths are relative to it with ``/`` separators."""

    def __init__(self, target: str, follow_symlinks: bool = False, outside: bool = False) -> None:
        self.public = target
        root = Path(target).expanduser()
        self.single = root.name if root.is_file() else None
        self.base = root.parent if self.single else root
        self.follow, self.outside = follow_symlinks, outside
        self.real_base = os.path.realpath(self.base)
        self.notices: list[tuple[str, str]] = []

    def walk(self) -> Iterator[FileInfo]:
        """Entries below the root, depth first in name order; folders themselves are not listed."""
        if self.single:
            yield from self._entry(self.base / self.single, self.single, set())
            return
        top = os.stat(self.base)
        yield from self._walk(self.base, "", {(top.st_dev, top.st_ino)})

    def _walk(self, folder: Path, prefix: str, seen: set[tuple[int, int]]) -> Iterator[FileInfo]:
        try:
            names = sorted(os.listdir(folder))
        except OSError as exc:
            self.notices.append((prefix.rstrip("/") or ".", f"cannot list folder: {exc.strerror}"))
            return
        for name in names:
            yield from self._entry(folder / name, prefix + name, seen)

    def _entry(self, path: Path, rel: str, seen: set[tuple[int, int]]) -> Iterator[FileInfo]:
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                if not self.follow:
                    yield FileInfo(rel, 0, st.st_mtime, "symlink")
                    return
                if not self._inside(path):
                    why = "symbolic link leads outside the scanned root: not followed"
                    self.notices.append((rel, f"{why} (--follow-symlinks-outside follows it)"))
                    return
                st = os.stat(path)
        except FileNotFoundError:
            self.notices.append((rel, "broken symbolic link or vanished file: not read"))
            return
        except OSError as exc:
            self.notices.append((rel, f"cannot read: {exc.strerror}"))
            return
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen:
                self.notices.append((rel, "symbolic link loop: not followed"))
                return
            yield from self._walk(path, rel + "/", seen | {key})
        else:
            yield FileInfo(rel, st.st_size, st.st_mtime, _kind(st.st_mode))

    def _inside(self, path: Path) -> bool:
        """Whether a path, links resolved, stays inside the scanned root (or leaving is allowed)."""
        if self.outside or self.single:  # a single file target: the user named it
            return True
        real = os.path.realpath(path)
        return real == self.real_base or real.startswith(self.real_base.rstrip(os.sep) + os.sep)

    def open(self, path: str) -> BinaryIO:
        """The file, opened without blocking and refused unless it is a regular file (and, when
        links are followed, unless it lies inside the root: a link may change after the walk)."""
        flags = _FLAGS | (0 if self.follow else getattr(os, "O_NOFOLLOW", 0))
        if self.follow and not self._inside(self.base / path):
            raise OSError(errno.EACCES, "symbolic link leads outside the scanned root")
        fd = os.open(self.base / path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def close(self) -> None:
        """Nothing to release."""


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"
