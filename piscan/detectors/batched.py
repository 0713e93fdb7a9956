"""Presidio's analysis of many short values at once, with the same results as ``AnalyzerEngine.analyze``.

The engine runs every recognizer on every value and re-filters its registry each call: about
1.7 ms per database cell. Most cells match no recognizer at all, so here each recognizer's
regexes first run over the whole batch joined by newlines (one C-level scan per pattern), and a
recognizer then runs on a value only if one of its patterns touched that value in the joined
text. That gate never drops a match: where a pattern matches a value on its own, the scan of the
joined text either matches at the same place or is inside a match that overlaps the value.
This holds because the joined text puts a newline where a value ends, which the patterns
(compiled multi-line) treat as they treat the end of a string; patterns that can look past that
newline and fail on it (string anchors, some negative look-arounds, atomic and possessive runs;
``_unsafe``) have no such guarantee and always run. ``tests/detectors/test_batched.py`` checks the
results against the engine's, value for value.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from piscan.detectors.prefilter import Screen

SEPARATOR = "\n"
_STRING_ANCHORS = ("\\A", "\\Z", "\\z", "\\G")
# Constructs that can see past the end of a value in the joined text and fail there although the
# value alone matches: negative look-arounds starting with whitespace, non-word or any character,
# atomic groups, possessive whitespace or any-character runs, and flags switched off inline.
_SEES_NEIGHBOURS = re.compile(r"\(\?>|\(\?[a-zA-Z]*-|\(\?<?!(?:\\[sSW]|\.)|(?:\\[sSW]|\.)[*+?}]\+")


@dataclass(frozen=True, eq=False)
class Gate:
    """A recognizer and the compiled regexes that must touch a value for it to find anything
    there; no regexes means it always runs (NER, or a recognizer with its own matching)."""

    recognizer: Any
    regexes: tuple[Any, ...]
    ner: bool = False

    @property
    def always(self) -> bool:
        return not self.regexes


class Deferred:
    """NLP artifacts made on first use. Pattern recognizers never read them, only context
    enhancement does, and most values a recognizer's gate lets through hold no match: those are
    never tokenized."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make: Callable[[], Any] | None = make
        self._value: Any = None

    def get(self) -> Any:
        """The artifacts, made now if they were not yet."""
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value


@cache
def _blind() -> tuple[type, ...]:
    """Recognizer classes whose ``analyze`` does not read the NLP artifacts (Presidio's pattern
    recognizers, piscan's phone numbers); any other recognizer gets them made before it runs."""
    from presidio_analyzer import PatternRecognizer

    from piscan.detectors.phones import PhoneNumberRecognizer

    return (PatternRecognizer, PhoneNumberRecognizer)


def _for(recognizer: Any, artifacts: Any) -> Any:
    """What a recognizer's ``analyze`` gets: deferred artifacts stay unmade for blind ones."""
    if not isinstance(artifacts, Deferred):
        return artifacts
    return None if isinstance(recognizer, _blind()) else artifacts.get()


def ner_entities(engine: Any) -> tuple[str, ...]:
    """The entities the NER model can give: its labels, as Presidio maps and filters them."""
    nlp_engine = engine.nlp_engine
    config = getattr(nlp_engine, "ner_model_configuration", None)
    mapping = dict(getattr(config, "model_to_presidio_entity_mapping", None) or {})
    ignored = set(getattr(config, "labels_to_ignore", None) or ())
    labels: set[str] = set()
    for nlp in getattr(nlp_engine, "nlp", {}).values():
        if "ner" in nlp.pipe_names:
            labels |= set(nlp.get_pipe("ner").labels)
    mapped = {mapping.get(label, label) for label in labels if label not in ignored}
    return tuple(sorted(e for e in mapped if e not in ignored))


