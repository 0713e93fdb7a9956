"""The entity catalog (``rules/entities.yaml``): ids, names and the value-evidence thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from piscan.rules import load, rules_dir


@dataclass(frozen=True)
class EntitySpec:
    """One entity type and how much value evidence it needs before it is reported."""

    id: str
    name: str
    min_share: float
    min_matches: int
    min_score: float
    min_distinct: float  # distinct matched texts / matches, when only the values speak
    text_share: float  # min_share in prose columns (notes, documents, log lines)
    identifies: bool = False  # points to a person: a table with it holds people
    needs_person: bool = False  # personal only when it belongs to a person (a city, a language)


@cache
def catalog() -> dict[str, EntitySpec]:
    """All entity types, keyed by id."""
    path = rules_dir() / "entities.yaml"
    data = load(path, "entities")
    defaults = data["defaults"]
    specs = {}
    for entity_id, conf in data["entities"].items():
        merged = {**defaults, **conf}
        specs[entity_id] = EntitySpec(
            id=entity_id,
            name=merged["name"],
            min_share=float(merged["min_share"]),
            min_matches=int(merged["min_matches"]),
            min_score=float(merged["min_score"]),
            min_distinct=float(merged.get("min_distinct", 0.0)),
            text_share=min(float(merged.get("text_share", merged["min_share"])), float(merged["min_share"])),
            identifies=bool(merged.get("identifies", False)),
            needs_person=bool(merged.get("needs_person", False)),
        )
    return specs
