"""Value shapes: what a text value looks like as a whole, so aggregation can weigh names against values.

Shapes are reported as pseudo-entities that are never findings themselves: NOT_PERSONAL marks
values of a form that machines, not people, produce (UUIDs, digests, versions, timestamps, memory
addresses); PROSE marks sentences and documents, where an entity mentioned in a few rows still
means the column holds it.
"""

from __future__ import annotations

import re

from piscan.model import Detection, Record

NOT_PERSONAL = "~not_personal"
PROSE = "~prose"
PROSE_WORDS = 6  # whitespace-separated tokens that make a value a sentence or a document
PROSE_CJK = 20  # CJK characters that do the same in scripts without spaces

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("uuid", r"\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?"),
        ("digest", r"(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})"),
        ("colon_digest", r"[0-9a-f]{2}(?::[0-9a-f]{2}){15,63}"),
        ("hex_address", r"0x[0-9a-f]{2,16}"),
        ("version", r"v?\d+\.\d+\.\d+(?:[-+][0-9a-z.-]+)?"),
        ("timestamp", r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?"),
        ("isbn", r"97[89]-\d{1,5}-\d{1,7}-\d{1,7}-\d"),
    )
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_SENTENCE = re.compile(r"[\u3400-\u9fff][，。！？；：]")


def shape_of(text: str) -> str | None:
    """The non-personal shape of a whole value, if it has one."""
    value = text.strip()
    for name, pattern in _SHAPES:
        if pattern.fullmatch(value):
            return name
    return None


def is_prose(text: str) -> bool:
    """Sentences, notes and documents, as opposed to single values."""
    if len(text.split(None, PROSE_WORDS)) >= PROSE_WORDS:
        return True
    return bool(_CJK_SENTENCE.search(text)) or len(_CJK.findall(text)) >= PROSE_CJK


class ShapeDetector:
    """Marks values whose whole form is machine-made or prose; cheap enough for every value."""

    name = "shape"

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """At most one shape per text value, scored 0: a shape is no evidence of personal data."""
        found = []
        for i, value in enumerate(record.values):
            if not isinstance(value, str):
                continue
            shape = shape_of(value)
            if shape:
                found.append(Detection(NOT_PERSONAL, f"shape:{shape}", 0.0, i))
            elif is_prose(value):
                found.append(Detection(PROSE, "shape:prose", 0.0, i))
        return found