def _unsafe(pattern: str) -> bool:
    """Whether a pattern may match a value alone but not inside the joined batch (such
    recognizers, e.g. from a user's --recognizers file, run on every value instead)."""
    return any(anchor in pattern for anchor in _STRING_ANCHORS) or bool(_SEES_NEIGHBOURS.search(pattern))


def gate_for(recognizer: Any) -> Gate:
    """The prefilter of one recognizer: its own patterns, or its declared ``prefilter`` regex."""
    import regex
    from presidio_analyzer import PatternRecognizer
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    if isinstance(recognizer, SpacyRecognizer):
        return Gate(recognizer, (), ner=True)
    declared = getattr(recognizer, "prefilter", None)
    if declared is not None:
        return Gate(recognizer, (declared,))
    if not isinstance(recognizer, PatternRecognizer) or not recognizer.patterns:
        return Gate(recognizer, ())
    if any(_unsafe(p.regex) for p in recognizer.patterns):
        return Gate(recognizer, ())
    flags = recognizer.global_regex_flags
    # One regex per pattern: measured faster than one alternation per recognizer, which loses
    # the regex engine's literal-prefix shortcuts.
    return Gate(recognizer, tuple(regex.compile(p.regex, flags=flags) for p in recognizer.patterns))


def touched(texts: Sequence[str], gates: Sequence[Gate], screen: Any = None) -> list[list[int]]:
    """For each value, the indices of the gates whose regexes touched it in the joined batch.

    With a ``prefilter.Screen`` over the same gates, a gate's regexes run only over the values
    its RE2 screen touched (none: the gate is skipped), joined the same way."""
    hits: list[list[int]] = [[] for _ in texts]
    everything = range(len(texts))
    screened = screen.candidates(texts) if screen is not None else [None] * len(gates)
    for g, (gate, candidates) in enumerate(zip(gates, screened, strict=True)):
        chosen = everything if candidates is None else candidates
        if not chosen:
            continue
        subset = texts if candidates is None else [texts[i] for i in chosen]
        for k in _touched_by(subset, gate.regexes):
            hits[chosen[k]].append(g)
    return hits


def _touched_by(texts: Sequence[str], patterns: Sequence[Any]) -> list[int]:
    """Indices of the values any of the patterns touches in the joined text, in order.

    Each search starts at the first value not yet touched, so a pattern that matches many words
    of a value costs one search per value, not one per match."""
    joined = SEPARATOR.join(texts)
    starts = []
    at = 0
    for text in texts:
        starts.append(at)
        at += len(text) + len(SEPARATOR)
    found: set[int] = set()
    count = len(texts)
    for pattern in patterns:
        pos = 0
        while True:
            match = pattern.search(joined, pos)
            if match is None:
                break
            start, end = match.span()
            first = bisect.bisect_right(starts, start) - 1
            last = bisect.bisect_right(starts, max(start, end - 1)) - 1
            found.update(range(max(first, 0), last + 1))
            if last + 1 >= count:
                break
            pos = starts[last + 1]
    return sorted(found)


