"""Phone numbers through the phonenumbers library, scored by how unmistakably they are written."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

# A digit run is ambiguous (serials, epoch seconds, account numbers parse as valid numbers too);
# an international prefix, a trunk zero, brackets or an extension are how people write phones.
INTERNATIONAL = 0.6
NATIONAL = 0.4
AMBIGUOUS = 0.1
_MIN_DIGITS = 7
_RUN = re.compile(r"[+(]?\d[\d\s().\-/]{5,}\d")  # a stretch of text a phone number could occupy
_INTERNATIONAL = re.compile(r"^\s*(?:\+|00)")
_DECIMAL = re.compile(r"^\s*\d{1,3}[.,]\d+\s*$")  # 0.226071 is a reading, not a number to call
# Runs that are written the way dates, IPv4 addresses and long digit strings (card numbers,
# account ids) and amounts (12345.67) are, never the way phones are: E.164 numbers have at most
# 15 digits.
_NOT_PHONE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{2}[./]\d{2}[./]\d{4}|\d{1,3}(?:\.\d{1,3}){3}|\d{16,}|\d+[.,]\d{1,2}"
)
# An area code in brackets must close: "(1395573313.530" opens an audit record's timestamp.
_NATIONAL = re.compile(r"^\s*(?:\(\d{1,5}\)|0)|\d\s*(?:x|ext\.?|#)\s*\d", re.IGNORECASE)
# Digits glued to a decimal point or a dotted quad belong to a reading, a timestamp or an address.
_DOTTED_BEFORE = re.compile(r"\d\.$")
_DOTTED_AFTER = re.compile(r"^\.\d")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


class PhoneNumberRecognizer(LocalRecognizer):
    """Presidio's phonenumbers matching over configurable regions, with format-dependent scores.

    ``prefilter`` tells the batched analyzer which values can hold a number at all: a value with
    no run of digits and phone punctuation never reaches phonenumbers' matcher."""

    prefilter = _RUN

    def __init__(
        self,
        name: str,
        regions: list[str],
        context: list[str],
        mobile_regions: list[str],
        supported_entity: str = "PHONE_NUMBER",
        supported_language: str = "en",
    ) -> None:
        self.regions = tuple(regions)
        self.mobile_regions = frozenset(mobile_regions)
        super().__init__(
            supported_entities=[supported_entity],
            supported_language=supported_language,
            name=name,
            context=context,
        )

    def load(self) -> None:
        """Nothing to load: phonenumbers ships its metadata."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Every valid number in the text for any configured region, one result per span."""
        runs = [
            m.span()
            for m in _RUN.finditer(text)
            if _could_be_phone(m.group()) and not _in_a_word(text, m.start(), m.end(), m.group())
        ]
        return self.numbers(text, runs) if runs else []

    def numbers(self, text: str, runs: list[tuple[int, int]]) -> list[RecognizerResult]:
        """phonenumbers' matcher over the text, for the digit runs that could hold a number."""
        # Numbers written internationally parse the same whatever the region: one pass does.
        international = all(_INTERNATIONAL.search(text[a:b].lstrip("(")) for a, b in runs)
        spans: dict[tuple[int, int], float] = {}
        for region in self.regions[:1] if international else self.regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
                if _DECIMAL.match(match.raw_string) or _NOT_PHONE.fullmatch(match.raw_string.strip()):
                    continue
                if _glued(text, match.start, match.end):
                    continue
                key = (match.start, match.end)
                whole = text.strip() == match.raw_string.strip()
                spans[key] = max(spans.get(key, 0.0), self._score(match.raw_string, match.number, whole))
            # Regions are tried in order of preference; once every run holds a number written
            # unmistakably, later regions could only re-read the same digits. A bare digit run
            # (AMBIGUOUS) goes on: another region may know it as a mobile (a Chinese 1xx number).
            if all(
                any(a < end and start < b and score >= NATIONAL for (start, end), score in spans.items())
                for a, b in runs
            ):
                break
        return [self._result(start, end, score) for (start, end), score in spans.items()]

    def _score(self, raw: str, number: phonenumbers.PhoneNumber, whole: bool = True) -> float:
        if _INTERNATIONAL.search(raw):
            return INTERNATIONAL
        if _NATIONAL.search(raw):
            return NATIONAL
        region = phonenumbers.region_code_for_number(number)
        mobile = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        if region in self.mobile_regions and mobile and whole:
            # e.g. Chinese mobiles are written as 11 bare digits everywhere, as a whole value;
            # inside a line of text (a log's byte counts, ids) bare digits need a context word
            return NATIONAL
        return AMBIGUOUS

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name, original_score=score, textual_explanation="phonenumbers match"
        )
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _could_be_phone(run: str) -> bool:
    """Enough digits, and not a date, an IPv4 address (with a port) or a digit string too long to dial."""
    stripped = run.strip()
    return sum(c.isdigit() for c in run) >= _MIN_DIGITS and not (
        _NOT_PHONE.fullmatch(stripped) or _IPV4.search(stripped) or _DECIMAL.fullmatch(stripped)
    )


def _in_a_word(text: str, start: int, end: int, run: str) -> bool:
    """A bare digit run inside a word (``...3b38893757296102bef...`` in a digest, a UUID's part):
    phonenumbers at ``VALID`` leniency rejects a candidate with a Latin letter before it, or
    after it unless an extension starts there (``x``, ``ext``, ``anexo``), so its matcher need
    not run for one. Runs with separators are left to it (their parts can be candidates)."""
    if not run.isdigit():
        return False
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return _LATIN.fullmatch(before) is not None or _NO_EXTENSION.fullmatch(after) is not None


_LATIN = re.compile(r"[A-Za-z]")
_NO_EXTENSION = re.compile(r"[b-dfB-DF]")  # hex letters that start no extension word


def _glued(text: str, start: int, end: int) -> bool:
    """The match continues a decimal or dotted number: ``1395573313.530``, ``10.0.0.1/5060``."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    return bool(_DOTTED_BEFORE.search(before) or _DOTTED_AFTER.match(after) or _IPV4.search(text[start:end]))
