"""Large structured cells are cut by the database: jsonb objects of 200,000 keys, long text and
int arrays and xml documents cost the reading process no more memory than short ones."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT
from tests.reliability.conftest import execute

CELLS = 8
READ = """
import json, resource, sys
from piscan.sources.sql import SqlOptions, SqlSource
source = SqlSource(sys.argv[1], SqlOptions(full_scan=True))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
longest = 0
for container in source.discover():
    for batch in source.read(container):
        for values in batch.values.values():
            longest = max([longest] + [len(v) if hasattr(v, "__len__") else 0 for v in values])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kib": after - before, "longest": longest}))
"""


def test_huge_jsonb_array_and_xml_cells_are_read_in_bounded_memory(pg_db: str) -> None:
    """Eight rows of ~4 MB jsonb (a dict of 200,000 keys each once parsed: over 40 MB of Python
    objects per cell), 1 MB text[] and int[] arrays and 4 MB xml: the read grows the process by
    less than 40 MB and no value is longer than the cut."""
    execute(
        pg_db,
        "CREATE TABLE docs (id integer, doc jsonb, tags text[], nums integer[], page xml)",
        f"INSERT INTO docs SELECT n,"
        " (SELECT jsonb_object_agg('key' || i, 'value' || i) FROM generate_series(1, 200000) i),"
        " (SELECT array_agg('tag' || i) FROM generate_series(1, 100000) i),"
        " (SELECT array_agg(i) FROM generate_series(1, 100000) i),"
        " xmlparse(document '<a>' || repeat('<b>x</b>', 500000) || '</a>')"
        f" FROM generate_series(1, {CELLS}) n",
    )
    run = subprocess.run(
        [sys.executable, "-c", READ, pg_db], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    print(f"bounded cells: RSS grew {figures['grew_kib'] / 1024:.1f} MiB reading {CELLS} rows")
    assert figures["longest"] <= 4096, figures
    assert figures["grew_kib"] < 40 * 1024, figures
