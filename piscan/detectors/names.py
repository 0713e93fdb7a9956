"""Name evidence: what a column's name and comment say it holds (``rules/names.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from piscan.catalog import catalog
from piscan.errors import ConfigError
from piscan.model import Column, ValueKind
from piscan.rules import load, rules_dir

STRONG_SCORE = 0.7
WEAK_SCORE = 0.4
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^0-9a-zA-Z\u00c0-\uffff]+")


@dataclass(frozen=True)
class NameRule:
    """One pattern over normalized names, and what a match means."""

    entity: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    strong: bool
    kinds: frozenset[ValueKind]


@dataclass(frozen=True)
class NameHit:
    """An entity suggested by a column's name or comment."""

    entity: str
    strong: bool
    kinds: frozenset[ValueKind]

    @property
    def score(self) -> float:
        """Confidence the name alone gives."""
        return STRONG_SCORE if self.strong else WEAK_SCORE


def normalize(name: str) -> str:
    """``customerEmail``, ``Customer-Email`` and ``CUSTOMER_EMAIL`` all become ``customer_email``."""
    spaced = _CAMEL.sub("_", name)
    return "_".join(t for t in _SPLIT.split(spaced.lower()) if t)


@cache
def name_rules() -> tuple[NameRule, ...]:
    """Compile the bundled name rules, checking entity ids and regexes."""
    path = rules_dir() / "names.yaml"
    data = load(path, "names")
    known = catalog()
    rules = []
    for i, raw in enumerate(data["rules"]):
        if raw["entity"] not in known:
            raise ConfigError(str(path), f"rules.{i}.entity", f"unknown entity {raw['entity']!r}")
        kinds = frozenset(ValueKind(k) for k in raw.get("kinds", [k.value for k in ValueKind]))
        rules.append(
            NameRule(
                entity=raw["entity"],
                pattern=_compile(path, f"rules.{i}.pattern", raw["pattern"]),
                unless=_compile(path, f"rules.{i}.unless", raw["unless"]) if "unless" in raw else None,
                strong=raw.get("strength", "strong") == "strong",
                kinds=kinds,
            )
        )
    return tuple(rules)


def _compile(path, key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?:^|_)(?:{pattern})(?:_|$)")
    except re.error as exc:
        raise ConfigError(str(path), key, f"invalid regex: {exc}") from None


def name_hits(column: Column) -> list[NameHit]:
    """Entities the column's name or comment point to; strong hits win over weak ones."""
    texts = [normalize(column.name)]
    if column.comment:
        texts.append(normalize(column.comment))
    hits: dict[str, NameHit] = {}
    for rule in name_rules():
        if not any(_matches(rule, t) for t in texts):
            continue
        known = hits.get(rule.entity)
        if known is None or (rule.strong and not known.strong):
            hits[rule.entity] = NameHit(rule.entity, rule.strong, rule.kinds)
    return list(hits.values())


def _matches(rule: NameRule, text: str) -> bool:
    if not rule.pattern.search(text):
        return False
    return not (rule.unless and rule.unless.search(text))


def context_words(column: Column, table: str = "") -> tuple[str, ...]:
    """Words handed to Presidio as context: the tokens of the column name, comment and table."""
    words: list[str] = []
    for text in (column.name, column.comment, table):
        for token in normalize(text).split("_"):
            if len(token) > 1 and token not in words:
                words.append(token)
    # Compound names like "birthdate" also yield their joined form for context matching.
    joined = normalize(column.name).replace("_", "")
    if joined and joined not in words:
        words.append(joined)
    return tuple(words)
