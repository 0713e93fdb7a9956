"""Run piscan over the corpus (the real Scanner on an SQLite file) and score what it reports."""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.quality.cases import Field
from benchmarks.quality.corpus import Corpus, build_corpus, write_sqlite
from benchmarks.quality.metrics import Tally
from piscan.catalog import catalog
from piscan.model import Finding
from piscan.policy import Policy, load_policy

POLICIES = ("xwms", "westmonth")
OUTSIDE = "(outside)"  # the pseudo-category of entities a policy places in none of its categories


@dataclass
class Results:
    """Every figure the harness reports."""

    entities: Tally
    categories: dict[str, Tally]  # policy id -> per-category tally
    undeclared: dict[str, Tally]  # policy id -> one "undeclared" key: was the column flagged?
    fields: Tally
    negative_findings: list[Finding]
    findings: dict[str, list[Finding]]  # table.column -> findings
    columns: int = 0
    values: int = 0
    seconds: float = 0.0  # wall clock
    cpu_seconds: float = 0.0  # this process's CPU time: steadier than wall clock on a busy machine
    detail: dict[str, str] = field(default_factory=dict)  # table.column -> why the case is hard


def category_of(policy: Policy, entity: str) -> str:
    """The category id a policy gives an entity, or the outside pseudo-category."""
    category = policy.category_of(entity)
    return category.id if category else OUTSIDE


def undeclared_categories(policy: Policy, entities: set[str]) -> set[str]:
    """The undeclared categories (outside included) that a set of entities falls in."""
    out = set()
    for entity in entities:
        category = policy.category_of(entity)
        if category is None or not category.declared:
            out.add(category.id if category else OUTSIDE)
    return out


def run(seed: int | None = None, workdir: Path | None = None) -> Results:
    """Build the corpus, scan it and score it; ``workdir`` keeps the SQLite file for inspection."""
    started, cpu = time.perf_counter(), time.process_time()
    corpus = build_corpus() if seed is None else build_corpus(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = (workdir or Path(tmp)) / "quality.sqlite"
        write_sqlite(corpus, path)
        findings = scan(path)
    results = score(corpus, findings)
    results.fields = score_fields(corpus.fields)
    results.seconds = time.perf_counter() - started
    results.cpu_seconds = time.process_time() - cpu
    return results


def scan(path: Path) -> dict[str, list[Finding]]:
    """Findings of a default scan of the SQLite file, keyed by table.column."""
    from piscan.scan import ScanConfig, Scanner
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    # one process (no --jobs workers), so this process's CPU time is all of the scan's
    config = ScanConfig(
        targets=(str(path),),
        policies=tuple(load_policy(p) for p in POLICIES),
        sql=SqlOptions(),
        files=FileOptions(jobs=1),
    )
    result = Scanner(config).run()
    if result.skipped:
        raise RuntimeError(f"the scan skipped part of the corpus: {result.skipped}")
    out: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        # a JSON field path (``doc#customer.email``) is evidence about its column, as labels are
        out[".".join(finding.location.parts[-2:]).split("#", 1)[0]].append(finding)
    return out


def score(corpus: Corpus, findings: dict[str, list[Finding]]) -> Results:
    """Column-level figures per entity, per category of each policy, and for undeclared categories."""
    policies = {p: load_policy(p) for p in POLICIES}
    entities = Tally()
    categories = {p: Tally() for p in POLICIES}
    undeclared = {p: Tally() for p in POLICIES}
    negatives: list[Finding] = []
    results = Results(entities, categories, undeclared, Tally(), negatives, dict(findings))
    for table in corpus.tables:
        for column in table.columns:
            where = f"{table.name}.{column.name}"
            found_here = findings.get(where, [])
            found = {f.entity for f in found_here}
            results.columns += 1
            results.values += sum(v is not None for v in column.values)
            if column.why:
                results.detail[where] = column.why
            if table.group == "negative":
                negatives.extend(found_here)
            entities.score(where, column.expected, column.also, found)
            for pid, policy in policies.items():
                cats = {category_of(policy, e) for e in column.expected}
                allowed = {category_of(policy, e) for e in column.also}
                categories[pid].score(where, cats, allowed, {category_of(policy, e) for e in found})
                flagged = undeclared_categories(policy, found)
                labeled = undeclared_categories(policy, set(column.expected))
                undeclared[pid].score(
                    where, labeled, undeclared_categories(policy, set(column.also)), flagged
                )
    entities.ensure(catalog())
    for pid, policy in policies.items():
        categories[pid].ensure([c.id for c in policy.categories] + ([OUTSIDE] if policy.outside else []))
    return results


def score_fields(fields: dict[str, list[Field]]) -> Tally:
    """Field-level figures: is each entity embedded in a text value found in that very value?"""
    from piscan.detectors.names import context_words
    from piscan.detectors.presidio import PresidioDetector, build_engine
    from piscan.model import Column, Location, Record, ValueKind

    detector = PresidioDetector(build_engine())
    specs = catalog()
    tally = Tally()
    for where, values in fields.items():
        column = Column(where.split(".")[-1], "TEXT", ValueKind.TEXT)
        record = Record(Location("quality", tuple(where.split("."))), column, tuple(v.text for v in values))
        found: dict[int, set[str]] = defaultdict(set)
        for d in detector.detect(record, context_words(column)):
            spec = specs.get(d.entity)
            if spec and d.value_index is not None and d.score >= spec.min_score - 1e-9:
                found[d.value_index].add(d.entity)
        for i, value in enumerate(values):
            tally.score(f"{where}[{i}]", value.expected, value.also, found[i])
    return tally
