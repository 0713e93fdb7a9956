"""What every format reader yields (rows of fields) and shares (limits, notes, nesting)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import NamedTuple

from piscan.errors import SkipError
from piscan.sources.fileopts import FileOptions

CONTENT = ""  # the field name of a file's whole text (plain text, PDF, DOCX, mail bodies, media bytes)
LINE_CAP = 1 << 20  # characters: longer lines are cut into pieces, so memory stays bounded


class Row(NamedTuple):
    """One line (or table row, or message) of a file: field name -> value or ``Many`` values."""

    line: int | None  # 1-based line or row number; None where unknown (sampled chunks, binaries)
    fields: dict[str, object]
    unit: tuple[str, ...] = ()  # archive members leading to the file the row comes from
    fmt: str = "text"
    cont: bool = False  # a further piece of the previous row's line: not counted again


class Many(tuple):
    """Several values of one field in one row: a JSON array of strings, the pieces of a long line."""


class FormatError(SkipError):
    """A file or member cannot be read as what it claims to be; the message is one line."""


@dataclass
class Shared:
    """State one top-level file shares with every archive member and decompressed stream in it."""

    expanded: int = 0  # bytes expanded from archives and compressed streams so far
    problems: list[tuple[tuple[str, ...], str, bool]] = field(default_factory=list)  # (unit, text, skip)


@dataclass(frozen=True)
class ReadContext:
    """Limits and position of the stream being read: which archive members lead to it, how deep."""

    options: FileOptions
    max_chars: int  # values are cut to this many characters
    seed: int  # sampling seed: stable per file, so scans repeat
    shared: Shared
    unit: tuple[str, ...] = ()
    depth: int = 0

    def member(self, name: str) -> ReadContext:
        """The context of an archive member (one level deeper, one more name in the unit)."""
        return replace(self, unit=(*self.unit, name), depth=self.depth + 1)

    def deeper(self) -> ReadContext:
        """The context of a decompressed stream: same unit, one more level of nesting."""
        return replace(self, depth=self.depth + 1)

    def row(self, line: int | None, fields: dict[str, object], fmt: str, cont: bool = False) -> Row:
        """A row located in this context's unit."""
        return Row(line, fields, self.unit, fmt, cont)

    def skip(self, reason: str, unit: tuple[str, ...] | None = None) -> None:
        """Report a member (or part) that was not read; the file goes on."""
        self.shared.problems.append((self.unit if unit is None else unit, reason, True))

    def note(self, text: str) -> None:
        """Report something informational about the stream (encoding, sampling)."""
        self.shared.problems.append((self.unit, text, False))
