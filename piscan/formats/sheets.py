"""Spreadsheets and columnar files judged per column like tables: XLSX (openpyxl, read-only)
and Parquet (pyarrow, batch by batch). A workbook with several sheets names fields ``Sheet.column``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from piscan.formats.archive import check_members
from piscan.formats.base import ReadContext, Row
from piscan.formats.delimited import header_names
from piscan.formats.jsonl import flatten
from piscan.formats.streams import spool
from piscan.formats.text import pieces


def xlsx_rows(stream: BinaryIO, ctx: ReadContext) -> Iterator[Row]:
    """Rows of every sheet; the first row of each sheet names its columns."""
    import zipfile

    import openpyxl

    data = spool(stream, ctx, "XLSX")
    with zipfile.ZipFile(data) as archive:
        check_members(archive, ctx)
    data.seek(0)
    book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    try:
        several = len(book.sheetnames) > 1
        for sheet in book.worksheets:
            yield from _sheet_rows(sheet, f"{sheet.title}." if several else "", ctx)
    finally:
        book.close()


def _sheet_rows(sheet: object, prefix: str, ctx: ReadContext) -> Iterator[Row]:
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    header = next(rows, None)
    if header is None:
        return
    names = [prefix + n for n in header_names(["" if c is None else str(c) for c in header])]
    yield ctx.row(1, {}, "xlsx")
    read = 0
    for number, cells in enumerate(rows, start=2):
        fields = {}
        for name, value in zip(names, cells, strict=False):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            fields[name] = pieces(value, ctx.max_chars) if isinstance(value, str) else value
            read += len(str(value))
        yield ctx.row(number, fields, "xlsx")
        if not ctx.options.full and read > ctx.options.byte_budget:
            ctx.note(f"sampled: the first {number} rows of {sheet.title} were read")  # type: ignore[attr-defined]
            return


def parquet_rows(stream: BinaryIO, ctx: ReadContext) -> Iterator[Row]:
    """Rows of a Parquet file, nested columns as dotted paths (``address.city``)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(spool(stream, ctx, "Parquet file"))
    number = read = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for record in batch.to_pylist():
            number += 1
            fields = {
                k: pieces(v, ctx.max_chars) if isinstance(v, str) else v for k, v in flatten(record).items()
            }
            yield ctx.row(number, fields, "parquet")
        read += batch.nbytes
        if not ctx.options.full and read > ctx.options.byte_budget:
            ctx.note(f"sampled: the first {number} rows were read (--full reads everything)")
            return
