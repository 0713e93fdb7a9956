"""Full scans pattern-check every value for the sparse entities, also where thinning looks away.

A settled column is examined on a thinning sample (piscan.settle), which is enough for its
verdict but blind to a rare leak: one e-mail address in a million notes. So every value thinning
skips goes through the sweep: the prefilter (one RE2 pass over an Arrow array, no Python per
value) finds the values that could hold a sparse entity (``sparse: true`` in rules/entities.yaml:
e-mail, card, IBAN, SSN ...), their recognizers' own patterns and validators (Luhn, mod 97,
domains) run on those hits only, and Presidio's full analysis only on what survives. An entity
the sample already reports is not swept for (its share comes from the sample). NER is never run
here: names and places are judged on the sample alone.

In a full scan (thinned or ``--exhaustive``), a sparse entity found in any value is reported,
whatever its share, unless the column is made of digests (their digits are not cards).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from piscan.aggregate import ColumnTally
from piscan.catalog import catalog
from piscan.detectors.prefilter import Prefilter, build
from piscan.detectors.presidio import ALIASES
from piscan.model import Evidence, Finding

SWEEP_BATCH = 20_000  # values gathered before one prefilter pass (Arrow's fixed cost per call)


@dataclass
class Leak:
    """A sparse entity's matches among the swept values."""

    matches: int = 0
    score_sum: float = 0.0
    recognizers: set[str] = field(default_factory=set)
    example: str = ""
    first: int | None = None  # files: the first line of a match, where the lines are known

    def merge(self, other: Leak) -> Leak:
        """These matches followed by a later unit's: sums, the union, the first example and line."""
        return Leak(
            self.matches + other.matches,
            self.score_sum + other.score_sum,
            self.recognizers | other.recognizers,
            self.example or other.example,
            self.first if self.first is not None else other.first,
        )


@dataclass
class Sweep:
    """One column's swept values: what thinning skipped, checked in batches of ``SWEEP_BATCH``."""

    max_chars: int
    pending: list[str] = field(default_factory=list)
    checked: int = 0  # non-null text values swept
    touched: int = 0  # of those, values the prefilter touched
    unchecked: int = 0  # of those, values not checked: a column of digests
    leaks: dict[str, Leak] = field(default_factory=dict)
    lines: list[int | None] = field(default_factory=list)  # files: the line of each pending value

    def feed(self, values: Sequence[object], lines: Sequence[int | None] | None = None) -> bool:
        """Queue skipped values (with their lines, for a file); True when a batch is due."""
        texts = [v[: self.max_chars] for v in values if isinstance(v, str)]
        if lines is not None and len(texts) == len(values):  # a file's values are all text
            self.lines.extend(lines)
        elif lines is not None:
            self.lines.extend(n for v, n in zip(values, lines, strict=True) if isinstance(v, str))
        self.pending.extend(texts)
        return len(self.pending) >= SWEEP_BATCH

    def merge(self, other: Sweep) -> Sweep:
        """This location's sweep followed by a later unit's (a key range of the same table):
        counts add, leaks merge entity by entity, examples keep unit order. Associative, so a
        table split into ranges, on workers or on Spark, reports the sparse values of one read."""
        leaks = {e: leak.merge(Leak()) for e, leak in self.leaks.items()}
        for entity, leak in other.leaks.items():
            leaks[entity] = leaks[entity].merge(leak) if entity in leaks else leak.merge(Leak())
        return Sweep(
            self.max_chars,
            self.pending + other.pending,
            self.checked + other.checked,
            self.touched + other.touched,
            self.unchecked + other.unchecked,
            leaks,
            self.lines + other.lines,
        )

    def run(self, checker: SparseChecker, tally: ColumnTally) -> None:
        """Check the queued values for the sparse entities the column does not report yet."""
        values, self.pending = self.pending, []
        lines, self.lines = self.lines, []
        self.checked += len(values)
        if values and tally.machine_made():
            self.unchecked += len(values)
            return
        wanted = checker.sparse - {f.entity for f in tally.findings()}
        if not values or not wanted:  # every sparse entity is a finding already
            return
        distinct = Counter(values)  # first-seen order, counted in C
        texts = list(distinct)
        hits = checker.prefilter(frozenset(wanted)).touched(texts)
        firsts = _first_lines(values, lines, {texts[i] for i in hits}) if lines and hits else {}
        self.touched += sum(distinct[texts[i]] for i in hits)
        for i in hits:
            for entity, score, recognizer, example in checker.check(texts[i], wanted, tally.context):
                leak = self.leaks.setdefault(entity, Leak())
                leak.matches += distinct[texts[i]]
                leak.score_sum += score * distinct[texts[i]]
                leak.recognizers.add(recognizer)
                leak.example = leak.example or example
                line = firsts.get(texts[i])
                if line is not None and (leak.first is None or line < leak.first):
                    leak.first = line


