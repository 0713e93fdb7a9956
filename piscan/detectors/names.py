"""Name evidence: what a column's name and comment say it holds (``rules/names.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from piscan.catalog import catalog
from piscan.detectors.shapes import shape_of
from piscan.errors import ConfigError
from piscan.model import Column, ValueKind
from piscan.rules import load, rules_dir

STRONG_SCORE = 0.7
WEAK_SCORE = 0.4
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^0-9a-zA-Z\u00c0-\uffff]+")


@dataclass(frozen=True)
class Expectation:
    """The shape a name expects its values to have (a phone has digits, an age is at most 130)."""

    name: str
    pattern: re.Pattern[str]
    max: float | None = None
    allows: frozenset[str] = frozenset()  # machine-made shapes that fit all the same
    exclusive: bool = False  # fitting values are this entity's, not another's read from them
    # how many values it takes to refute the name (None: aggregate's default); a value that is
    # unambiguous, such as a well-known system account, refutes it alone
    min_values: int | None = None

    def fits(self, text: str) -> bool:
        """Whether one value (as text) could be what the name says."""
        value = text.strip()
        shape = shape_of(value)
        if shape and shape not in self.allows:
            return False
        if not self.pattern.fullmatch(value):
            return False
        if self.max is None:
            return True
        try:
            return abs(float(value.replace(",", "."))) <= self.max
        except ValueError:
            return True


@dataclass(frozen=True)
class NameRule:
    """One pattern over normalized names, and what a match means."""

    entity: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    strong: bool
    kinds: frozenset[ValueKind]
    expect: Expectation | None = None
    # a sibling column so named says the name means something else here (a `Company` beside
    # `FileVersion` is the publisher of a program, not a person's employer)
    unless_siblings: re.Pattern[str] | None = None


@dataclass(frozen=True)
class TableRule:
    """A generic column (``embedding``) whose table or siblings say what it holds (``faces``)."""

    entity: str
    table: re.Pattern[str]
    column: re.Pattern[str]
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class DomainRule:
    """Columns whose name means a record of a kind only in a table of that kind: ``g1`` and
    ``failures`` beside a student id are grades and school failures, ``route`` and
    ``curr_careunit`` beside a patient's admission are clinical facts."""

    entity: str
    table: re.Pattern[str]
    column: re.Pattern[str]
    unless: re.Pattern[str] | None
    kinds: frozenset[ValueKind]


@dataclass(frozen=True)
class NameHit:
    """An entity suggested by a column's name or comment (or its table's)."""

    entity: str
    strong: bool
    kinds: frozenset[ValueKind]
    expect: Expectation | None = None

    @property
    def score(self) -> float:
        """Confidence the name alone gives."""
        return STRONG_SCORE if self.strong else WEAK_SCORE


def normalize(name: str) -> str:
    """``customerEmail``, ``Customer-Email`` and ``CUSTOMER_EMAIL`` all become ``customer_email``."""
    spaced = _CAMEL.sub("_", name)
    return "_".join(t for t in _SPLIT.split(spaced.lower()) if t)


@cache
def _data() -> dict:
    return load(rules_dir() / "names.yaml", "names")


