"""Data lakes the tests and the benchmark scan: Parquet parts in Hive-style partition folders
(a struct column with an e-mail and a name), and a JSON-lines table; all values generated."""

from __future__ import annotations

import json
import random
from pathlib import Path


def people(n: int, seed: int) -> list[dict]:
    """``n`` generated rows of an events table (faker, seeded)."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(seed)
    rng = random.Random(seed)
    return [
        {
            "event_id": seed * 1_000_000 + i,
            "user": {"email": fake.email(), "name": fake.name()},
            "kind": rng.choice(["click", "view", "buy"]),
            "amount": round(rng.random() * 100, 2),
        }
        for i in range(n)
    ]


def make_lake(root: Path, rows_per_part: int = 1500, parts: int = 4) -> Path:
    """``root/events/dt=.../part-N.parquet`` and ``root/users/part-0.json``; returns root."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for n in range(parts):
        folder = root / "events" / f"dt=2026-01-0{n % 2 + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(people(rows_per_part, n)), folder / f"part-{n:05d}.parquet")
    (root / "events" / "_SUCCESS").write_text("")
    from faker import Faker

    fake = Faker()
    fake.seed_instance(99)
    users = root / "users"
    users.mkdir(parents=True, exist_ok=True)
    with (users / "part-00000.json").open("w") as fh:
        for i in range(400):
            fh.write(json.dumps({"id": i, "phone": fake.phone_number(), "ip": fake.ipv4()}) + "\n")
    return root


def upload(root: Path, endpoint: str, bucket: str, prefix: str) -> str:
    """The lake's files copied to ``s3://bucket/prefix/`` on the test S3 server; returns the URL."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(root).as_posix()}")
    return f"s3://{bucket}/{prefix}/"
