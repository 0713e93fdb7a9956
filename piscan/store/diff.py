"""What changed between two scans: per source, location, policy and entity, the categories that
appeared, vanished or were judged differently (another category, or declared status)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class ChangeKind(StrEnum):
    """How a (location, policy, entity) verdict moved from scan A to scan B."""

    APPEARED = "appeared"
    VANISHED = "vanished"
    CHANGED = "changed"


@dataclass(frozen=True)
class Judgement:
    """The policy's view of an entity at a location in one scan."""

    category: str
    category_name: str
    declared: bool


@dataclass(frozen=True)
class Change:
    """One verdict that differs between scan A (``before``) and scan B (``after``)."""

    source: str
    location: str
    policy: str
    entity: str
    before: Judgement | None
    after: Judgement | None

    @property
    def kind(self) -> ChangeKind:
        """Appeared (only in B), vanished (only in A) or changed (judged differently)."""
        if self.before is None:
            return ChangeKind.APPEARED
        if self.after is None:
            return ChangeKind.VANISHED
        return ChangeKind.CHANGED

    @property
    def newly_undeclared(self) -> bool:
        """Whether B holds an undeclared verdict that A did not: what a CI job should fail on."""
        return (
            self.after is not None
            and not self.after.declared
            and (self.before is None or self.before.declared or self.before.category != self.after.category)
        )


Key = tuple[str, str, str, str]  # source, location, policy, entity


def judgements(rows: Iterable[Mapping[str, object]]) -> dict[Key, Judgement]:
    """Verdict rows (as stored) keyed by source, location, policy and entity."""
    return {
        (str(r["source"]), str(r["location"]), str(r["policy"]), str(r["entity"])): Judgement(
            str(r["category"]), str(r["category_name"]), bool(r["declared"])
        )
        for r in rows
    }


def compare(before: dict[Key, Judgement], after: dict[Key, Judgement]) -> list[Change]:
    """Every key whose judgement differs, ordered by source, location, policy and entity.

    Counts, confidence and examples change with every sample, so they are not compared.
    """
    changes = [
        Change(*key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]
    return changes
