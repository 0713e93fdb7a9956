"""The read limit: stream a table's rows into Python through a server-side cursor, detecting nothing.

Run as a child (``python -m benchmarks.perf.readlimit URL SCHEMA TABLE``) so the parent measures it
like a scan; prints ``{"rows": .., "columns": ..}`` as JSON.
"""

from __future__ import annotations

import json
import sys

import psycopg
from psycopg import sql
from psycopg.types.string import TextLoader

FETCH_ROWS = 1000  # piscan's batch size


def stream(url: str, schema: str, table: str) -> tuple[int, int]:
    """Read every row of every column, as piscan's full scan does; returns (rows, columns)."""
    rows = 0
    with psycopg.connect(url) as conn:
        # inet and cidr as text, as piscan reads them: psycopg's ipaddress objects would make
        # this limit slower (and piscan look closer to it) for no reason of piscan's.
        for name in ("inet", "cidr"):
            conn.adapters.register_loader(name, TextLoader)
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                (schema, table),
            )
        ]
        query = sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(schema, table)
        )
        with conn.cursor(name="bench_read") as cur:
            cur.execute(query)
            while batch := cur.fetchmany(FETCH_ROWS):
                rows += len(batch)
    return rows, len(cols)


def main() -> None:
    """Command-line entry for the child process."""
    url, schema, table = sys.argv[1:4]
    rows, columns = stream(url, schema, table)
    print(json.dumps({"rows": rows, "columns": columns}))


if __name__ == "__main__":
    main()
