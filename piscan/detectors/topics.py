"""What a document is about: weighted term lexicons per topic (``rules/topics.yaml``).

A sick note names no diagnosis code and an offer letter no card number, yet one is health data
and the other employment information. The names and e-mail addresses inside them are found by
the value detectors; this module decides the document's own categories from its words. It
streams: a TopicTally counts term occurrences line by line and keeps no text, so a document
costs the same memory whatever its length. The thresholds are relative to the document's
length (points per 100 words), so a long technical text that mentions "health" or "salary"
once in passing is not about them. Method and measured figures: docs/FILES.md, "Topics".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from piscan.catalog import catalog
from piscan.errors import ConfigError
from piscan.model import Evidence, Finding, Location
from piscan.rules import load, rules_dir

RECOGNIZER = "topic:{}"
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Prose files, whose whole text is one location: plain text, PDF, DOCX, mail bodies. Parsed log
# fields, CSV columns and JSON keys are judged value by value, never as a document.
PROSE_FORMATS = frozenset({"text", "pdf", "docx", "mail"})


@dataclass(frozen=True)
class Topic:
    """One topic: the entity it stands for, its thresholds, and its term weights."""

    id: str
    entity: str
    min_score: float
    min_terms: int
    min_strong: int  # distinct terms of the highest weight
    density: float
    exact: dict[str, float]
    prefixes: tuple[tuple[str, float], ...]
    pattern: re.Pattern[str]

    def weight(self, term: str) -> float:
        """The weight of a matched (lower-cased) term."""
        if term in self.exact:
            return self.exact[term]
        return next((w for p, w in self.prefixes if term.startswith(p)), 0.0)


@dataclass(frozen=True)
class Lexicon:
    """Every topic, and how often one term may count."""

    cap: int
    strongest: float  # the highest weight: terms that hardly occur outside their topic
    topics: tuple[Topic, ...]


@cache
def lexicon() -> Lexicon:
    """The bundled topics, validated (entities must exist)."""
    path = rules_dir() / "topics.yaml"
    data = load(path, "topics")
    known = catalog()
    topics = []
    for tid, conf in data["topics"].items():
        if conf["entity"] not in known:
            raise ConfigError(str(path), f"topics.{tid}.entity", f"unknown entity {conf['entity']!r}")
        exact: dict[str, float] = {}
        prefixes: list[tuple[str, float]] = []
        for level, terms in conf["terms"].items():
            if level not in data["weights"]:
                raise ConfigError(str(path), f"topics.{tid}.terms.{level}", "no weight for this level")
            weight = float(data["weights"][level])
            for term in terms:
                if term.endswith("*"):
                    prefixes.append((term[:-1], weight))
                else:
                    exact[" ".join(term.split())] = weight
        prefixes.sort(key=lambda p: -len(p[0]))  # the longest prefix decides
        stems = {p for p, _ in prefixes}
        alternatives = sorted(exact, key=len, reverse=True) + sorted(stems, key=len, reverse=True)
        body = "|".join(
            _escape(t) + (r"[\w'’-]*" if t in stems else "") for t in alternatives
        )
        pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)
        topics.append(
            Topic(tid, conf["entity"], conf["min_score"], conf["min_terms"], conf.get("min_strong", 0),
                  conf["density"], exact, tuple(prefixes), pattern)
        )
    return Lexicon(data["cap"], max(data["weights"].values()), tuple(topics))


def _escape(term: str) -> str:
    """A term as a regex: any run of whitespace between words, either apostrophe."""
    return "".join(r"\s+" if c == " " else "['’]" if c == "'" else re.escape(c) for c in term)


def _normal(match: str) -> str:
    return " ".join(match.lower().replace("’", "'").split())


@dataclass
class TopicTally:
    """Term counts of one document, line by line; no text is kept."""

    words: int = 0
    lines: int = 0
    hits: dict[str, Counter[str]] = field(default_factory=dict)  # topic -> term -> count
    lines_with: Counter[str] = field(default_factory=Counter)  # topic -> lines holding a term
    first: dict[str, int] = field(default_factory=dict)  # topic -> first line with a term

    def add(self, text: str, line: int | None = None) -> None:
        """Count one line (or piece of one)."""
        self.words += len(_WORDS.findall(text))
        self.lines += 1
        for topic in lexicon().topics:
            found = [_normal(m.group()) for m in topic.pattern.finditer(text)]
            if not found:
                continue
            self.hits.setdefault(topic.id, Counter()).update(found)
            self.lines_with[topic.id] += 1
            if line is not None and topic.id not in self.first:
                self.first[topic.id] = line

    def score(self, topic: Topic) -> tuple[float, int, int]:
        """(points, distinct terms, distinct strong terms) of a topic; a term counts at most
        ``cap`` times."""
        counts = self.hits.get(topic.id, Counter())
        cap = lexicon().cap
        weights = {term: topic.weight(term) for term in counts}
        points = sum(weights[term] * min(n, cap) for term, n in counts.items())
        strongest = lexicon().strongest
        return points, len(counts), sum(1 for w in weights.values() if w >= strongest)

    def topics(self) -> list[tuple[Topic, float]]:
        """The topics the document is about, with their points per 100 words."""
        out = []
        for topic in lexicon().topics:
            points, terms, strong = self.score(topic)
            density = 100 * points / max(self.words, 1)
            enough = points >= topic.min_score and terms >= topic.min_terms and strong >= topic.min_strong
            if enough and density >= topic.density:
                out.append((topic, density))
        return out

    def findings(self, location: Location, sampled: int, rows: int, have: set[str]) -> list[Finding]:
        """A finding per topic the document is about whose entity is not already reported there."""
        out = []
        for topic, density in self.topics():
            if topic.entity in have:
                continue
            _, terms, _ = self.score(topic)
            confidence = round(min(0.95, 0.5 + density / 20), 2)
            recognizer = RECOGNIZER.format(topic.id)
            out.append(
                Finding(
                    location=location,
                    entity=topic.entity,
                    matches=self.lines_with[topic.id],
                    sampled=sampled,
                    rows=rows,
                    confidence=confidence,
                    evidence=Evidence.VALUE,
                    recognizers=(recognizer,),
                    example=f"<document about {topic.id}: {terms} terms, {density:.1f} points per 100 words>",
                    scores=((recognizer, confidence),),
                    first_line=self.first.get(topic.id),
                )
            )
        return out
