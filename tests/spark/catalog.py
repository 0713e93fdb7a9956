"""A Hive catalog (embedded Derby metastore, a local warehouse dir) with tables that a
``spark-table:`` scan reads: run as ``python -m tests.spark.catalog DIR`` in its own process (a
Derby metastore is one process's at a time), then scanned by the CLI with ``conf(DIR)``.

- ``customers``: one part file; names, e-mails, phones, and a status and an amount (not personal)
- ``events``: three part files; a struct ``user`` (e-mail, name), a kind and an amount
- ``broken``: its one part file overwritten with garbage after the catalog recorded it
"""

from __future__ import annotations

import sys
from pathlib import Path

from .lakes import people


def conf(root: Path) -> dict[str, str]:
    """The Spark settings of the catalog under ``root``."""
    metastore = f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true"
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": metastore,
    }


def customers(n: int) -> list[dict]:
    """Generated customers (faker, seeded)."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(7)
    return [
        {
            "id": i,
            "full_name": fake.name(),
            "email": fake.email(),
            "phone": fake.phone_number(),
            "status": ["active", "closed"][i % 2],
            "amount": float(i % 97),
        }
        for i in range(n)
    ]


def build(root: Path) -> None:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[1]").appName("piscan-test-catalog")
    quiet = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"}
    for key, value in {**conf(root), **quiet}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    rows = people(300, 1)
    events = spark.createDataFrame(
        rows, "event_id bigint, user struct<email:string,name:string>, kind string, amount double"
    )
    events.repartition(3).write.mode("overwrite").saveAsTable("default.events")
    spark.createDataFrame(customers(200)).coalesce(1).write.mode("overwrite").saveAsTable("default.customers")
    spark.createDataFrame(customers(20)).coalesce(1).write.mode("overwrite").saveAsTable("default.broken")
    spark.stop()
    for part in (root / "warehouse" / "broken").glob("part-*"):
        part.write_bytes(b"not a parquet file at all" * 40)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
