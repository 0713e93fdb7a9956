"""SQL column types -> value kinds, and which columns may be trimmed in SQL."""

from __future__ import annotations

from sqlalchemy import types as sat

from piscan.model import ValueKind


def kind_of(type_: sat.TypeEngine) -> ValueKind:
    """The value kind a column's declared type suggests (values can refine it)."""
    if isinstance(type_, sat.Boolean):
        return ValueKind.BOOLEAN
    if isinstance(type_, sat.Enum | sat.String):
        return ValueKind.TEXT
    if isinstance(type_, sat._Binary):
        return ValueKind.BINARY
    if isinstance(type_, sat.ARRAY):
        item = type_.item_type
        return ValueKind.VECTOR if isinstance(item, sat.Float | sat.Numeric) else ValueKind.OTHER
    if isinstance(type_, sat.Integer | sat.Numeric | sat.Float):
        return ValueKind.NUMBER
    if isinstance(type_, sat.Date | sat.DateTime | sat.Time | sat.Interval):
        return ValueKind.TEMPORAL
    return ValueKind.OTHER


def trimmable(type_: sat.TypeEngine) -> bool:
    """Plain text and binary columns can be cut to a bound by the database with substr()."""
    if isinstance(type_, sat.Enum):
        return False
    return isinstance(type_, sat.String | sat._Binary)


def cut_as_text(type_: sat.TypeEngine, dialect: str) -> bool:
    """Structured values the driver would build whole in memory (JSON, arrays of anything but
    numbers; on PostgreSQL also types the dialect does not know, such as xml): read as text,
    cut by the database. (SQLite's untyped columns may hold blobs: they are left alone.)"""
    if isinstance(type_, sat.JSON) or (isinstance(type_, sat.NullType) and dialect == "postgresql"):
        return True
    return isinstance(type_, sat.ARRAY) and not numeric_array(type_)


def numeric_array(type_: sat.TypeEngine) -> bool:
    """An array of numbers: kept an array (a face or voice embedding), cut to its first items."""
    return isinstance(type_, sat.ARRAY) and isinstance(type_.item_type, sat.Integer | sat.Numeric | sat.Float)


def type_name(type_: sat.TypeEngine) -> str:
    """A printable type name; types the dialect does not know become their raw name."""
    try:
        return str(type_)
    except Exception:  # noqa: BLE001 - some reflected types cannot compile outside their dialect
        return type(type_).__name__
