"""Huge files are sampled: their head plus seeded random chunks up to the byte budget.

A file no larger than ``--byte-budget`` (default 8 MiB), and every file with ``--full``, is read
whole. A larger seekable file is read as its first half-budget, then chunks of up to 256 KiB at
seeded offsets, one per equal stretch of the rest (stratified, so chunks never overlap and
cover the whole file), until the budget is spent. The seed comes from the file's path, so a
scan repeats exactly. Streams that cannot seek (decompressed logs, archive members) are read
from the start up to the budget.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import BinaryIO

from piscan.formats.base import ReadContext
from piscan.formats.streams import seekable

BLOCK = 1 << 16
CHUNK = 1 << 18


def blocks(stream: BinaryIO, size: int | None, ctx: ReadContext, align: int = 1) -> Iterator[bytes | None]:
    """Byte blocks of the stream; ``None`` marks a jump (the blocks around it are cut mid-line)."""
    budget = ctx.options.byte_budget
    if ctx.options.full or (size is not None and size <= budget):
        yield from _read(stream, None)
        return
    if size is None or not seekable(stream):
        yield from _read(stream, budget)
        if stream.read(1):
            ctx.note(f"sampled: the first {_mib(budget)} were read (--full reads everything)")
        return
    head = budget // 2
    yield from _read(stream, head)
    offsets = chunk_offsets(size, head, budget, ctx.seed, align)
    chunk = min(CHUNK, max(align, budget // 4))
    for offset in offsets:
        yield None
        stream.seek(offset)
        yield from _read(stream, chunk)
    yield None  # the last chunk ends mid-line too
    ctx.note(
        f"sampled {_mib(head + chunk * len(offsets))} of {_mib(size)}: the head and {len(offsets)}"
        " random chunks (--full reads everything)"
    )


def chunk_offsets(size: int, head: int, budget: int, seed: int, align: int = 1) -> list[int]:
    """Seeded, non-overlapping chunk offsets past the head, one per equal stretch of the file."""
    chunk = min(CHUNK, max(align, budget // 4))
    count = max(1, (budget - head) // chunk)
    stride = (size - head) / count
    rng = random.Random(seed)
    offsets = []
    for i in range(count):
        slack = max(0.0, stride - chunk)
        offset = head + int(i * stride + rng.random() * slack)
        offsets.append(offset - offset % align)
    return offsets


def _read(stream: BinaryIO, limit: int | None) -> Iterator[bytes]:
    """Blocks of at most one underlying read each, so a read that fails loses no earlier bytes."""
    read = getattr(stream, "read1", stream.read)
    left = limit
    while left is None or left > 0:
        block = read(BLOCK if left is None else min(BLOCK, left))
        if not block:
            return
        if left is not None:
            left -= len(block)
        yield block


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"
