"""Mail: EML files and MBOX mailboxes. Address headers are fields of their own
(``inbox.mbox#from``), bodies are the file's text, attachments are members
(``inbox.mbox!3/cv.pdf``: message 3's attachment) read as the files they are."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import BinaryIO

from piscan.formats.base import CONTENT, LINE_CAP, FormatError, ReadContext, Row
from piscan.formats.text import pieces

Reader = Callable[[BinaryIO, str, ReadContext, int | None], Iterator[Row]]
HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender", "subject")
MAX_MESSAGE = 32 << 20  # a message is parsed in memory: larger ones are cut (and noted)
_EML_START = re.compile(
    rb"^(Return-Path|Received|From|To|Subject|Message-ID|MIME-Version|Delivered-To|Date):", re.I
)
_HEADER = re.compile(rb"^([!-9;-~]+:|[ \t])")
_TAGS = re.compile(r"<[^>]+>")


def mail_kind(head: bytes, name: str) -> str | None:
    """``mbox``, ``eml`` or None, from the extension or the first bytes."""
    lower = name.lower()
    if lower.endswith(".mbox") or (head.startswith(b"From ") and re.search(rb"\n(From|Subject):", head)):
        return "mbox"
    if lower.endswith(".eml") or (_EML_START.match(head) and _headers_then_body(head)):
        return "eml"
    return None


def _headers_then_body(head: bytes) -> bool:
    """A log line that starts with ``Date:`` is no mail: a mail's first lines are all headers,
    then a blank line."""
    top, blank, _ = head.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = top.split(b"\n")
    return bool(blank) and len(lines) >= 2 and all(_HEADER.match(line) for line in lines)


def eml_rows(stream: BinaryIO, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    """One message: its header fields, body lines and attachments."""
    data = stream.read(MAX_MESSAGE)
    if stream.read(1):
        ctx.note(f"message larger than {MAX_MESSAGE >> 20} MiB: the rest was not read")
    yield from _message_rows(data, 1, "", ctx, read)


def mbox_rows(stream: BinaryIO, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    """Every message of a mailbox; rows carry the line on which their message starts."""
    number, start, count, chunks, size = 0, 1, 0, [], 0
    while line := stream.readline(LINE_CAP):
        number += 1
        if line.startswith(b"From ") and chunks:
            count += 1
            yield from _message_rows(b"".join(chunks), start, f"{count}/", ctx, read)
            chunks, size, start = [], 0, number
        if size + len(line) <= MAX_MESSAGE:
            chunks.append(line)
            size += len(line)
    if chunks:
        yield from _message_rows(b"".join(chunks), start, f"{count + 1}/", ctx, read)


def _message_rows(data: bytes, line: int, prefix: str, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    message = BytesParser(policy=policy.default).parsebytes(data)
    fields: dict[str, object] = {}
    for header in HEADERS:
        values = [str(v) for v in message.get_all(header, []) if str(v).strip()]
        if values:
            fields[header.replace("-", "_")] = pieces(", ".join(values), ctx.max_chars)
    yield ctx.row(line, fields, "mail")
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename or part.get_content_maintype() != "text":
            yield from _attachment(part, f"{prefix}{filename or f'part{number}'}", ctx, read)
            continue
        for text in _body(part).splitlines():
            yield ctx.row(line, {CONTENT: pieces(text, ctx.max_chars)} if text.strip() else {}, "mail")


def _body(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, ValueError):
        text = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    return _TAGS.sub(" ", text) if part.get_content_subtype() == "html" else str(text)


def _attachment(part: EmailMessage, name: str, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    payload = part.get_payload(decode=True) or b""
    member = ctx.member(name.replace("\x00", ""))
    if member.depth > ctx.options.max_archive_depth:
        member.skip("attachment nested too deep: not read")
        return
    try:
        yield from read(io.BytesIO(payload), name.rsplit("/", 1)[-1], member, len(payload))
    except FormatError as exc:
        member.skip(str(exc))
