"""Stream helpers: a head put back in front, seekable copies, and a cut at the size the walk saw."""

from __future__ import annotations

import io
import os
from typing import BinaryIO

from piscan.formats.base import FormatError, ReadContext


class Prefixed(io.RawIOBase):
    """A non-seekable stream with its already-read head put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        """Always: it is a reader."""
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        """Serve the head first, then the rest of the stream."""
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = getattr(self._rest, "read1", self._rest.read)(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def head_of(stream: BinaryIO, size: int) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes and a stream that still starts at byte 0."""
    if seekable(stream):
        start = stream.tell()
        head = stream.read(size)
        stream.seek(start)
        return head, stream
    head = stream.read(size)
    return head, io.BufferedReader(Prefixed(head, stream), 1 << 16)  # type: ignore[arg-type]


def seekable(stream: BinaryIO) -> bool:
    """Whether the stream can seek (random chunks, zip directories and PDF need it)."""
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def spool(stream: BinaryIO, ctx: ReadContext, what: str) -> BinaryIO:
    """A seekable copy of a stream that cannot seek (zip in tar, PDF in zip): memory, then disk."""
    import tempfile

    if seekable(stream):
        return stream
    copy = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - returned to the caller
    limit, total = ctx.options.max_archive_bytes, 0
    while block := stream.read(1 << 16):
        total += len(block)
        if total > limit:
            copy.close()
            raise FormatError(f"{what} larger than {limit >> 20} MiB inside an archive: not read")
        copy.write(block)
    copy.seek(0)
    return copy  # type: ignore[return-value]


class Limited(io.RawIOBase):
    """A file cut at the size the walk listed: a growing log is read as it was listed, and a
    file that ends early (truncated or replaced while being read) is told apart."""

    def __init__(self, raw: BinaryIO, size: int | None) -> None:
        self.raw, self.size, self.pos, self.short_at = raw, size, 0, -1

    def readable(self) -> bool:
        """Always: it is a reader."""
        return True

    def seekable(self) -> bool:
        """As seekable as the file under it."""
        return seekable(self.raw)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Seek within the listed size (the end is the listed end)."""
        if whence == os.SEEK_END and self.size is not None:
            offset, whence = self.size + offset, os.SEEK_SET
        self.pos = self.raw.seek(offset, whence)
        return self.pos

    def tell(self) -> int:
        """The position in the file."""
        return self.pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        """Read up to the listed size, remembering where a file ended before it."""
        want = len(buffer) if self.size is None else max(0, min(len(buffer), self.size - self.pos))
        if want == 0:
            return 0
        data = self.raw.read(want)
        if not data and self.size is not None and self.short_at < 0:
            self.short_at = self.pos
        buffer[: len(data)] = data
        self.pos += len(data)
        return len(data)

    def changed(self) -> str:
        """Why the file no longer matches the listing, or ''."""
        if self.short_at >= 0:
            return f"changed while it was read: it ended at byte {self.short_at} of {self.size}"
        return ""
