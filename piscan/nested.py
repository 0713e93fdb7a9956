"""JSON documents in database columns -> values per field path, as files already report them.

``payload`` holding ``{"customer": {"contact": {"email": ...}}}`` is reported at
``schema.table.payload#customer.contact.email``, judged by its key names and its own values,
instead of one finding on the whole document. Only JSON-typed columns and text columns whose
sampled values are mostly JSON objects are split; a text cell cut at ``--max-cell-chars`` no
longer parses and is examined whole, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from piscan.formats.base import Many
from piscan.formats.jsonl import flatten
from piscan.model import Column, Location, ValueKind

JSON_SHARE = 0.6  # a text column is JSON when this share of its first non-null values are objects
MAX_PATHS = 256  # field paths per column; keys beyond (ids used as keys) stay in the column itself


def as_object(value: object) -> dict | None:
    """A JSON object from a dict or from text holding one; None for anything else."""
    if isinstance(value, dict):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def is_json_column(column: Column, values: Iterable[object]) -> bool:
    """JSON-typed columns holding objects, and text columns whose values are mostly JSON objects."""
    present = [v for v in values if v is not None]
    if not present or column.kind not in (ValueKind.TEXT, ValueKind.OTHER):
        return False
    objects = sum(1 for v in present if as_object(v) is not None)
    if "JSON" in column.type_name.upper():
        return objects > 0
    return column.kind == ValueKind.TEXT and objects >= JSON_SHARE * len(present)


def split(values: Iterable[object]) -> tuple[dict[str, list[object]], list[object]]:
    """(field path -> its values across the batch, the values that are not JSON objects)."""
    fields: dict[str, list[object]] = {}
    plain: list[object] = []
    for value in values:
        if value is None:
            continue
        doc = as_object(value)
        if doc is None:
            plain.append(value)
            continue
        for path, found in flatten(doc).items():
            fields.setdefault(path, []).extend(found if isinstance(found, Many) else (found,))
    return fields, plain


def field_column(parent: Column, path: str) -> Column:
    """The column a field path stands for: named by its last key, so name evidence applies."""
    return Column(path.rsplit(".", 1)[-1], "json", ValueKind.TEXT, "")


def field_location(parent: Location, path: str) -> Location:
    """``schema.table.column#field.path``."""
    return Location(parent.source, (*parent.parts[:-1], f"{parent.parts[-1]}#{path}"))
