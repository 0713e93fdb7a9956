"""The inventory export: the scan CSV's columns, then where and from which policy words each row comes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping

from piscan.reporters.base import CSV_COLUMNS_V1

# A public contract like CSV_COLUMNS: a scan's CSV and the export line up column for column over
# the first twelve (the store does not record the later ``described`` column).
INVENTORY_COLUMNS = (*CSV_COLUMNS_V1, "scan_id", "scanned_at", "wording")


def csv_row(row: Mapping[str, object]) -> dict[str, object]:
    """One inventory row formatted as the scan CSV formats its columns."""
    out = {name: row.get(name, "") for name in INVENTORY_COLUMNS}
    out["declared"] = "yes" if row.get("declared") else "no"
    out["confidence"] = f"{float(row.get('confidence') or 0.0):.2f}"
    return out


def render_csv(rows: Iterable[Mapping[str, object]]) -> str:
    """Header plus one line per inventory row (``Store.inventory()``), columns as INVENTORY_COLUMNS."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INVENTORY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_row(row))
    return buffer.getvalue()


def render_json(rows: Iterable[Mapping[str, object]]) -> str:
    """``export --format json``: the inventory rows with real booleans and numbers (as scan JSON 2.0)."""
    out = []
    for row in rows:
        item = {name: row.get(name, "") for name in INVENTORY_COLUMNS}
        item["declared"] = bool(row.get("declared"))
        item["confidence"] = float(row.get("confidence") or 0.0)
        out.append(item)
    return json.dumps({"inventory": out}, indent=2, ensure_ascii=False, default=str) + "\n"
