"""CSV and TSV files, judged per column like a table: ``export.csv#email``.

The first row names the columns; the delimiter is a tab for .tsv and the most frequent of
``, ; TAB |`` in the header otherwise. Rows that do not parse are counted and noted, not fatal.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from piscan.formats.base import LINE_CAP, ReadContext, Row
from piscan.formats.text import pieces

MAX_COLUMNS = 1000
csv.field_size_limit(max(LINE_CAP, csv.field_size_limit()))  # lines are already capped


def header_names(cells: list[str]) -> list[str]:
    """Column names from a header row: blanks become ``column_N``, repeats get a suffix."""
    names: list[str] = []
    for i, cell in enumerate(cells[:MAX_COLUMNS], start=1):
        name = " ".join(cell.split()) or f"column_{i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def delimiter_for(name: str, header: str) -> str:
    """Tab for .tsv files, else the candidate the header line holds most of."""
    if name.lower().endswith((".tsv", ".tab")):
        return "\t"
    return max(",;\t|", key=header.count)


def csv_rows(numbered: Iterable[tuple[int | None, str, bool]], name: str, ctx: ReadContext) -> Iterator[Row]:
    """One row per record, one field per column; the header row itself is not a value."""
    state: dict[str, int | None] = {"line": None}
    cut = {"pieces": 0}

    def texts() -> Iterator[str]:
        for number, text, cont in numbered:
            if cont:
                cut["pieces"] += 1
                continue
            state["line"] = number
            yield text

    source = texts()
    first = next(source, None)
    if first is None:
        return
    delimiter = delimiter_for(name, first)
    columns = header_names(next(csv.reader([first], delimiter=delimiter), []))
    yield ctx.row(state["line"], {}, "csv")
    reader = csv.reader(source, delimiter=delimiter)
    bad = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            bad += 1
            continue
        fields = {
            c: pieces(v.strip(), ctx.max_chars) for c, v in zip(columns, cells, strict=False) if v.strip()
        }
        yield ctx.row(state["line"], fields, "csv")
    if bad or cut["pieces"]:
        ctx.note(f"{bad} rows could not be parsed; {cut['pieces']} overlong line pieces were not read")
