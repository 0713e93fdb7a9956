"""Files as a source, over any Filesystem: a container is one file, its columns are the fields
found while reading it (``app.jsonl#user.email``, ``a.zip!b.csv#email``, or the whole text)."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from piscan.errors import SkipError, TargetError
from piscan.formats.base import ReadContext, Shared
from piscan.formats.batches import Batcher, unit_path
from piscan.formats.dispatch import describe, read_any
from piscan.formats.streams import Limited
from piscan.model import Location
from piscan.redact import scrub
from piscan.sources.base import Batch, Container, Selector
from piscan.sources.fileopts import FileOptions
from piscan.sources.fs import FileInfo, Filesystem

IGNORE_FILE = ".piscanignore"
_KINDS = {"fifo": "FIFO", "device": "device file", "other": "socket or special file"}


@dataclass(frozen=True)
class FileContainer(Container):
    """One file, with the size and time it had when the walk listed it."""

    size: int = 0
    mtime: float = 0.0
    raw: str = ""  # the path as the filesystem knows it, when it is not valid UTF-8

    noun: ClassVar[str] = "file"
    judged_together: ClassVar[bool] = False  # each field on its own: a log line is no table row
    media: ClassVar[bool] = True
    says_partial: ClassVar[bool] = False  # readers say where they stopped themselves

    @property
    def name(self) -> str:
        """The path to open."""
        return self.raw or self.path


def shown(path: str) -> str:
    """A path as reports can print it: bytes that are not UTF-8 (Linux allows them) become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class FileSource:
    """A folder, share or bucket: walks it, filters paths, and reads files as batches of fields."""

    def __init__(
        self,
        fs: Filesystem,
        options: FileOptions | None = None,
        selector: Selector | None = None,
        max_chars: int = 4096,
    ) -> None:
        self.fs, self.max_chars = fs, max_chars
        self.options, self.selector = options or FileOptions(), selector or Selector()
        self.public = fs.public
        self.kind = "files"
        self.notices: list[tuple[str, str]] = []  # skipped: (location, reason)
        self.notes: list[tuple[str, str]] = []  # informational: (location, text)

    def location(self, container: Container, column: str) -> Location:
        """``path[!member...][#field]``, relative to the scanned root."""
        unit, _, name = column.partition("\x00")
        base = container.path + unit
        return Location(self.public, (base, name), base + (f"#{name}" if name else ""))

    def discover(self) -> Iterator[Container]:
        """Regular files that pass the hidden, ignore-file and include/exclude filters, by path."""
        paths = PathFilter(self.options.hidden, self._ignore_lines(), self.selector)
        found: list[FileInfo] = []
        for info in self.fs.walk():
            if not paths.wants(info.path):
                continue
            if info.kind == "symlink":
                self.notes.append(
                    (shown(info.path), "symbolic link not followed (--follow-symlinks follows it)")
                )
            elif info.kind != "file":
                self.notices.append(
                    (shown(info.path), f"not a regular file ({_KINDS.get(info.kind, info.kind)}): not read")
                )
            else:
                found.append(info)
        self.notices.extend((shown(loc), why) for loc, why in getattr(self.fs, "notices", ()))
        for info in sorted(found, key=lambda i: i.path):
            path = shown(info.path)
            raw = info.path if path != info.path else ""
            yield FileContainer((path,), (), size=info.size, mtime=info.mtime, raw=raw)

    def _ignore_lines(self) -> list[str]:
        if self.options.ignore_file:
            try:
                return (
                    Path(self.options.ignore_file).read_text(encoding="utf-8", errors="replace").splitlines()
                )
            except OSError as exc:
                raise TargetError(
                    f"cannot read ignore file {self.options.ignore_file}: {exc.strerror}"
                ) from None
        try:
            with self.fs.open(IGNORE_FILE) as fh:
                return fh.read(1 << 20).decode("utf-8", errors="replace").splitlines()
        except OSError:
            return []

    def read(self, container: Container, part: Any = None) -> Iterator[Batch]:
        """Batches of the file's fields; SkipError when it cannot be read (after what was read).
        A file is read whole (``part`` is for tables' key ranges)."""
        size = getattr(container, "size", None)
        stream = self._open(getattr(container, "name", container.path))
        shared = Shared()
        ctx = ReadContext(
            self.options, self.max_chars, zlib.crc32(container.path.encode("utf-8", "replace")), shared
        )
        batcher, error = Batcher(), ""
        with stream:
            limited = Limited(stream, size)
            try:
                name = container.path.rsplit("/", 1)[-1]
                for row in read_any(io.BufferedReader(limited, 1 << 16), name, ctx, size):  # type: ignore[arg-type]
                    yield from batcher.add(row)
            except SkipError as exc:
                error = scrub(str(exc))  # a reader's message may quote the bytes it choked on
            except Exception as exc:  # a reader failing on bad input must never stop the scan
                error = describe(exc)
            yield from batcher.flush()
            changed = limited.changed() or _shrunk(stream, size)
        self._report(container.path, shared, batcher)
        if error:
            where = f" after line {batcher.last_line}" if batcher.last_line else ""
            raise SkipError(error + (f"{where} (what came before was scanned)" if batcher.rows else ""))
        if changed:
            raise SkipError(changed)

    def _open(self, path: str) -> BinaryIO:
        try:
            return self.fs.open(path)
        except FileNotFoundError:
            raise SkipError("vanished before it could be read") from None
        except OSError as exc:
            raise SkipError(f"cannot open: {exc.strerror or exc}") from None

    def _report(self, path: str, shared: Shared, batcher: Batcher) -> None:
        for unit, text, skipped in shared.problems:
            (self.notices if skipped else self.notes).append((path + unit_path(unit), text))
        for unit in sorted(batcher.crowded):
            self.notes.append((path + unit, "more than 256 field names: the others were not scanned"))

    def close(self) -> None:
        """Release the filesystem's connections."""
        self.fs.close()


def _shrunk(stream: BinaryIO, size: int | None) -> str:
    """Why a local file no longer matches its listing (others cannot tell), or ''."""
    try:
        now = os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return ""
    if size is not None and now < size:
        return f"changed while it was read: it shrank from {size:,} to {now:,} bytes"
    return ""


class PathFilter:
    """Hidden files, the ignore file and the include/exclude globs (gitignore syntax) over paths."""

    def __init__(self, hidden: bool, ignore: list[str], selector: Selector) -> None:
        from pathspec import GitIgnoreSpec

        self.hidden = hidden
        self.ignore = GitIgnoreSpec.from_lines(ignore) if ignore else None
        self.include = GitIgnoreSpec.from_lines(selector.include) if selector.include else None
        self.exclude = GitIgnoreSpec.from_lines(selector.exclude) if selector.exclude else None

    def wants(self, path: str) -> bool:
        """Whether a relative path is scanned."""
        if not self.hidden and any(part.startswith(".") for part in path.split("/")):
            return False
        if self.ignore is not None and self.ignore.match_file(path):
            return False
        if self.exclude is not None and self.exclude.match_file(path):
            return False
        return self.include is None or self.include.match_file(path)
