"""Damaged input loses only its damaged part: the readable head of a damaged .gz log, a log with
one stray NUL byte, the lines after an over-deep JSON line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import run_cli


def _scan(folder: Path) -> dict:
    run = run_cli("scan", str(folder), "-f", "json", "-q", "--fail-on", "never")
    assert "Traceback" not in run.stderr, run
    return json.loads(run.stdout)


def _entities(doc: dict, location: str) -> set[str]:
    return {r["entity"] for r in doc["results"] if r["location"] == location}


def _log(lines: int) -> bytes:
    return b"".join(b"2024-01-01 login ok for user%d@example.com from app\n" % i for i in range(lines))


def test_damaged_gzip_log_keeps_its_readable_head(tmp_path: Path) -> None:
    """Damage 2 KiB into the decompressed data: the lines before it are scanned, and the file is
    listed as skipped after them, with the reason."""
    data = bytearray(gzip.compress(_log(2000), mtime=0))
    data[200:260] = b"\xff" * 60  # a run of garbage in the deflate stream: an invalid block
    (tmp_path / "app.log.1.gz").write_bytes(bytes(data))
    doc = _scan(tmp_path)
    assert "EMAIL_ADDRESS" in _entities(doc, "app.log.1.gz"), doc["results"]
    skipped = [s["reason"] for s in doc["skipped"] if s["location"].startswith("app.log.1")]
    assert skipped and "damaged gz data" in skipped[0] and "what came before was scanned" in skipped[0]


def test_one_nul_byte_does_not_make_a_log_binary(tmp_path: Path) -> None:
    data = bytearray(_log(500))
    data[100] = 0
    (tmp_path / "torn.log").write_bytes(bytes(data))
    doc = _scan(tmp_path)
    assert "EMAIL_ADDRESS" in _entities(doc, "torn.log"), (doc["results"], doc["skipped"])


def test_binary_data_is_still_binary(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    (tmp_path / "blob.dat").write_bytes(bytes(rng.randrange(256) for _ in range(40_000)))
    doc = _scan(tmp_path)
    assert [s["location"] for s in doc["skipped"]] == ["blob.dat"], doc["skipped"]


def test_over_deep_json_line_hides_nothing_after_it(tmp_path: Path) -> None:
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    rows = [json.dumps({"user": {"email": f"person{i}@example.com"}}) for i in range(40)]
    (tmp_path / "app.jsonl").write_text("\n".join([rows[0], deep, *rows[1:]]) + "\n", encoding="utf-8")
    doc = _scan(tmp_path)
    found = {r["location"]: r for r in doc["results"] if r["entity"] == "EMAIL_ADDRESS"}
    assert "app.jsonl#user.email" in found, doc
    assert found["app.jsonl#user.email"]["matches"] == 40
    assert not doc["skipped"], doc["skipped"]
