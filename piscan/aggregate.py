"""Detections of one location -> findings: share, scores, evidence and a masked example."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from piscan.catalog import EntitySpec, catalog
from piscan.detectors.names import NameHit, holds_people, is_catalogue, is_measure, value_vetoed
from piscan.detectors.presidio import NER_RECOGNIZER
from piscan.detectors.shapes import FILLED, MISFIT, NOT_PERSONAL, PROSE, misfit
from piscan.model import Coverage, Detection, Evidence, Finding, Location, ValueKind
from piscan.settle import decided

NAME_BOOST = 0.1  # a name that agrees with the values raises confidence this much
# A strong name stands on its own unless the values clearly are something else: at least this
# many sampled values, this share of them machine-made (UUIDs, digests, versions, timestamps,
# memory addresses) or, for a name that expects a shape (rules/names.yaml `expect`), of another
# shape, and not enough of them confirming the name's entity. A contradicted name is no evidence.
CONTRADICTION_MIN_VALUES = 10
CONTRADICTION_SHARE = 0.8
PROSE_SHARE = 0.5  # columns with this share of sentences or documents are judged as prose
_MAX_DISTINCT = 10_000
_EPS = 1e-9  # scores are summed as floats; 0.4 * n / n must still pass a 0.4 floor
SETTLE_MATCHES = 100  # matches before a mean score or a distinct ratio counts as settled
SCORE_MARGIN = 0.05  # a mean score this far below min_score will not climb back
# shapes and the shares that make them count: a column judged as prose, a name contradicted
_SHAPE_BARS = ((PROSE, PROSE_SHARE), (NOT_PERSONAL, CONTRADICTION_SHARE))


def _lowest_bar() -> float:
    """The smallest share that can make any entity a finding."""
    return min(min(s.min_share, s.text_share) for s in catalog().values())


@dataclass
class _EntityTally:
    matches: int = 0
    confident: int = 0  # matches scoring at least the entity's min_score
    score_sum: float = 0.0
    # matches that count only because of the column's name: their score reaches min_score only
    # through context words, or the value has the shape another entity's strong name expects
    # (a dotted phone number in a `phone` column reads as an IPv4 address)
    doubtful: int = 0
    doubtful_sum: float = 0.0
    recognizers: set[str] = field(default_factory=set)
    per_recognizer: dict[str, list[float]] = field(default_factory=dict)  # name -> [sum, count]
    example: str = ""
    distinct: set[str] = field(default_factory=set)  # digests of matched texts, capped
    paired: int = 0  # prose values where this is one half of a contact record (EntitySpec.contact_of)


def _copied(tally: _EntityTally | None) -> _EntityTally:
    assert tally is not None
    return _merged(tally, _EntityTally())


def _merged(a: _EntityTally, b: _EntityTally) -> _EntityTally:
    """Two units' counts of one entity at one location (``a`` read first)."""
    per = {name: [acc[0], acc[1]] for name, acc in a.per_recognizer.items()}
    for name, acc in b.per_recognizer.items():
        mine = per.setdefault(name, [0.0, 0])
        mine[0] += acc[0]
        mine[1] += acc[1]
    distinct = set(a.distinct)
    for digest in b.distinct:
        if len(distinct) >= _MAX_DISTINCT:
            break
        distinct.add(digest)
    return _EntityTally(
        matches=a.matches + b.matches,
        confident=a.confident + b.confident,
        score_sum=a.score_sum + b.score_sum,
        doubtful=a.doubtful + b.doubtful,
        doubtful_sum=a.doubtful_sum + b.doubtful_sum,
        recognizers=a.recognizers | b.recognizers,
        per_recognizer=per,
        example=a.example or b.example,
        distinct=distinct,
        paired=a.paired + b.paired,
    )


