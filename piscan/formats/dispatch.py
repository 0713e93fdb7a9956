"""Which reader a stream needs, decided by its first bytes first and its name second."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice
from typing import BinaryIO

from piscan.formats import archive, compressed, documents, jsonl, logs, mail, sheets
from piscan.formats.base import FormatError, ReadContext, Row
from piscan.formats.binary import media_kind, media_rows
from piscan.formats.chunks import blocks
from piscan.formats.delimited import csv_rows
from piscan.formats.streams import head_of
from piscan.formats.text import BOMS, lines, sniff
from piscan.redact import scrub

HEAD = 8192
SNIFF_LINES = 20
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")


def read_any(stream: BinaryIO, name: str, ctx: ReadContext, size: int | None) -> Iterator[Row]:
    """Rows of any supported file; raises FormatError (a SkipError) when it cannot be read."""
    try:
        yield from _read(stream, name, ctx, size)
    except FormatError:
        raise
    except Exception as exc:  # a library failing on bad input must never stop the scan
        raise FormatError(describe(exc)) from None


def describe(exc: BaseException) -> str:
    """One line naming what went wrong, without the data that caused it."""
    text = scrub(" ".join(str(exc).split())[:200])  # parsers quote the bytes they choked on
    return f"damaged or unreadable file: {type(exc).__name__}" + (f": {text}" if text else "")


def _read(stream: BinaryIO, name: str, ctx: ReadContext, size: int | None) -> Iterator[Row]:
    head, stream = head_of(stream, HEAD)
    lower = name.lower()
    packed = compressed.compression(head)
    if packed:
        inner, guard = compressed.decompress(stream, packed, ctx)
        yield from read_any(inner, compressed.inner_name(name), ctx.deeper(), None)
        if guard.damage:  # the readable part before the damage has been read
            raise FormatError(guard.damage)
    elif head.startswith(_ZIP):
        if lower.endswith((".docx", ".docm", ".dotx")):
            yield from documents.docx_rows(stream, ctx)
        elif lower.endswith((".xlsx", ".xlsm")):
            yield from sheets.xlsx_rows(stream, ctx)
        else:
            yield from archive.zip_rows(stream, ctx, read_any)
    elif head[257:262] == b"ustar":
        yield from archive.tar_rows(stream, ctx, read_any)
    elif head.startswith(b"%PDF-"):
        yield from documents.pdf_rows(stream, ctx)
    elif head.startswith(b"PAR1"):
        yield from sheets.parquet_rows(stream, ctx)
    elif not head.startswith(tuple(b for b, _ in BOMS)) and media_kind(head):
        yield from media_rows(stream, media_kind(head) or "", ctx)
    else:
        yield from _text(stream, head, name, ctx, size)


def _text(stream: BinaryIO, head: bytes, name: str, ctx: ReadContext, size: int | None) -> Iterator[Row]:
    encoding, note = sniff(head)
    if encoding is None:
        raise FormatError("binary content of unknown type: not scanned")
    if note:
        ctx.note(note)
    kind = mail.mail_kind(head, name)
    if kind:
        reader = mail.mbox_rows if kind == "mbox" else mail.eml_rows
        yield from reader(stream, ctx, read_any)
        return
    lower = name.lower()
    if lower.endswith(".json") and not jsonl.looks_like_json_lines(
        head.decode(encoding, "replace").splitlines()[:2]
    ):
        yield from jsonl.document_rows(stream, ctx)
        return
    align = 4 if "32" in encoding else 2 if "16" in encoding else 1
    numbered = lines(blocks(stream, size, ctx, align), encoding, ctx)
    if lower.endswith((".csv", ".tsv", ".tab")):
        yield from csv_rows(numbered, name, ctx)
        return
    sample = list(islice(numbered, SNIFF_LINES))
    rest = chain(sample, numbered)
    texts = [text for _, text, _ in sample]
    if lower.endswith((".jsonl", ".ndjson")) or jsonl.looks_like_json_lines(texts):
        yield from jsonl.json_rows(rest, ctx)
    else:  # lines of a known log format are parsed wherever they start (see logs.log_rows)
        yield from logs.log_rows(rest, logs.sniff(texts), ctx)
