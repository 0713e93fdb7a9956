"""Rotated, compressed logs (.gz, .bz2, .xz) streamed through their decompressor, with the same
limits against bombs as archives: total bytes expanded and expansion ratio."""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Callable
from typing import BinaryIO

from piscan.formats.base import FormatError, ReadContext

MAGIC = ((b"\x1f\x8b", "gz"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"))
SUFFIXES = {".gz": "gz", ".tgz": "gz", ".bz2": "bz2", ".tbz2": "bz2", ".xz": "xz", ".txz": "xz"}
RATIO_FLOOR = 1 << 20  # the ratio is judged once this much has been expanded
_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error, ValueError)


def compression(head: bytes) -> str | None:
    """The compression a stream's first bytes announce, if any."""
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


def inner_name(name: str) -> str:
    """``app.log.1.gz`` -> ``app.log.1``; ``logs.tgz`` -> ``logs.tar``."""
    lower = name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)] + (".tar" if suffix.startswith(".t") else "")
    return name


class Counting(io.RawIOBase):
    """Counts the compressed bytes a decompressor has consumed."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        """Always: it is a reader."""
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        """Read through, counting."""
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class Guarded(io.RawIOBase):
    """A decompressed stream that stops at the archive-bomb limits and names damaged data.

    With ``defer``, damage ends the stream instead of failing the read, so the readable part
    before it is scanned; ``damage`` then says what was wrong (``decompress`` callers raise it
    once that part is read).
    """

    def __init__(
        self, inner: BinaryIO, ctx: ReadContext, what: str, packed: Callable[[], int], defer: bool = False
    ) -> None:
        self.inner, self.ctx, self.what, self.packed, self.count = inner, ctx, what, packed, 0
        self.defer, self.damage = defer, ""

    def readable(self) -> bool:
        """Always: it is a reader."""
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        """Decompress the next bytes, checking the limits first."""
        if self.damage:
            return 0
        try:
            # one decompression step per call: data read before an error is never lost
            data = getattr(self.inner, "read1", self.inner.read)(len(buffer))
        except FormatError:
            raise
        except _ERRORS as exc:
            message = f"truncated or damaged {self.what} data after {self.count:,} bytes: {exc}"
            if not self.defer:
                raise FormatError(message) from None
            self.damage = message
            return 0
        self.count += len(data)
        self.ctx.shared.expanded += len(data)
        opts = self.ctx.options
        if self.ctx.shared.expanded > opts.max_archive_bytes:
            raise FormatError(f"archive bomb: expands to more than {opts.max_archive_bytes >> 20} MiB")
        if self.count > RATIO_FLOOR and self.count > opts.max_archive_ratio * max(1, self.packed()):
            raise FormatError(f"archive bomb: {self.what} data expands more than {opts.max_archive_ratio:g}x")
        buffer[: len(data)] = data
        return len(data)


def guarded(inner: BinaryIO, ctx: ReadContext, what: str, packed: Callable[[], int]) -> BinaryIO:
    """A buffered, guarded decompressed stream."""
    return io.BufferedReader(Guarded(inner, ctx, what, packed), 1 << 16)  # type: ignore[return-value]


def decompress(stream: BinaryIO, kind: str, ctx: ReadContext) -> tuple[BinaryIO, Guarded]:
    """The decompressed stream of a .gz, .bz2 or .xz file, and its guard: damage ends the
    stream where it starts (``guard.damage`` says so), the part before it stays readable."""
    if ctx.depth >= ctx.options.max_archive_depth:
        raise FormatError(f"compressed data nested deeper than {ctx.options.max_archive_depth} levels")
    counting = Counting(stream)
    raw = io.BufferedReader(counting, 1 << 16)
    inner: BinaryIO
    if kind == "gz":
        inner = io.BufferedReader(GzipSalvage(raw), 1 << 16)  # type: ignore[assignment]
    else:
        opener = bz2.BZ2File if kind == "bz2" else lzma.LZMAFile
        inner = opener(raw)  # type: ignore[assignment]
    guard = Guarded(inner, ctx, kind, lambda: counting.count, defer=True)
    return io.BufferedReader(guard, 1 << 16), guard  # type: ignore[return-value]


class GzipSalvage(io.RawIOBase):
    """gzip members (concatenated too) decompressed so that damage loses nothing before it:
    the input goes in pieces, and the piece holding the damage is fed again in slivers from a
    copy of the decompressor taken before it, so every byte up to the damage comes out."""

    PIECE, SLIVER = 1 << 14, 64

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.out, self.error = raw, b"", ""
        self.inflate = zlib.decompressobj(wbits=31)
        self.pending, self.ended = False, False  # pending: a member has begun and not ended

    def readable(self) -> bool:
        """Always: it is a reader."""
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        """Serve decompressed bytes; raise the damage only once everything before it is out."""
        while not self.out and not self.ended:
            self._step()
        if not self.out and self.error:
            error, self.error = self.error, ""
            raise zlib.error(error)
        n = min(len(buffer), len(self.out))
        buffer[:n], self.out = self.out[:n], self.out[n:]
        return n

    def _step(self) -> None:
        piece = self.raw.read(self.PIECE)
        if not piece:
            self.ended = True
            if self.pending:
                self.error = "compressed data ends before the end of its gzip member"
            return
        saved, pending, kept = self.inflate.copy(), self.pending, len(self.out)
        try:
            self._feed(piece)
        except zlib.error:
            self.inflate, self.pending, self.out, self.ended = saved, pending, self.out[:kept], True
            for start in range(0, len(piece), self.SLIVER):  # salvage up to the damage
                try:
                    self._feed(piece[start : start + self.SLIVER])
                except zlib.error as exc:
                    self.error = str(exc)
                    return

    def _feed(self, data: bytes) -> None:
        while data:
            self.out += self.inflate.decompress(data)
            self.pending = True
            if not self.inflate.eof:
                return
            data = self.inflate.unused_data
            self.inflate, self.pending = zlib.decompressobj(wbits=31), False  # the next member
            if not data.strip(b"\x00"):  # nothing, or padding after the last member
                return
