"""Value shapes: what a text value looks like as a whole, so aggregation can weigh names against values.

Shapes are reported as pseudo-entities that are never findings themselves: NOT_PERSONAL marks
values of a form that machines, not people, produce (UUIDs, digests, versions, timestamps, memory
addresses); PROSE marks sentences and documents, where an entity mentioned in a few rows still
means the column holds it; MISFIT marks values that cannot be what the column's name says
(``misfit(entity)``: a 0/1 flag in a ``*_phone`` column).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from piscan.model import Detection, Record
from piscan.rules import load, rules_dir

NOT_PERSONAL = "~not_personal"
PROSE = "~prose"
MISFIT = "~misfit:"
FILLED = "~filled"  # a non-blank text value a name's expectation was checked against
LIST_ITEM_WORDS = 4  # items of a comma-separated list of names or tags are this short
TITLE_COVER = 0.6  # a name spaCy finds in a short value must cover this much of it (or its item)
PROSE_WORDS = 6  # whitespace-separated tokens that make a value a sentence or a document
PROSE_CJK = 20  # CJK characters that do the same in scripts without spaces

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("uuid", r"\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?"),
        ("digest", r"(?:0x)?(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|"
                   r"[0-9a-f]{128})"),
        ("colon_digest", r"[0-9a-f]{2}(?::[0-9a-f]{2}){15,63}"),
        ("hex_address", r"0x[0-9a-f]{2,16}"),
        ("version", r"v?\d+\.\d+\.\d+(?:[-+][0-9a-z.-]+)?"),
        ("timestamp", r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?"),
        ("isbn", r"97[89]-\d{1,5}-\d{1,7}-\d{1,7}-\d"),
    )
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_SENTENCE = re.compile(r"[\u3400-\u9fff][，。！？；：]")


def shape_of(text: str) -> str | None:
    """The non-personal shape of a whole value, if it has one."""
    value = text.strip()
    for name, pattern in _SHAPES:
        if pattern.fullmatch(value):
            return name
    return None


_ITEMS = re.compile(r"\s*[,;|]\s*")
# a sentence ends after a word, not after an initial ("J. Smith"); it may go on with a capital
_SENTENCE_END = re.compile(r"[^\W\d_]{2,}[.!?](?:\s+[A-Z]|\s*$)")
_STRUCTURED = re.compile(r'[{}\[\]"=<>]|:\s')  # JSON, key=value, markup: fields, not a title
_POSSESSIVE = re.compile(r"['’]s?\s+\S")
SENTENCE_WORDS = 12  # a value this long is a text, whatever its punctuation


def is_prose(text: str) -> bool:
    """Sentences, notes and documents, as opposed to single values and lists of short items
    (``"A. Name, B. Name, C. Name"``: a cast list is many names, not a text mentioning one)."""
    if len(text.split(None, PROSE_WORDS)) >= PROSE_WORDS:
        return not is_list(text)
    return bool(_CJK_SENTENCE.search(text)) or len(_CJK.findall(text)) >= PROSE_CJK


def is_list(text: str) -> bool:
    """A comma-, semicolon- or bar-separated list of short items, none of them a sentence
    (nor a JSON document or a key=value record: their commas separate fields)."""
    items = [i for i in _ITEMS.split(text.strip()) if i]
    if len(items) < 2 or _SENTENCE_END.search(text) or _STRUCTURED.search(text):
        return False
    return all(len(i.split()) <= LIST_ITEM_WORDS for i in items)


def covers_value(text: str, start: int, end: int) -> bool:
    """Whether a span found by NER is most of a short value, or of its list item: a name inside
    a title (a film, an album, a product named for its maker) is part of the title, not a person.
    Sentences, documents and values not in title case are exempt: they mention people in passing."""
    words = len(text.split())
    if words >= SENTENCE_WORDS or _STRUCTURED.search(text):
        return True
    if _SENTENCE_END.search(text) and not is_list(text):
        return True
    left = max((m.end() for m in _ITEMS.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _ITEMS.finditer(text, end)), len(text))
    item = text[left:right].strip()
    span = text[start:end].strip()
    if not _titled(item):  # "call Margaret tomorrow": a short sentence, not a title
        return True
    if _POSSESSIVE.search(text[start:right]):  # "Uncle Bob's Dried Pears": the maker of a thing
        return False
    return len(span) >= TITLE_COVER * len(item)


def _titled(item: str) -> bool:
    """Title case: every word of four letters or more starts with a capital (titles, names)."""
    return all(not w[:1].islower() for w in item.split() if len(w) >= 4)


_WORDS = re.compile(r"[^\W\d_]+")


@cache
def _languages() -> tuple[int, float, tuple[frozenset[str], ...]]:
    data = load(rules_dir() / "languages.yaml", "languages")
    lists = tuple(frozenset(w.lower() for w in words) for words in data["languages"].values())
    return int(data["min_words"]), float(data["min_share"]), lists


@lru_cache(maxsize=4096)  # asked once per spaCy span: a text holds several
def foreign_language(text: str) -> bool:
    """Whether a text reads as another language than English (rules/languages.yaml): the English
    model tags its capitalized words as people and places."""
    min_words, min_share, lists = _languages()
    words = [w.lower() for w in _WORDS.findall(text)]
    if len(words) < min_words:
        return False
    return any(sum(w in fw for w in words) >= min_share * len(words) for fw in lists)


@cache
def _spoken_cues() -> re.Pattern[str] | None:
    raw = load(rules_dir() / "languages.yaml", "languages").get("spoken_cues")
    return re.compile(raw) if raw else None


def spoken_language(text: str, start: int) -> bool:
    """Whether the nationality word at ``start`` names a language someone speaks or studies
    ("fluent in French"): the sentence before it ends in a cue of rules/languages.yaml."""
    pattern = _spoken_cues()
    if pattern is None:
        return False
    before = re.split(r"[.!?;]\s", text[max(0, start - 200) : start])[-1]
    return bool(pattern.search(before))


def misfit(entity: str) -> str:
    """The pseudo-entity that counts values contradicting a name's ``entity``."""
    return MISFIT + entity


class ExpectationDetector:
    """Marks values whose shape contradicts what the column's name says (a count is no card)."""

    name = "expect"

    def __init__(self, expectations: dict[str, object]) -> None:
        self.expectations = expectations  # entity -> Expectation (fits(text) -> bool)

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """One detection per (text value, entity) whose expectation the value does not meet, and
        one per non-blank text value checked; blank strings are NULLs (an SQLite CSV import)."""
        found = []
        for i, value in enumerate(record.values):
            if not isinstance(value, str) or not value.strip():
                continue
            found.append(Detection(FILLED, "shape:filled", 0.0, i))
            for entity, expectation in self.expectations.items():
                if not expectation.fits(value):  # type: ignore[attr-defined]
                    found.append(Detection(misfit(entity), "shape:misfit", 0.0, i))
        return found


class ShapeDetector:
    """Marks values whose whole form is machine-made or prose; cheap enough for every value."""

    name = "shape"

    def detect(self, record: Record, context: tuple[str, ...]) -> list[Detection]:
        """At most one shape per text value, scored 0: a shape is no evidence of personal data."""
        found = []
        for i, value in enumerate(record.values):
            if not isinstance(value, str):
                continue
            shape = shape_of(value)
            if shape:
                found.append(Detection(NOT_PERSONAL, f"shape:{shape}", 0.0, i))
            elif is_prose(value):
                found.append(Detection(PROSE, "shape:prose", 0.0, i))
        return found