class SparseChecker:
    """The sparse entities' recognizers and prefilters, built once per process."""

    def __init__(self, presidio: Any) -> None:
        self.presidio = presidio
        self.specs = catalog()
        self.sparse = frozenset(e for e, s in self.specs.items() if s.sparse)
        self.gates = [g for g in presidio.analyzer.gates if not g.ner and _entities(g) & self.sparse]
        self._filters: dict[frozenset[str], Prefilter] = {}

    def prefilter(self, entities: frozenset[str]) -> Prefilter:
        """One combined RE2 pattern over the recognizers of ``entities``."""
        if entities not in self._filters:
            self._filters[entities] = build(g for g in self.gates if _entities(g) & entities)
        return self._filters[entities]

    def uncovered(self) -> tuple[str, ...]:
        """Sparse recognizers the prefilter cannot take (so the sweep does not check them)."""
        return self.prefilter(self.sparse).uncovered

    def check(
        self, text: str, entities: frozenset[str] | set[str], context: tuple[str, ...]
    ) -> list[tuple[str, float, str, str]]:
        """(entity, score, recognizer, masked example) of a value the prefilter touched: its
        recognizers' patterns and validators first, Presidio's analysis only if one survives."""
        plan = [g for g in self.gates if _entities(g) & entities and self._validated(g, text)]
        if not plan:
            return []
        p = self.presidio
        artifacts = p._lowered(p._nlp.make_doc(text), [], [])
        results = p.analyzer.analyze(text, plan, artifacts, list(context))
        out = []
        for d in p._best(0, text, results, p._lift):
            spec = self.specs.get(d.entity)
            if d.entity in entities and spec and d.score >= spec.min_score:
                out.append((d.entity, d.score, d.recognizer, d.example))
        return out

    @staticmethod
    def _validated(gate: Any, text: str) -> bool:
        recognizer = gate.recognizer
        for pattern in gate.regexes:
            for match in pattern.finditer(text):
                found = match.group()
                if recognizer.validate_result(found) is not False and not recognizer.invalidate_result(found):
                    return True
        return False


def _first_lines(values: list[str], lines: list[int | None], wanted: set[str]) -> dict[str, int]:
    """The first known line of each of the ``wanted`` values (those the prefilter touched)."""
    out: dict[str, int] = {}
    for value, line in zip(values, lines, strict=True):
        if line is not None and value in wanted and value not in out:
            out[value] = line
    return out


def _entities(gate: Any) -> set[str]:
    return {ALIASES.get(e, e) for e in gate.recognizer.supported_entities}


def sparse_findings(tally: ColumnTally, sweep: Sweep | None, reported: set[str]) -> list[Finding]:
    """A full scan's findings of sparse entities found below their share bar: in the examined
    sample (confident matches) or in the sweep; none in a column of digests."""
    if tally.machine_made():
        return []
    out = []
    swept = sweep.checked if sweep else 0
    for entity, spec in catalog().items():
        if not spec.sparse or entity in reported:
            continue
        sample = tally.entities.get(entity)
        leak = sweep.leaks.get(entity) if sweep else None
        confident = sample.confident if sample else 0
        matches = confident + (leak.matches if leak else 0)
        if matches < spec.min_matches or matches <= 0:
            continue
        score_sum = (leak.score_sum if leak else 0.0) + (
            sample.score_sum * confident / sample.matches if sample and sample.matches else 0.0
        )
        recognizers = set(leak.recognizers if leak else ())
        if confident and sample:
            recognizers |= sample.recognizers
        example = (sample.example if confident and sample else "") or (leak.example if leak else "")
        mean = round(score_sum / matches, 3)
        out.append(
            Finding(
                location=tally.location,
                entity=entity,
                matches=matches,
                sampled=tally.sampled + swept,
                rows=tally.rows,
                confidence=round(mean, 2),
                evidence=Evidence.VALUE,
                recognizers=tuple(sorted(recognizers)),
                example=example,
                scores=tuple((r, mean) for r in sorted(recognizers)),
                context=tally.context,
            )
        )
    return out


_CHECKERS: dict[int, SparseChecker] = {}


def checker_for(presidio: Any) -> SparseChecker:
    """The process's checker over a PresidioDetector's engine (built on first use: a scan
    without a full scan never builds it). Keyed by the engine, which ``build_engine`` keeps once
    per process: a forked worker's detector finds the checker its parent built before forking."""
    key = id(getattr(presidio, "engine", presidio))
    if key not in _CHECKERS:
        _CHECKERS[key] = SparseChecker(presidio)
    return _CHECKERS[key]


def attach(thinning: Any, max_chars: int, presidio: Any = None) -> Sweep | None:
    """A sweep for a thinned column (none with ``--exhaustive``: every value is examined).

    With ``presidio``, the process's checker and its prefilter are built now, not at the first
    batch due: Arrow, RE2 and the compiled patterns (about 70 MB) are then part of the scan's
    start, so memory stays flat over the read instead of stepping up a fifth of the way in."""
    if thinning is None or thinning.exhaustive or thinning.early:
        return None
    thinning.skipped = []
    if presidio is not None:
        checker = checker_for(presidio)
        checker.prefilter(checker.sparse)
    return Sweep(max_chars)


def step(
    presidio: Any, sweep: Sweep, thinning: Any, tally: ColumnTally, final: bool = False, paired: bool = False
) -> None:
    """Move what thinning skipped into the sweep; check it when a batch is due (or at the end).
    ``paired``: thinning skipped (value, line) pairs, a file's values that know their line."""
    if paired:
        values, lines = zip(*thinning.skipped, strict=True) if thinning.skipped else ((), ())
        due = sweep.feed(values, lines)
    else:
        due = sweep.feed(thinning.skipped)
    thinning.skipped.clear()
    if due or (final and sweep.pending):
        sweep.run(checker_for(presidio), tally)


def note(tally: ColumnTally, sweep: Sweep | None) -> str | None:
    """What the sweep did, appended to the thinning note."""
    if sweep is None or not sweep.checked:
        return None
    if sweep.unchecked == sweep.checked and tally.machine_made():
        return "the other values were not pattern-checked: digests"
    names = ", ".join(sorted(e for e, s in catalog().items() if s.sparse))
    return (
        f"the other {sweep.checked:,} were pattern-checked for {names} ({sweep.touched:,} touched by "
        "the prefilter, validated one by one); names, places and other entities judged on those examined"
    )
