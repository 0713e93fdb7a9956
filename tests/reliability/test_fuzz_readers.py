"""A bounded fuzz of every file reader: seeded, mutated inputs (byte flips, cuts, insertions of
format punctuation) must never crash a reader, and no seeded raw value may reach a message that
leaves the scan (skip reasons and notes, as reports and the store get them).

The time budget is ``PISCAN_FUZZ_SECONDS`` (default 30, spread over the formats); the run is
seeded, so a failure names the input that reproduces it.
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from piscan.errors import SkipError
from piscan.model import Skipped
from piscan.scan import _scrubbed
from piscan.sources.files import FileSource
from piscan.sources.local import LocalFilesystem
from tests.files.filecorpus import (
    PEOPLE,
    docx_bytes,
    parquet_bytes,
    pdf_bytes,
    tar_bytes,
    xlsx_bytes,
    zip_bytes,
)

CARD = "4539578763621485"  # Luhn-valid, seen nowhere else
EMAIL = "zed.fuzzvalue@example.org"
PHONE = "+1 415 555 0177"
LINES = [f"2024-01-0{i % 9 + 1} payment by {EMAIL} card {CARD} phone {PHONE}" for i in range(30)]
TEXT = ("\n".join(LINES) + "\n").encode()
PUNCTUATION = [b"(", b")", b"<", b">", b"/", b"[", b"{", b'"', b"\\", b"\x00", b"\xff", b"\n", b"obj", b"PK"]


def _seeds() -> dict[str, bytes]:
    jsonl = "\n".join(json.dumps({"user": {"email": EMAIL, "card": CARD}, "n": i}) for i in range(20))
    csv = "email,card,phone\n" + "".join(f"{EMAIL},{CARD},{PHONE}\n" for _ in range(20))
    return {
        "app.log": TEXT,
        "app.jsonl": jsonl.encode(),
        "export.json": json.dumps([{"email": EMAIL, "card": CARD}] * 10).encode(),
        "export.csv": csv.encode(),
        "app.log.gz": gzip.compress(TEXT, mtime=0),
        "app.log.bz2": bz2.compress(TEXT),
        "statement.pdf": pdf_bytes(LINES[:6]),
        "letter.docx": docx_bytes(LINES[:6]),
        "sheet.xlsx": xlsx_bytes(),
        "table.parquet": parquet_bytes(),
        "bundle.zip": zip_bytes({"a.log": TEXT, "b.jsonl": jsonl.encode()}),
        "bundle.tar": tar_bytes({"a.log": TEXT}),
        "mail.eml": (
            f"From: {EMAIL}\nTo: {PEOPLE[0][1]}\nSubject: card {CARD}\n\n" + "\n".join(LINES[:5])
        ).encode(),
    }


def _secrets() -> list[str]:
    """Raw values that must never show: whole, and every 8-digit run of the card."""
    values = [EMAIL, "fuzzvalue", CARD, PHONE, *(p[1] for p in PEOPLE), *(p[2] for p in PEOPLE)]
    return values + [CARD[i : i + 8] for i in range(len(CARD) - 7)]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            break
        pos = rng.randrange(len(out))
        op = rng.random()
        if op < 0.35:
            out[pos] = rng.randrange(256)
        elif op < 0.6:
            del out[pos : pos + rng.randint(1, 64)]
        elif op < 0.85:
            out[pos:pos] = rng.choice(PUNCTUATION) * rng.randint(1, 3)
        else:
            del out[pos:]  # truncated
    return bytes(out)


def _messages(folder: Path, name: str) -> list[Skipped]:
    """What one file's read would put into a report: skip reasons and notes, scrubbed as the
    scan scrubs them."""
    source = FileSource(LocalFilesystem(str(folder)))
    entries: list[Skipped] = []
    for container in source.discover():
        try:
            for _ in source.read(container):
                pass
        except SkipError as exc:
            entries.append(Skipped(source.public, container.path, str(exc)))
    entries += [Skipped(source.public, loc, why) for loc, why in (*source.notices, *source.notes)]
    return list(_scrubbed(entries))


def _fuzz(name: str, seed: bytes, seconds: float, check: Callable[[str, bytes, list[Skipped]], None]) -> int:
    rng = random.Random(f"{name}-{len(seed)}")
    runs, deadline = 0, time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        while time.monotonic() < deadline:
            data = _mutate(seed, rng)
            (folder / name).write_bytes(data)
            check(name, data, _messages(folder, name))
            runs += 1
    return runs


def test_mutated_inputs_never_crash_a_reader_nor_leak_a_value() -> None:
    budget = float(os.environ.get("PISCAN_FUZZ_SECONDS", "30"))
    seeds = _seeds()
    secrets = _secrets()
    failures: list[str] = []

    def check(name: str, data: bytes, entries: list[Skipped]) -> None:
        text = "\n".join(f"{e.location} {e.reason}" for e in entries)
        leaked = [s for s in secrets if s in text]
        internal = [e.reason for e in entries if e.reason.startswith("internal error")]
        if leaked or internal:
            failures.append(f"{name} ({len(data)} bytes, leaked {leaked}, internal {internal}): {text[:300]}")

    counts = {name: _fuzz(name, seed, budget / len(seeds), check) for name, seed in seeds.items()}
    total = sum(counts.values())
    print(f"fuzzed {total} inputs in {budget:.0f}s: {counts}")
    assert not failures, failures[:5]
    assert all(n > 0 for n in counts.values()), counts
