"""Numeric vectors (float arrays, pgvector, JSON arrays) whose names say face, voice or finger."""

from __future__ import annotations

import json
import struct

from piscan.model import Detection, Record

BIOMETRIC_ENTITIES = ("FACE_TEMPLATE", "VOICEPRINT", "FINGERPRINT_TEMPLATE")
MIN_DIMENSIONS = 8


_OPEN = "[{("
_CLOSE = "]})"


def text_vector(value: str) -> list[object] | None:
    """The numbers of a vector written as text (JSON, pgvector, a Python tuple), also when the
    database cut the text short: a 512-dimension JSON array is longer than a sampled cell."""
    text = value.strip()
    if text[:1] not in _OPEN or len(text) < 2 * MIN_DIMENSIONS:
        return None
    body = text[1:]
    if body[-1:] in _CLOSE:
        body = body[:-1]
    elif "," in body:  # cut mid-array: drop the last, perhaps partial, number
        body = body[: body.rindex(",")]
    else:
        return None
    try:
        items = json.loads("[" + body + "]")
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def vector_length(value: object) -> int:
    """Dimensions of a value that is an embedding-like vector, else 0."""
    if isinstance(value, list | tuple):
        items = value
    elif isinstance(value, str):
        parsed = text_vector(value)
        if parsed is None:
            return 0
        items = parsed
    elif isinstance(value, bytes | bytearray | memoryview):
        return _packed_floats(bytes(value))
    else:
        return 0
    if len(items) < MIN_DIMENSIONS:
        return 0
    ok = all(isinstance(x, int | float) and not isinstance(x, bool) for x in items)
    return len(items) if ok and any(isinstance(x, float) for x in items) else 0


def _packed_floats(blob: bytes) -> int:
    """A blob of little-endian float32s with small magnitudes, as numpy's tobytes() writes."""
    if len(blob) < 4 * MIN_DIMENSIONS or len(blob) % 4 or len(blob) > 64 * 1024:
        return 0
    floats = struct.unpack(f"<{len(blob) // 4}f", blob)
    plausible = all(abs(f) < 1e3 and f == f for f in floats)
    return len(floats) if plausible else 0


class VectorDetector:
    """Confirms a biometric name with values that really are embedding vectors."""

    name = "vector"

    def __init__(self, entities_by_name: tuple[str, ...]) -> None:
        self.entities = tuple(e for e in entities_by_name if e in BIOMETRIC_ENTITIES)

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """A detection per vector value, for the biometric entity the name suggests."""
        if not self.entities:
            return []
        found = []
        for i, value in enumerate(record.values):
            dims = vector_length(value)
            if dims:
                for entity in self.entities:
                    found.append(Detection(entity, "vector", 0.8, i, f"<vector[{dims}]>"))
        return found
