"""JSON lines (and JSON logs) with every field path its own location: ``app.jsonl#user.email``.

Nested objects give dotted paths; arrays of objects or strings add their items to the same path,
so ``orders[*].email`` is ``orders.email``; arrays of numbers stay whole (they may be face or
voice embeddings). A line that is not JSON is scanned as plain text.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from piscan.formats.base import CONTENT, FormatError, Many, ReadContext, Row
from piscan.formats.text import pieces

MAX_ITEM = 16 << 20  # an array item (or a whole non-array document) is parsed in memory
_DECODER = json.JSONDecoder()


def flatten(value: object, prefix: str = "", out: dict[str, object] | None = None) -> dict[str, object]:
    """Field path -> value (or ``Many`` values) of one JSON value."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value and not all(_is_number(v) for v in value):
        for item in value:
            flatten(item, prefix, out)
    elif value is not None and value != [] and value != "":
        known = out.get(prefix)
        if known is None:
            out[prefix] = value
        else:
            out[prefix] = Many((*known, value)) if isinstance(known, Many) else Many((known, value))
    return out


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def looks_like_json_lines(sample: list[str]) -> bool:
    """Whether most of the first lines are JSON objects."""
    lines = [s.strip() for s in sample if s.strip()]
    return bool(lines) and sum(_object(s) is not None for s in lines) >= 0.6 * len(lines)


def _object(text: str) -> dict | None:
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than Python's stack: not read as JSON
        return None
    return value if isinstance(value, dict) else None


def json_rows(numbered: Iterable[tuple[int | None, str, bool]], ctx: ReadContext) -> Iterator[Row]:
    """One row per line: the object's field paths, or the line as text when it is not JSON (or
    nested too deeply to walk: that line alone is read as text, the rest of the file as JSON)."""
    deep = False
    for number, text, cont in numbered:
        value = None if cont else _object(text.strip())
        fields: dict[str, object] | None = None
        if value is not None:
            try:
                fields = {k: _cut(v, ctx.max_chars) for k, v in flatten(value).items()}
            except RecursionError:
                deep = True
        elif not cont and text.lstrip().startswith("{") and _too_deep(text):
            deep = True
        if fields is None:
            fields = {CONTENT: pieces(text, ctx.max_chars)} if text.strip() else {}
        yield ctx.row(number, fields, "jsonl", cont)
    if deep:
        ctx.note("JSON nested too deeply on some lines: those lines were read as text")


def _too_deep(text: str) -> bool:
    """Whether a line fails as JSON only for its depth."""
    try:
        json.loads(text)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


def _cut(value: object, max_chars: int) -> object:
    if isinstance(value, str):
        return pieces(value, max_chars)
    if isinstance(value, Many):
        return Many(v[:max_chars] if isinstance(v, str) else v for v in value)
    return value


def document_rows(stream: BinaryIO, ctx: ReadContext) -> Iterator[Row]:
    """A JSON document: each item of a top-level array is a row (streamed item by item, none
    larger than MAX_ITEM), any other document is one row."""
    text = _Text(stream)
    first = text.skip(" \t\r\n")
    if first and first != "[":
        yield ctx.row(1, _fields(text.value(), ctx), "json")
        return
    text.pos += 1
    number = 0
    while text.skip(" \t\r\n,") not in ("]", ""):
        number += 1
        yield ctx.row(number, _fields(text.value(), ctx), "json")
        if not ctx.options.full and text.read > ctx.options.byte_budget:
            ctx.note(f"sampled: the first {number} items were read (--full reads everything)")
            return


def _fields(value: object, ctx: ReadContext) -> dict[str, object]:
    return {k: _cut(v, ctx.max_chars) for k, v in flatten(value).items()}


class _Text:
    """Decoded text of a stream, read on demand: only the item being parsed is held."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.text, self.pos, self.read, self.eof = stream, "", 0, 0, False
        self.decode = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode

    def more(self) -> bool:
        """Append the next block (at least as much as is held: items are re-parsed rarely)."""
        if self.eof:
            return False
        block = self.stream.read(max(1 << 16, len(self.text) - self.pos))
        self.read += len(block)
        self.eof = not block
        self.text, self.pos = self.text[self.pos :] + self.decode(block, final=self.eof), 0
        return True

    def skip(self, chars: str) -> str:
        """The next character not in ``chars`` ("" at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in chars:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self) -> object:
        """The JSON value at the current position."""
        while True:
            try:
                item, end = _DECODER.raw_decode(self.text, self.pos)
                if end == len(self.text) and not self.eof:
                    raise ValueError("maybe cut")  # a number at the end of a block may go on
                self.pos = end
                return item
            except ValueError as exc:
                if len(self.text) - self.pos > MAX_ITEM:
                    raise FormatError(f"JSON item larger than {MAX_ITEM >> 20} MiB: not scanned") from None
                if not self.more():
                    raise FormatError(f"not valid JSON: {exc.args[0] if exc.args else exc}") from None
