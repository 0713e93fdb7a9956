"""The detector seam: every detector reads a Record and returns Detections."""

from __future__ import annotations

from typing import Protocol

from piscan.model import Detection, Record


class Detector(Protocol):
    """Finds entities in the values of one record."""

    name: str

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """Detections for the record's values; ``context`` holds words from names and comments."""
        ...
