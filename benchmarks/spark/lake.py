"""A big Parquet lake, fast: a pool of seeded fake people, drawn by a seeded index per row
(pyarrow ``take``), written as parts of ``part_rows`` rows under ``events/dt=.../``."""

from __future__ import annotations

import json
from pathlib import Path

POOL = 20_000


def _pool(seed: int):
    import pyarrow as pa
    from faker import Faker

    fake = Faker()
    fake.seed_instance(seed)
    rows = [
        {"user": {"email": fake.email(), "name": fake.name()}, "city": fake.city(),
         "kind": fake.random_element(("click", "view", "buy", "refund"))}
        for _ in range(POOL)
    ]
    return pa.Table.from_pylist(rows)


def build(root: Path, rows: int, part_rows: int = 1_000_000, seed: int = 7) -> dict:
    """Write the lake once (a marker file records its size); returns what it holds."""
    marker = root / "_piscan_bench.json"
    wanted = {"rows": rows, "part_rows": part_rows, "seed": seed, "version": 1}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return wanted
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    pool = _pool(seed)
    rng = np.random.default_rng(seed)
    written, part = 0, 0
    while written < rows:
        n = min(part_rows, rows - written)
        picked = pool.take(pa.array(rng.integers(0, POOL, n)))
        table = picked.append_column("event_id", pa.array(np.arange(written, written + n)))
        table = table.append_column("amount", pa.array(np.round(rng.random(n) * 100, 2)))
        folder = root / "events" / f"dt=2026-01-{part % 28 + 1:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"part-{part:05d}.parquet", row_group_size=128_000)
        written, part = written + n, part + 1
    marker.write_text(json.dumps(wanted))
    return wanted
