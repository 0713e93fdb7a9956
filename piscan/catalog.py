"""The entity catalog (``rules/entities.yaml``): ids, names and the value-evidence thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from piscan.errors import ConfigError
from piscan.rules import load, rules_dir, user_rules_dirs


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
    sparse: bool = False  # one validated value is a leak: full scans check every value for it
    contact_of: str = ""  # in prose, one value with this and a confident name is a contact record


def catalog() -> dict[str, EntitySpec]:
    """All entity types, keyed by id: the bundled ones and those of the users' rules folders."""
    return _catalog(user_rules_dirs())


@cache
def _catalog(user: tuple[Path, ...]) -> dict[str, EntitySpec]:
    specs = _entities(rules_dir() / "entities.yaml")
    for folder in user:
        path = folder / "entities.yaml"
        if not path.is_file():
            continue
        for entity_id, spec in _entities(path).items():
            if entity_id in specs:
                raise ConfigError(str(path), f"entities.{entity_id}", "already defined; pick another id")
            specs[entity_id] = spec
    for spec in specs.values():
        if spec.contact_of and spec.contact_of not in specs:
            where = f"entities.{spec.id}.contact_of"
            raise ConfigError("entities.yaml", where, f"unknown entity {spec.contact_of!r}")
    return specs


def _entities(path: Path) -> dict[str, EntitySpec]:
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
            sparse=bool(merged.get("sparse", False)),
            contact_of=str(merged.get("contact_of", "")),
        )
    return specs