@cache
def expectations() -> dict[str, Expectation]:
    """The value shapes name rules may expect, by name."""
    path = rules_dir() / "names.yaml"
    out = {}
    for name, raw in _data().get("expectations", {}).items():
        try:
            pattern = re.compile(raw["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(str(path), f"expectations.{name}.pattern", f"invalid regex: {exc}") from None
        allows = frozenset(raw.get("allows", ()))
        out[name] = Expectation(
            name, pattern, raw.get("max"), allows, bool(raw.get("exclusive", False)), raw.get("min_values")
        )
    return out


@cache
def name_rules() -> tuple[NameRule, ...]:
    """Compile the bundled name rules, checking entity ids, expectations and regexes."""
    path = rules_dir() / "names.yaml"
    known = catalog()
    shapes = expectations()
    rules = []
    for i, raw in enumerate(_data()["rules"]):
        _check_entity(path, f"rules.{i}.entity", raw["entity"], known)
        if "expect" in raw and raw["expect"] not in shapes:
            raise ConfigError(str(path), f"rules.{i}.expect", f"unknown expectation {raw['expect']!r}")
        kinds = frozenset(ValueKind(k) for k in raw.get("kinds", [k.value for k in ValueKind]))
        rules.append(
            NameRule(
                entity=raw["entity"],
                pattern=_compile(path, f"rules.{i}.pattern", raw["pattern"]),
                unless=_compile(path, f"rules.{i}.unless", raw["unless"]) if "unless" in raw else None,
                strong=raw.get("strength", "strong") == "strong",
                kinds=kinds,
                expect=shapes.get(raw.get("expect", "")),
                unless_siblings=_compile(path, f"rules.{i}.unless_siblings", raw["unless_siblings"])
                if "unless_siblings" in raw
                else None,
            )
        )
    return tuple(rules)


@cache
def table_rules() -> tuple[TableRule, ...]:
    """Compile the rules that read a generic column through its table's words."""
    path = rules_dir() / "names.yaml"
    known = catalog()
    rules = []
    for i, raw in enumerate(_data().get("table_rules", [])):
        rules.append(TableRule(**_table_rule_fields(path, f"table_rules.{i}", raw, known)))
    return tuple(rules)


def _table_rule_fields(path: Path, key: str, raw: dict, known: dict) -> dict[str, Any]:
    """The entity and compiled patterns every rule read through its table has (checked)."""
    _check_entity(path, f"{key}.entity", raw["entity"], known)
    unless = raw.get("unless")
    return {
        "entity": raw["entity"],
        "table": _compile(path, f"{key}.table", raw["table"]),
        "column": _compile(path, f"{key}.column", raw["column"]),
        "unless": _compile(path, f"{key}.unless", unless) if unless else None,
    }


@cache
def domain_rules() -> tuple[DomainRule, ...]:
    """Compile the rules that read a column's name through its table's kind (students, patients)."""
    path = rules_dir() / "names.yaml"
    known = catalog()
    rules = []
    for i, raw in enumerate(_data().get("domain_rules", [])):
        rules.append(
            DomainRule(
                **_table_rule_fields(path, f"domain_rules.{i}", raw, known),
                kinds=frozenset(ValueKind(k) for k in raw.get("kinds", [k.value for k in ValueKind])),
            )
        )
    return tuple(rules)


@cache
def people_pattern() -> re.Pattern[str] | None:
    """Words in a table's or column's name that say the table holds people."""
    raw = _data().get("people")
    return _compile(rules_dir() / "names.yaml", "people", raw) if raw else None


@cache
def _catalogue() -> re.Pattern[str] | None:
    raw = _data().get("catalogue")
    return _compile(rules_dir() / "names.yaml", "catalogue", raw) if raw else None


@cache
def _measures() -> re.Pattern[str] | None:
    raw = _data().get("measures")
    if not raw:
        return None
    _compile(rules_dir() / "names.yaml", "measures", raw)  # checks the regex, naming the key
    return re.compile(rf"(?:^|_)(?:{raw})$")


def is_measure(column: str) -> bool:
    """Whether a column's name ends in a count, size or duration: it holds numbers about a thing."""
    pattern = _measures()
    return bool(pattern and pattern.search(normalize(column)))


def is_catalogue(column: str) -> bool:
    """Whether a column's name says it holds catalogue text (titles, product names, genres)."""
    pattern = _catalogue()
    return bool(pattern and pattern.search(normalize(column)))


def holds_people(table: str, columns: tuple[str, ...]) -> bool:
    """Whether a table's name or its columns' names say it holds people (customers, patient_id)."""
    pattern = people_pattern()
    if pattern is None:
        return False
    return any(pattern.search(normalize(name)) for name in (table, *columns) if name)


def _check_entity(path, key: str, entity: str, known: dict) -> None:
    if entity not in known:
        raise ConfigError(str(path), key, f"unknown entity {entity!r}")


def _compile(path, key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?:^|_)(?:{pattern})(?:_|$)")
    except re.error as exc:
        raise ConfigError(str(path), key, f"invalid regex: {exc}") from None


def name_hits(column: Column, table: str = "", siblings: tuple[str, ...] = ()) -> list[NameHit]:
    """Entities the column's name or comment point to, and those a generic column's table or
    sibling columns point to (``faces.embedding``); strong hits win over weak ones, and a
    domain rule (a student's ``g1``, a patient's ``route``) wins over every other name rule."""
    if is_measure(column.name):
        return []
    texts = [normalize(column.name)]
    if column.comment:
        texts.append(normalize(column.comment))
    hits: dict[str, NameHit] = {}
    words = [normalize(w) for w in siblings if w]
    for rule in name_rules():
        if not any(_matches(rule, t) for t in texts) or _sibling_veto(rule, words):
            continue
        known = hits.get(rule.entity)
        if known is None or (rule.strong and not known.strong):
            hits[rule.entity] = NameHit(rule.entity, rule.strong, rule.kinds, rule.expect)
        elif rule.strong == known.strong and rule.expect == known.expect:  # two rules, one meaning
            hits[rule.entity] = NameHit(rule.entity, rule.strong, known.kinds | rule.kinds, rule.expect)
    own = any(h.strong and h.entity in _TEMPLATES for h in hits.values())
    for entity in [] if own else _table_entities(texts[0], table, siblings):
        if entity not in hits or not hits[entity].strong:
            hits[entity] = NameHit(entity, True, frozenset({ValueKind.VECTOR, ValueKind.BINARY}))
    domain = {r.entity: NameHit(r.entity, True, r.kinds) for r in _domain_hits(texts[0], table, siblings)}
    # the table's kind says what a generic name means: a culture's `org_name` is an organism
    return list((domain or hits).values())


def _domain_hits(column: str, table: str, siblings: tuple[str, ...]) -> list[DomainRule]:
    """Domain rules whose column words name this column and whose table words name its table
    or one of its siblings (a ``subject_id`` beside ``route`` says the rows are patients')."""
    words = [normalize(w) for w in (table, *siblings) if w]
    return [
        r
        for r in domain_rules()
        if r.column.search(column)
        and not (r.unless and r.unless.search(column))
        and any(r.table.search(w) for w in words)
    ]


_TEMPLATES = ("FACE_TEMPLATE", "VOICEPRINT", "FINGERPRINT_TEMPLATE")  # a name of its own wins


def _table_entities(column: str, table: str, siblings: tuple[str, ...]) -> list[str]:
    """Biometric templates named by the table (``face_embeddings``) or, when they agree on one,
    by the sibling columns (``face_id``): a vector beside both a face and a finger column is
    no one's guess."""
    rules = [r for r in table_rules() if r.column.search(column)]
    by_table = [r.entity for r in rules if _says(r, normalize(table))] if table else []
    if by_table:
        return by_table
    words = [normalize(w) for w in siblings if w and normalize(w) != column]
    by_siblings = {r.entity for r in rules if any(_says(r, w) for w in words)}
    return list(by_siblings) if len(by_siblings) == 1 else []


def _says(rule: TableRule, words: str) -> bool:
    return bool(rule.table.search(words)) and not (rule.unless and rule.unless.search(words))


@dataclass(frozen=True)
class Veto:
    """Entities a location's name (with its table's or siblings' names) says its values cannot be."""

    entities: frozenset[str]
    pattern: re.Pattern[str]
    table: re.Pattern[str] | None
    siblings: re.Pattern[str] | None


@cache
def vetoes() -> tuple[Veto, ...]:
    """Compile the value vetoes of ``rules/names.yaml`` (checked entity ids and regexes)."""
    path = rules_dir() / "names.yaml"
    known = catalog()
    out = []
    for i, raw in enumerate(_data().get("vetoes", [])):
        for entity in raw["entities"]:
            _check_entity(path, f"vetoes.{i}.entities", entity, known)
        out.append(
            Veto(
                frozenset(raw["entities"]),
                _compile(path, f"vetoes.{i}.pattern", raw["pattern"]),
                _compile(path, f"vetoes.{i}.table", raw["table"]) if "table" in raw else None,
                re.compile(rf"(?:{raw['siblings']})") if "siblings" in raw else None,
            )
        )
    return tuple(out)


def value_vetoed(entity: str, column: str, table: str = "", siblings: tuple[str, ...] = ()) -> bool:
    """Whether values found as ``entity`` at ``column`` are a server's or a program's, by name."""
    text = normalize(column)
    for veto in vetoes():
        if entity not in veto.entities or not veto.pattern.search(text):
            continue
        if veto.table and not veto.table.fullmatch(normalize(table)):
            continue
        words = [normalize(w) for w in siblings if w and w != column]
        if veto.siblings and not any(veto.siblings.fullmatch(w) for w in words):
            continue
        return True
    return False


def _sibling_veto(rule: NameRule, siblings: list[str]) -> bool:
    return bool(rule.unless_siblings) and any(rule.unless_siblings.fullmatch(w) for w in siblings)


def vetoed_by_siblings(entity: str, column: str, siblings: tuple[str, ...]) -> bool:
    """Whether every name rule that gives ``column`` the entity is vetoed by a sibling's name:
    for fields found while reading (a log's keys), whose siblings are known only at the end."""
    text = normalize(column)
    words = [normalize(w) for w in siblings if w and w != column]
    rules = [r for r in name_rules() if r.entity == entity and _matches(r, text)]
    return bool(rules) and all(_sibling_veto(r, words) for r in rules)


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
