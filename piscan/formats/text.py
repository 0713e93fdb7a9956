"""Text in any encoding (BOM, then UTF-8 validity, then charset-normalizer) as numbered lines.

Invalid bytes never stop a scan: they decode to U+FFFD and the file gets a note. Lines longer
than LINE_CAP characters come out in pieces, so a 100 MB single-line file needs no more memory
than a short one.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

from piscan.formats.base import CONTENT, LINE_CAP, Many, ReadContext, Row

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\b\x1b")
SNIFF_BYTES = 32 * 1024
NUL_SHARE = 1000  # more than one NUL in this many bytes: binary (random bytes have 1 in 256)


def sniff(head: bytes) -> tuple[str | None, str]:
    """(encoding, note) when the head is text, (None, "") when it is binary."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, ""
    wide = _utf16_without_bom(head[:4096])
    if wide:
        return wide, ""
    sample = head[:SNIFF_BYTES]
    # a stray NUL (a torn write in a log) does not make text binary; binary data has NULs often
    nuls = sample.count(0) > max(1, len(sample) // NUL_SHARE)
    if nuls or (sample and len(sample.translate(None, _CONTROLS + b"\x00")) < 0.9 * len(sample)):
        return None, ""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8", ""
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return "utf-8", "not valid UTF-8: undecodable bytes were replaced"
    return best.encoding, f"not valid UTF-8: read as {best.encoding} (detected)"


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly ASCII, so every other byte is NUL."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 16:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def lines(
    blocks: Iterable[bytes | None], encoding: str, ctx: ReadContext
) -> Iterator[tuple[int | None, str, bool]]:
    """(line number, text, continued): numbers are None after a sampling jump; pieces of a long
    line share its number and are flagged as continued."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    number: int | None = 1
    pending, cont, drop, noted, ended = "", False, False, False, False
    for block in blocks:
        if block is None:  # a jump: lines cut by it are dropped, unless all we read is one long line
            if pending and not ended:
                yield number, pending.rstrip("\r"), cont
            pending, cont, number, drop, ended = "", False, None, True, False
            decoder.reset()
            continue
        text = decoder.decode(block)
        if not noted and "\ufffd" in text:
            noted = True
            ctx.note(f"invalid {encoding} bytes were replaced")
        if drop:
            drop, cut = False, text.find("\n")
            text = text[cut + 1 :] if cut >= 0 else text
        parts = (pending + text).split("\n")
        pending = parts.pop()
        ended = ended or bool(parts)
        for part in parts:
            yield number, (part.lstrip("\ufeff") if number == 1 else part).rstrip("\r"), cont
            cont = False
            number = number + 1 if number is not None else None
        while len(pending) > LINE_CAP:
            yield number, pending[:LINE_CAP], cont
            pending, cont = pending[LINE_CAP:], True
    pending += decoder.decode(b"", final=True)
    if pending:
        yield number, pending.rstrip("\r"), cont


def pieces(text: str, max_chars: int) -> object:
    """A text value cut into pieces detectors can take (``Many`` when it is longer than one)."""
    if len(text) <= max_chars:
        return text
    return Many(text[i : i + max_chars] for i in range(0, len(text), max_chars))


def text_rows(numbered: Iterable[tuple[int | None, str, bool]], ctx: ReadContext) -> Iterator[Row]:
    """One row per line, the whole line as the file's content; blank lines carry no value."""
    for number, text, cont in numbered:
        fields = {CONTENT: pieces(text, ctx.max_chars)} if text.strip() else {}
        yield ctx.row(number, fields, "text", cont)
