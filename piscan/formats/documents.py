"""Documents as lines of text, one location per file: PDF (pypdf) and DOCX (its XML, read with
the standard library). Sampling stops a document once the byte budget of text is read."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from xml.etree import ElementTree

from piscan.formats.archive import check_members
from piscan.formats.base import CONTENT, FormatError, ReadContext, Row
from piscan.formats.compressed import guarded
from piscan.formats.streams import spool
from piscan.formats.text import pieces

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged PDFs are reported as notices instead


def line_rows(texts: Iterable[str], fmt: str, ctx: ReadContext) -> Iterator[Row]:
    """Numbered rows of lines of text, stopped at the byte budget unless --full."""
    number = read = 0
    for text in texts:
        for line in text.splitlines():
            number += 1
            read += len(line)
            yield ctx.row(number, {CONTENT: pieces(line, ctx.max_chars)} if line.strip() else {}, fmt)
            if not ctx.options.full and read > ctx.options.byte_budget:
                ctx.note(f"sampled: the first {number} lines of text were read (--full reads everything)")
                return


def pdf_rows(stream: BinaryIO, ctx: ReadContext) -> Iterator[Row]:
    """The text of every page, line by line (scanned images of text hold none)."""
    from pypdf import PdfReader

    reader = PdfReader(spool(stream, ctx, "PDF"), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise FormatError("encrypted PDF: not read")
    yield from line_rows((page.extract_text() or "" for page in reader.pages), "pdf", ctx)


def docx_rows(stream: BinaryIO, ctx: ReadContext) -> Iterator[Row]:
    """Paragraphs (body, tables, headers, footers, notes, comments) of a Word document."""
    with zipfile.ZipFile(spool(stream, ctx, "DOCX")) as archive:
        check_members(archive, ctx)
        parts = sorted(n for n in archive.namelist() if _PARTS.fullmatch(n))
        if "word/document.xml" not in parts:
            raise FormatError("not a Word document: word/document.xml is missing")
        parts.remove("word/document.xml")
        for name in ["word/document.xml", *parts]:
            info = archive.getinfo(name)
            with archive.open(info) as raw:
                data = guarded(raw, ctx, "DOCX", lambda i=info: i.compress_size)
                yield from line_rows(_paragraphs(data), "docx", ctx)


def _paragraphs(xml: BinaryIO) -> Iterator[str]:
    try:
        for _, element in ElementTree.iterparse(xml, events=("end",)):
            if element.tag == f"{_W}p":
                yield "".join(t.text or "" for t in element.iter(f"{_W}t"))
                element.clear()
    except ElementTree.ParseError as exc:
        raise FormatError(f"damaged Word document: {exc}") from None