@dataclass
class ColumnTally:
    """Running counts for one location across sampled batches (bounded: no values kept)."""

    location: Location
    name_hits: tuple[NameHit, ...]
    rows: int = 0
    sampled: int = 0
    kinds: set[ValueKind] = field(default_factory=set)
    entities: dict[str, _EntityTally] = field(default_factory=dict)
    context: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # tables the location's table points to by foreign key

    def add(self, rows: int, values: int, weights: list[int], detections: Iterable[Detection]) -> None:
        """Count one batch: ``weights[i]`` is how many sampled rows held distinct value i."""
        self.rows += rows
        self.sampled += values
        best: dict[tuple[str, int], Detection] = {}
        for d in detections:
            key = (d.entity, d.value_index if d.value_index is not None else -1)
            if key not in best or d.score > best[key].score:
                best[key] = d
        specs = catalog()
        misfits = {(e, i) for e, i in best if e.startswith(MISFIT)}
        shaped = [h.entity for h in self.name_hits if h.strong and h.expect and h.expect.exclusive]
        paired = _contact_pairs(best, specs)
        for (entity, index), d in best.items():
            weight = weights[index] if 0 <= index < len(weights) else 1
            tally = self.entities.setdefault(entity, _EntityTally())
            tally.matches += weight
            spec = specs.get(entity)
            if spec and d.score >= spec.min_score - _EPS:
                tally.confident += weight
            lifted = bool(spec and d.lift and d.score - d.lift < spec.min_score - _EPS)
            fits_other = any(e != entity and (misfit(e), index) not in misfits for e in shaped)
            if spec and (lifted or fits_other):
                tally.doubtful += weight
                tally.doubtful_sum += d.score * weight
            tally.score_sum += d.score * weight
            tally.recognizers.add(d.recognizer)
            acc = tally.per_recognizer.setdefault(d.recognizer, [0.0, 0])
            acc[0] += d.score * weight
            acc[1] += weight
            if d.digest and len(tally.distinct) < _MAX_DISTINCT:
                tally.distinct.add(d.digest)
            if not tally.example and d.example:
                tally.example = d.example
            if (entity, index) in paired and (PROSE, index) in best:
                tally.paired += weight

    def merge(self, other: ColumnTally) -> ColumnTally:
        """This location's counts and ``other``'s (the same location, read by a later unit of
        work) in one tally: sums of counts and scores, the union of the capped digest sets, the
        first example in unit order. Associative, so how a scan was split does not matter."""
        out = ColumnTally(
            self.location,
            self.name_hits,
            self.rows + other.rows,
            self.sampled + other.sampled,
            self.kinds | other.kinds,
            context=self.context,
            references=self.references,
        )
        for entity in {**self.entities, **other.entities}:
            mine, theirs = self.entities.get(entity), other.entities.get(entity)
            out.entities[entity] = _merged(mine, theirs) if mine and theirs else _copied(mine or theirs)
        return out

    def findings(self) -> list[Finding]:
        """Entities with enough value evidence, or a strong name the values do not contradict."""
        specs = catalog()
        hits = self._standing()
        by_name = {h.entity: h for h in hits}
        prose = self._share(PROSE) >= PROSE_SHARE
        passed = {
            entity: tally
            for entity, tally in self.entities.items()
            if entity in specs and self._enough(specs[entity], tally, by_name.get(entity), prose)
        }
        strong = {h.entity for h in hits if h.strong and self._kind_fits(h)}
        named = {e for e in passed if e in by_name} | strong
        out = [
            self._value_finding(entity, tally, by_name.get(entity))
            for entity, tally in passed.items()
            if not self._overruled(specs[entity], entity, by_name, named)
        ]
        if is_measure(self.location.parts[-1] if self.location.parts else ""):
            out = [f for f in out if f.evidence != Evidence.VALUE]  # a byte count is no phone number
        if self.machine_made():  # the digits in a hash are not a card, whatever the sample size
            out = [f for f in out if not (specs[f.entity].sparse and f.evidence == Evidence.VALUE)]
        reported = {f.entity for f in out}
        for hit in hits:
            if hit.entity in reported or not hit.strong or not self._kind_fits(hit):
                continue
            if self._contradicted(hit):
                continue
            out.append(self._finding(hit.entity, 0, hit.score, Evidence.NAME, (("name", hit.score),), ""))
        return sorted(out, key=lambda f: f.entity)

    def machine_made(self) -> bool:
        """A column of machine-made values (digests, UUIDs), where a digit run is no identifier."""
        return bool(self.sampled) and self._share(NOT_PERSONAL) >= CONTRADICTION_SHARE

    def _standing(self) -> list[NameHit]:
        """Name hits the values do not refute: a name that expects a shape is evidence only
        while the values are absent, NULL or of that shape."""
        return [h for h in self.name_hits if not self._refuted(h)]

    def _refuted(self, hit: NameHit) -> bool:
        """Enough non-blank values, and nearly all of another shape than the name expects."""
        filled = self._count(FILLED)
        if hit.expect is None or filled < (hit.expect.min_values or CONTRADICTION_MIN_VALUES):
            return False
        return self._count(misfit(hit.entity)) >= (CONTRADICTION_SHARE - _EPS) * filled

    def settled(self) -> bool:
        """Whether more values could hardly change this column's findings: every entity seen has
        a share clearly above the share that reports it, or clearly below every share that
        could, and so do the shapes; an entity never seen is clearly below the lowest bar."""
        n = self.sampled
        specs = catalog()
        if not decided(0, n, _lowest_bar()):
            return False
        if not all(decided(self._count(s), n, bar) for s, bar in _SHAPE_BARS):
            return False
        misfits = (misfit(h.entity) for h in self.name_hits if h.expect)
        filled = self._count(FILLED)
        if filled and not all(decided(self._count(s), filled, CONTRADICTION_SHARE) for s in misfits):
            return False
        prose = self._share(PROSE) >= PROSE_SHARE
        by_name = {h.entity: h for h in self._standing()}
        for entity, tally in self.entities.items():
            spec = specs.get(entity)
            if spec is not None and not self._entity_settled(spec, tally, by_name.get(entity), prose):
                return False
        return True

    def _entity_settled(
        self, spec: EntitySpec, tally: _EntityTally, hit: NameHit | None, prose: bool
    ) -> bool:
        """Reported with a share clearly above its bar, or held back for a reason more values
        will not change: a share clearly below every bar, scores clearly too low, or many
        matches of too few distinct texts."""
        n = self.sampled
        if self._enough(spec, tally, hit, prose):
            if prose and tally.paired:
                return True  # more values add contact records, never take one away
            if decided(tally.matches, n, spec.min_share) and tally.matches / n >= spec.min_share:
                return True
            share = tally.confident / n
            return prose and share >= spec.text_share and decided(tally.confident, n, spec.text_share)
        bars = (spec.min_share, spec.text_share) if prose else (spec.min_share,)
        # what `_enough` counts: without a name for it, matches only context words lifted never do
        counted = tally.matches - (tally.doubtful if hit is None and not prose else 0)
        if all(decided(counted, n, bar) and counted / n < bar for bar in bars):
            return True
        stable = tally.matches >= SETTLE_MATCHES
        low_scores = tally.score_sum / tally.matches < spec.min_score - SCORE_MARGIN
        few_confident = not prose or (
            decided(tally.confident, n, spec.text_share) and tally.confident / n < spec.text_share
        )
        if stable and low_scores and few_confident:
            return True
        repeated = spec.min_distinct and len(tally.distinct) < 0.8 * spec.min_distinct * min(
            tally.matches, _MAX_DISTINCT
        )
        return bool(stable and repeated and tally.per_recognizer.get(NER_RECOGNIZER))

    def _count(self, shape: str) -> int:
        tally = self.entities.get(shape)
        return tally.matches if tally else 0

    def _value_finding(self, entity: str, tally: _EntityTally, hit: NameHit | None) -> Finding:
        mean = tally.score_sum / tally.matches
        means = ((name, round(acc[0] / acc[1], 3)) for name, acc in tally.per_recognizer.items())
        scores = tuple(sorted(means))
        if hit:
            scores += (("name", hit.score),)
        confidence = min(1.0, mean + NAME_BOOST) if hit else mean
        evidence = Evidence.BOTH if hit else Evidence.VALUE
        return self._finding(entity, tally.matches, confidence, evidence, scores, tally.example)

    def coverage(self, findings: list[Finding]) -> Coverage:
        """What was looked at here, for bounds on what a clean sample can miss."""
        return Coverage(self.location, self.rows, self.sampled, tuple(f.entity for f in findings))

    def _enough(self, spec: EntitySpec, tally: _EntityTally, hit: NameHit | None, prose: bool) -> bool:
        matches, score_sum = tally.matches, tally.score_sum
        if hit is None and not prose:
            # Context words lifted these scores, or the values have the shape the name gives
            # another entity, and no name rule says the column holds this one: a number in an
            # ``amount`` column or a digest in ``tx_hash`` is only a shape.
            matches, score_sum = matches - tally.doubtful, score_sum - tally.doubtful_sum
        if prose and tally.paired:
            return True  # a name and a way to reach them in one note: a contact record
        if not self.sampled or matches <= 0 or matches < min(spec.min_matches, self.sampled):
            return False
        if not (hit and hit.strong) and not self._diverse(spec, tally):
            return False
        share = matches / self.sampled
        mean = score_sum / matches
        if share >= spec.min_share - _EPS and mean >= spec.min_score - _EPS:
            return True
        # In prose an entity mentioned in a few rows counts, if those mentions are confident.
        confident = tally.confident >= min(spec.min_matches, self.sampled)
        return prose and confident and tally.confident / self.sampled >= spec.text_share - _EPS

    @staticmethod
    def _diverse(spec: EntitySpec, tally: _EntityTally) -> bool:
        """NER matches must be varied: spaCy tagging the same few product names is noise. Pattern
        and list matches (a state name, a diagnosis) may repeat like any real column's values."""
        ner = tally.per_recognizer.get(NER_RECOGNIZER, (0.0, 0))[1]
        if not spec.min_distinct or not tally.distinct or ner * 2 <= tally.matches:
            return True
        return len(tally.distinct) >= spec.min_distinct * min(tally.matches, _MAX_DISTINCT)

    def _overruled(self, spec: EntitySpec, entity: str, by_name: dict[str, NameHit], named: set[str]) -> bool:
        """Fuzzy NER entities (those with ``min_distinct``) found in the values yield to a name
        saying something else (strong, or weak and confirmed): streets, companies and regions are
        full of person names; and to a name saying catalogue text: titles are named for people."""
        if entity in by_name or not spec.min_distinct:
            return False
        return bool(named - {entity}) or is_catalogue(self.location.parts[-1] if self.location.parts else "")

    def _contradicted(self, hit: NameHit) -> bool:
        """Enough values, and nearly all of them of another shape than the name expects or,
        when it expects none, machine-made: the name alone is not what they are."""
        if hit.expect is not None:
            return self._refuted(hit)
        return self.sampled >= CONTRADICTION_MIN_VALUES and self._share(NOT_PERSONAL) >= CONTRADICTION_SHARE

    def _share(self, shape: str) -> float:
        tally = self.entities.get(shape)
        return tally.matches / self.sampled if tally and self.sampled else 0.0

    def _kind_fits(self, hit: NameHit) -> bool:
        """A name rule holds for all-NULL columns and for values of the kinds it expects."""
        return not self.kinds or bool(self.kinds & hit.kinds)

    def _finding(
        self,
        entity: str,
        matches: int,
        confidence: float,
        evidence: Evidence,
        scores: tuple[tuple[str, float], ...],
        example: str,
    ) -> Finding:
        return Finding(
            location=self.location,
            entity=entity,
            matches=matches,
            sampled=self.sampled,
            rows=self.rows,
            confidence=round(confidence, 2),
            evidence=evidence,
            recognizers=tuple(name for name, _ in scores),
            example=example,
            scores=scores,
            context=self.context,
        )


