"""Labeled cases: a column's values with the entities a careful auditor would say it holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ROWS = 40  # rows per generated table: enough for every min_share, cheap enough for CI


@dataclass(frozen=True)
class Col:
    """One column: its name, SQL type, values (None is NULL) and its label."""

    name: str
    values: tuple[object, ...]
    expected: frozenset[str] = frozenset()  # entities the scan must report here
    also: frozenset[str] = frozenset()  # entities that are right too (a passport as US_PASSPORT)
    sql_type: str = "text"  # text, int, real, date, datetime, blob
    why: str = ""  # for hand-written cases: what makes the column hard


@dataclass(frozen=True)
class Table:
    """One table of the corpus; ``group`` says where it comes from (locale, hard, negative)."""

    name: str
    group: str
    columns: tuple[Col, ...]


@dataclass(frozen=True)
class Field:
    """One text value (a note, a JSON document, a log line) with the entities embedded in it."""

    text: str
    expected: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()


def col(
    name: str,
    values: Iterable[object],
    *expected: str,
    also: Sequence[str] = (),
    sql_type: str = "text",
    why: str = "",
) -> Col:
    """Shorthand for a labeled column."""
    return Col(name, tuple(values), frozenset(expected), frozenset(also), sql_type, why)


def field_column(name: str, fields: Sequence[Field], sql_type: str = "text") -> Col:
    """A column of text values labeled with every entity embedded in any of them."""
    expected = frozenset().union(*(f.expected for f in fields))
    also = frozenset().union(*(f.also for f in fields)) - expected
    return Col(name, tuple(f.text for f in fields), expected, also, sql_type)
