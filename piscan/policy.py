"""Policies as data: load a bundled or user policy file and judge findings against it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from piscan.catalog import catalog
from piscan.errors import ConfigError, UsageError
from piscan.model import CategoryInfo, Finding, PolicyInfo, Verdict
from piscan.rules import file_sha256, load, rules_dir, user_files


@dataclass(frozen=True)
class Category:
    """One category of a policy's table, with the entity types that fall in it."""

    id: str
    name: str
    declared: bool
    wording: str
    entities: tuple[str, ...]
    described: tuple[str, ...] | None = None  # the entities the wording names; None: not stated

    def describes(self, entity: str) -> bool | None:
        """Whether the category's wording names the entity; None when the policy does not say."""
        return None if self.described is None else entity in self.described


@dataclass(frozen=True)
class Policy:
    """A privacy policy's category table, read from a YAML file."""

    id: str
    name: str
    file: Path
    sha256: str
    categories: tuple[Category, ...]
    outside: tuple[str, ...]

    def category_of(self, entity: str) -> Category | None:
        """The category the policy puts an entity in, or None when it puts it in none."""
        for category in self.categories:
            if entity in category.entities:
                return category
        return None

    def judge(self, finding: Finding) -> Verdict:
        """Declared when the entity's category is declared; undeclared with an empty category otherwise.
        ``described`` says whether the notice's words name the entity (no category: they do not)."""
        category = self.category_of(finding.entity)
        if category is None:
            return Verdict(finding, self.id, "", "", False, False)
        described = category.describes(finding.entity)
        return Verdict(finding, self.id, category.id, category.name, category.declared, described)

    def evaluate(self, findings: Iterable[Finding]) -> list[Verdict]:
        """Judge every finding."""
        return [self.judge(f) for f in findings]

    @property
    def info(self) -> PolicyInfo:
        """What reports record about the policy."""
        categories = tuple(
            CategoryInfo(c.id, c.name, c.declared, c.wording, c.entities, c.described)
            for c in self.categories
        )
        return PolicyInfo(self.id, self.name, str(self.file), self.sha256, categories)


def bundled_policies() -> dict[str, Path]:
    """Bundled policy ids (and those of the users' rules folders) mapped to their files."""
    folder = rules_dir() / "policies"
    found = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    for path in user_files("policies"):
        if path.stem in found:
            raise ConfigError(str(path), "", f"policy {path.stem!r} is already defined: rename the file")
        found[path.stem] = path
    return found


def resolve(spec: str) -> Path:
    """``xwms`` names a bundled policy; anything else is a path to a user's policy file."""
    bundled = bundled_policies()
    if spec in bundled:
        return bundled[spec]
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} or path.exists() or "/" in spec:
        return path
    names = ", ".join(bundled)
    raise UsageError(f"unknown policy {spec!r}: use one of {names} or a path to a .yaml file")


def load_policy(spec: str) -> Policy:
    """Load and validate a policy; a broken file raises ConfigError naming file, key and problem."""
    path = resolve(spec)
    data = load(path, "policy")
    known = catalog()
    seen: dict[str, str] = {}
    categories = []
    ids: set[str] = set()
    for i, cat in enumerate(data["categories"]):
        if cat["id"] in ids:
            raise ConfigError(str(path), f"categories.{i}.id", f"duplicate category id {cat['id']!r}")
        ids.add(cat["id"])
        for j, entity in enumerate(cat["entities"]):
            key = f"categories.{i}.entities.{j}"
            _check_entity(path, key, entity, known)
            if entity in seen:
                problem = f"entity {entity} is already in category {seen[entity]!r}"
                raise ConfigError(str(path), key, problem)
            seen[entity] = cat["id"]
        described = _described(path, i, cat)
        categories.append(
            Category(
                id=cat["id"],
                name=cat["name"],
                declared=cat["declared"],
                wording=cat.get("wording", ""),
                entities=tuple(cat["entities"]),
                described=described,
            )
        )
    outside = tuple(data.get("outside", []))
    for j, entity in enumerate(outside):
        _check_entity(path, f"outside.{j}", entity, known)
        if entity in seen:
            problem = f"entity {entity} is listed in category {seen[entity]!r} too"
            raise ConfigError(str(path), f"outside.{j}", problem)
    return Policy(data["id"], data["name"], path, file_sha256(path), tuple(categories), outside)


def _described(path: Path, i: int, cat: dict) -> tuple[str, ...] | None:
    """The category's ``described`` list: each entry must be one of its own entities."""
    if "described" not in cat:
        return None
    for j, entity in enumerate(cat["described"]):
        if entity not in cat["entities"]:
            problem = f"{entity!r} is not one of this category's entities"
            raise ConfigError(str(path), f"categories.{i}.described.{j}", problem)
    return tuple(cat["described"])


def _check_entity(path: Path, key: str, entity: str, known: dict) -> None:
    if entity not in known:
        raise ConfigError(str(path), key, f"unknown entity {entity!r} (see rules/entities.yaml)")


def load_policies(specs: Iterable[str]) -> list[Policy]:
    """Load several policies; the same policy twice is a usage error."""
    policies = [load_policy(s) for s in specs]
    ids = [p.id for p in policies]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise UsageError(f"policy id given twice: {', '.join(sorted(duplicates))}")
    return policies
