"""Binary files told apart by their first bytes, never by extension: media go to the detectors as
bytes (images, recordings, fingerprint templates); other binaries are reported, not guessed at."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from piscan.formats.base import CONTENT, ReadContext, Row

# (label, test on the first bytes). The detectors decide what a medium holds; this list only
# decides which binaries are worth handing to them (keep it a superset of the signatures that
# detectors/signatures.py and detectors/media.py know).
MEDIA: tuple[tuple[str, object], ...] = (
    ("jpeg", lambda b: b[:3] == b"\xff\xd8\xff"),
    ("png", lambda b: b[:8] == b"\x89PNG\r\n\x1a\n"),
    ("gif", lambda b: b[:6] in (b"GIF87a", b"GIF89a")),
    ("webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    ("tiff", lambda b: b[:4] in (b"II*\x00", b"MM\x00*")),
    ("bmp", lambda b: b[:2] == b"BM" and len(b) > 14 and b[6:10] == b"\x00\x00\x00\x00"),
    ("heic", lambda b: b[4:8] == b"ftyp" and b[8:12] in (b"heic", b"heix", b"mif1", b"avif")),
    ("wav", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE"),
    ("avi", lambda b: b[:4] == b"RIFF" and b[8:12] == b"AVI "),
    ("mp3", lambda b: b[:3] == b"ID3" or (len(b) > 1 and b[0] == 0xFF and b[1] & 0xE0 == 0xE0)),
    ("ogg", lambda b: b[:4] == b"OggS"),
    ("flac", lambda b: b[:4] == b"fLaC"),
    ("mp4", lambda b: b[4:8] == b"ftyp"),
    ("matroska", lambda b: b[:4] == b"\x1a\x45\xdf\xa3"),
    ("quicktime", lambda b: b[4:8] in (b"moov", b"mdat", b"wide", b"pnot")),
    ("asf", lambda b: b[:8] == b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),
    ("flv", lambda b: b[:4] == b"FLV\x01"),
    ("mpeg", lambda b: b[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")),
    ("aiff", lambda b: b[:4] == b"FORM" and b[8:12] in (b"AIFF", b"AIFC")),
    ("amr", lambda b: b[:5] == b"#!AMR"),
    ("au", lambda b: b[:4] == b".snd"),
    ("fmr", lambda b: b[:4] == b"FMR\x00"),
    ("wsq", lambda b: b[:2] == b"\xff\xa0"),
)


def media_kind(head: bytes) -> str | None:
    """The media type a file's first bytes announce, or None."""
    return next((label for label, test in MEDIA if test(head)), None)  # type: ignore[operator]


def media_rows(stream: BinaryIO, label: str, ctx: ReadContext) -> Iterator[Row]:
    """The file's bytes as one value (at most the byte budget: signatures, EXIF and faces are
    found in the first megabytes)."""
    data = stream.read(ctx.options.byte_budget)
    if stream.read(1):
        ctx.note(
            f"{label} larger than the byte budget: its first {ctx.options.byte_budget >> 20} MiB were read"
        )
    yield ctx.row(None, {CONTENT: data}, label)