def table_findings(tallies: Sequence[ColumnTally], table: str) -> tuple[list[list[Finding]], int]:
    """Each column's findings judged with its table, and how many were held back.

    A table holds people when a column identifies someone (an email, an id number, a name the
    column's own name confirms), when its or its columns' names say so (customers, patient_id,
    cast), or when a foreign key points to a table so named (a legislator's district office).
    Attributes that are personal only when they belong to a person
    (``needs_person``: a city, a language, a gender) are not reported in a table holding no
    people, such as a countries list, nor in a catalogue (titles, genres: a film's country is
    the film's); names spaCy alone finds in a table holding no people are not reported either
    (capitals and currencies read as people); in a catalogue, only columns named for people
    (cast, author) keep the names spaCy alone finds (a film's synopsis names its characters)."""
    specs = catalog()
    per_column = [t.findings() for t in tallies]
    columns = tuple(t.location.parts[-1] for t in tallies if t.location.parts)
    pairs = zip(tallies, per_column, strict=True)
    identified = any(_identifies(specs.get(f.entity), f, t) for t, fs in pairs for f in fs)
    # a table that points to a table of people by its name (an office of a legislator, an
    # address of a customer) holds their data; a table people point to (a countries list) does not
    linked = {t for tally in tallies for t in tally.references}
    named = holds_people(table, columns) or any(holds_people(t, ()) for t in linked)
    # a table of people with a `title` column (a job title) is no catalogue
    catalogue = not identified and any(is_catalogue(c) for c in columns)
    attributes_ok = identified or (named and not catalogue)
    names_ok = identified or named
    kept = [
        [
            f
            for f in fs
            if _kept(specs.get(f.entity), attributes_ok, names_ok)
            and not value_vetoed(f.entity, t.location.parts[-1] if t.location.parts else "", table, columns)
        ]
        for t, fs in zip(tallies, per_column, strict=True)
    ]
    if catalogue:  # a catalogue's texts name characters and subjects; its credits name people
        kept = [
            [f for f in fs if not _spacy_only(specs.get(f.entity), f) or holds_people("", (c,))]
            for c, fs in zip(columns, kept, strict=True)
        ]
    return kept, sum(len(a) - len(b) for a, b in zip(per_column, kept, strict=True))