class BatchedAnalyzer:
    """``AnalyzerEngine.analyze`` for batches: the recognizer list is resolved once, recognizers
    run only on the values their prefilter touched, and context enhancement, score thresholds and
    de-duplication follow the engine's own steps."""

    def __init__(self, engine: Any, language: str, entities: list[str]) -> None:
        self.engine = engine
        self.language = language
        self.entities = entities
        self.recognizers = engine.registry.get_recognizers(language=language, entities=entities)
        for recognizer in self.recognizers:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
        self.gates = [gate_for(r) for r in self.recognizers]
        self._order = {g: i for i, g in enumerate(self.gates)}
        self.ner = [g for g in self.gates if g.ner]
        self.always = [g for g in self.gates if g.always and not g.ner]
        self.gated = [g for g in self.gates if not g.always]
        self.screen = Screen(self.gated)  # RE2 first: most gates touch none of a batch's values
        # Gates whose results a same-type NER span could remove (Presidio drops a result that a
        # same-type one contains): where they are touched, NER runs even on lower-case words.
        kinds = set(ner_entities(engine)) & set(entities)
        self._shadowed = {
            g for g, gate in enumerate(self.gated) if kinds & set(gate.recognizer.supported_entities)
        }

    def candidates(
        self, texts: Sequence[str], wordy: Sequence[bool], capital: Sequence[bool] | None = None
    ) -> list[list[Gate]]:
        """The gates to run per value: those touched, plus the ungated, plus NER on wordy values.
        With ``capital`` (whether a value has a letter that is not lower-case), NER runs on a
        wordy value without one only where its span could still matter: NER's names and places
        count only when they start with such a letter (presidio._credible), so elsewhere NER
        could change nothing but a same-type pattern result it contains."""
        hits = touched(texts, self.gated, self.screen)
        out = []
        for i, found in enumerate(hits):
            run = [self.gated[g] for g in found] + self.always
            if wordy[i] and (capital is None or capital[i] or any(g in self._shadowed for g in found)):
                run += self.ner
            # the registry's order, as the engine runs them: equal results keep the first one
            out.append(sorted(run, key=self._order.__getitem__))
        return out

    def analyze(self, text: str, gates: Sequence[Gate], artifacts: Any, context: list[str]) -> list[Any]:
        """One value through the given recognizers, as the engine's ``analyze`` would do it.
        ``artifacts`` may be ``Deferred``: then they are made only if a recognizer found something
        (for context enhancement) or a recognizer reads them (NER)."""
        from presidio_analyzer import EntityRecognizer, RecognizerResult

        if not gates:
            return []
        recognizers = [g.recognizer for g in gates]
        results = []
        for recognizer in recognizers:
            nlp = _for(recognizer, artifacts)
            found = recognizer.analyze(text=text, entities=self.entities, nlp_artifacts=nlp)
            for result in found or ():
                meta = result.recognition_metadata
                if meta is None:
                    result.recognition_metadata = meta = {}
                meta.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)
                meta.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
                results.append(result)
        if not results:
            return []
        if isinstance(artifacts, Deferred):
            artifacts = artifacts.get()
        results = self._enhance(text, results, artifacts, recognizers, context)
        results = [r for r in results if r.score >= self._threshold(r, recognizers)]
        return EntityRecognizer.remove_duplicates(results)

    def _enhance(
        self, text: str, results: list[Any], artifacts: Any, recognizers: list[Any], context: list[str]
    ) -> list[Any]:
        """The engine's two context steps (recognizer-level, then the lemma enhancer), without
        the enhancer's deep copy of every result: these results are fresh and ours to change."""
        from presidio_analyzer import RecognizerResult

        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        enhanced = _Owned()
        for recognizer in recognizers:
            mine = [r for r in results if r.recognition_metadata[key] == recognizer.id]
            if not mine:
                continue
            others = [r for r in results if r.recognition_metadata[key] != recognizer.id]
            enhanced.extend(
                recognizer.enhance_using_context(
                    text=text,
                    raw_recognizer_results=mine,
                    other_raw_recognizer_results=others,
                    nlp_artifacts=artifacts,
                    context=context,
                )
            )
        return self.engine.context_aware_enhancer.enhance_using_context(
            text=text, raw_results=enhanced, nlp_artifacts=artifacts, recognizers=recognizers, context=context
        )

    def _threshold(self, result: Any, recognizers: list[Any]) -> float:
        """The engine's per-result threshold: entity, then recognizer default, then engine default."""
        from presidio_analyzer import RecognizerResult

        wanted = result.recognition_metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY)
        for recognizer in recognizers:
            if recognizer.id == wanted:
                thresholds = recognizer.score_thresholds or {}
                value = thresholds.get(result.entity_type, thresholds.get("default"))
                if value is not None:
                    return value
        return self.engine.default_score_threshold


class _Owned(list):
    """A result list that deep-copies to itself: Presidio's enhancer copies its input defensively."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Owned:
        return self
