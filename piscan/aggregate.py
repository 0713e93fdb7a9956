"""Detections of one location -> findings: share, scores, evidence and a masked example."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from piscan.catalog import EntitySpec, catalog
from piscan.detectors.names import NameHit
from piscan.model import Coverage, Detection, Evidence, Finding, Location, ValueKind

NAME_BOOST = 0.1  # a name that agrees with the values raises confidence this much
_MAX_DISTINCT = 10_000
_EPS = 1e-9  # scores are summed as floats; 0.4 * n / n must still pass a 0.4 floor


@dataclass
class _EntityTally:
    matches: int = 0
    score_sum: float = 0.0
    recognizers: set[str] = field(default_factory=set)
    per_recognizer: dict[str, list[float]] = field(default_factory=dict)  # name -> [sum, count]
    example: str = ""
    distinct: set[str] = field(default_factory=set)  # digests of matched texts, capped


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

    def add(self, rows: int, values: int, weights: list[int], detections: Iterable[Detection]) -> None:
        """Count one batch: ``weights[i]`` is how many sampled rows held distinct value i."""
        self.rows += rows
        self.sampled += values
        best: dict[tuple[str, int], Detection] = {}
        for d in detections:
            key = (d.entity, d.value_index if d.value_index is not None else -1)
            if key not in best or d.score > best[key].score:
                best[key] = d
        for (entity, index), d in best.items():
            weight = weights[index] if 0 <= index < len(weights) else 1
            tally = self.entities.setdefault(entity, _EntityTally())
            tally.matches += weight
            tally.score_sum += d.score * weight
            tally.recognizers.add(d.recognizer)
            acc = tally.per_recognizer.setdefault(d.recognizer, [0.0, 0])
            acc[0] += d.score * weight
            acc[1] += weight
            if d.digest and len(tally.distinct) < _MAX_DISTINCT:
                tally.distinct.add(d.digest)
            if not tally.example and d.example:
                tally.example = d.example

    def findings(self) -> list[Finding]:
        """Entities with enough value evidence, or a strong name the values do not contradict."""
        specs = catalog()
        by_name = {h.entity: h for h in self.name_hits}
        out: list[Finding] = []
        for entity, tally in self.entities.items():
            spec = specs.get(entity)
            hit = by_name.get(entity)
            if spec is None or not self._enough(spec, tally, named=hit is not None):
                continue
            mean = tally.score_sum / tally.matches
            means = ((name, round(acc[0] / acc[1], 3)) for name, acc in tally.per_recognizer.items())
            scores = tuple(sorted(means))
            if hit:
                scores += (("name", hit.score),)
            out.append(
                self._finding(
                    entity,
                    tally.matches,
                    min(1.0, mean + NAME_BOOST) if hit else mean,
                    Evidence.BOTH if hit else Evidence.VALUE,
                    scores,
                    tally.example,
                )
            )
        reported = {f.entity for f in out}
        for hit in self.name_hits:
            if hit.entity in reported or not hit.strong or not self._kind_fits(hit):
                continue
            out.append(self._finding(hit.entity, 0, hit.score, Evidence.NAME, (("name", hit.score),), ""))
        return sorted(out, key=lambda f: f.entity)

    def coverage(self, findings: list[Finding]) -> Coverage:
        """What was looked at here, for bounds on what a clean sample can miss."""
        return Coverage(self.location, self.rows, self.sampled, tuple(f.entity for f in findings))

    def _enough(self, spec: EntitySpec, tally: _EntityTally, named: bool) -> bool:
        if not self.sampled or tally.matches < min(spec.min_matches, self.sampled):
            return False
        diverse = len(tally.distinct) >= spec.min_distinct * min(tally.matches, _MAX_DISTINCT)
        if not named and spec.min_distinct and tally.distinct and not diverse:
            return False
        share = tally.matches / self.sampled
        mean = tally.score_sum / tally.matches
        return share >= spec.min_share - _EPS and mean >= spec.min_score - _EPS

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