def _contact_pairs(
    best: dict[tuple[str, int], Detection], specs: dict[str, EntitySpec]
) -> set[tuple[str, int]]:
    """(entity, value) of both halves of each contact record: one value holding an entity with
    ``contact_of`` and that entity, each confident without help from context words."""

    def confident(entity: str, index: int) -> bool:
        d, spec = best.get((entity, index)), specs.get(entity)
        return bool(d and spec and d.score - d.lift >= spec.min_score - _EPS)

    out: set[tuple[str, int]] = set()
    for entity, index in best:
        partner = specs[entity].contact_of if entity in specs else ""
        if partner and index >= 0 and confident(entity, index) and confident(partner, index):
            out.update({(entity, index), (partner, index)})
    return out


def _spacy_only(spec: EntitySpec | None, finding: Finding) -> bool:
    """A name, place or group that only spaCy saw in the values."""
    return bool(spec and spec.min_distinct and finding.evidence == Evidence.VALUE)


def _kept(spec: EntitySpec | None, attributes_ok: bool, names_ok: bool) -> bool:
    if spec is None:
        return True
    if spec.needs_person and not attributes_ok:
        return False
    return names_ok or not spec.min_distinct


def _identifies(spec: EntitySpec | None, finding: Finding, tally: ColumnTally) -> bool:
    """Whether a finding says its table holds people. A fuzzy NER entity (a name) does only
    when the column's own strong name agrees, with values or with none to judge: capitals,
    currencies and languages read as people often enough to make a lookup list look like one."""
    if spec is None or not spec.identifies:
        return False
    paired = tally.entities.get(finding.entity)
    if paired is not None and paired.paired:
        return True  # a name with a phone number or e-mail address beside it is someone's
    if not spec.min_distinct:
        return True
    strong = any(h.entity == finding.entity and h.strong for h in tally._standing())
    return strong and (finding.evidence == Evidence.BOTH or finding.sampled == 0)
