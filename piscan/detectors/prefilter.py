"""A vectorised pattern pass: which values of a batch can hold a pattern entity at all.

The recognizers' own regexes (Python ``regex`` syntax, with look-arounds) are turned into RE2
patterns that match a superset of what they match: look-arounds and word boundaries are dropped
(an assertion removed can only widen a match), ``\\d``, ``\\w`` and ``\\s`` are widened to their
Unicode classes (RE2's are ASCII), and the recognizer's flags are kept. Every such pattern of the
chosen recognizers is joined into one alternation and run over a batch as one Arrow array
(``pyarrow.compute.match_substring_regex``, RE2 in C++): no Python per value. A value the pass
does not touch cannot hold a match of those recognizers, so the validators (Luhn, mod 97,
domains) and the recognizers themselves run only on the values it touched.

A back-reference becomes "any text". A pattern RE2 still cannot take (atomic groups) leaves its
recognizer uncovered: ``Prefilter.uncovered`` names it, and a caller must not treat that
recognizer as checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_WIDE = {"d": r"\p{Nd}", "w": r"\p{L}\p{M}\p{N}\p{Pc}\x{200c}\x{200d}", "s": r"\s\p{Z}\x0b\x1c-\x1f\x85"}
_DROPPED = ("b", "B")  # word boundaries: ASCII in RE2, Unicode in ``regex``; dropped, so wider


def _group_end(pattern: str, start: int) -> int:
    """The index just past the group opening at ``start`` (escapes and classes respected)."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1  # a leading ] is a literal
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced group")


_OPENER = re.compile(r"\((?:\?(?:P?<\w+>|[A-Za-z-]*:|>|\|))?")  # a group's opening, not a look-around
_FLAG_GROUP = re.compile(r"\(\?[A-Za-z-]+\)")  # (?i): zero-width, sets flags
_AFTER_END = re.compile(r"(?:\)(?:[?*+]\??)?)*$")  # closing groups at most once-repeated, then the end


def widened(pattern: str, inline: bool = True) -> str:
    r"""An RE2 pattern matching at least what ``pattern`` matches in Python's ``regex`` module.

    A look-around is dropped, which only widens, except where its text can simply be matched:
    a positive look-behind where nothing can come before it (the start of the pattern, or of a
    branch or group there, not repeated) and a positive look-ahead after which only groups
    close. ``(?<=user=)\w+`` becomes ``(?:user=)\w+``: any text the original matches in holds
    a match of that. (Not nested: the look-arounds inside one are dropped.)"""
    out: list[str] = []
    i, in_class, negated = 0, False, False
    clean = inline  # nothing that consumes or anchors text can come before this position
    opened: list[bool] = []  # per open group: ``clean`` at its start (what a ``|`` restores)
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _WIDE and not negated:
                out.append(_WIDE[nxt] if in_class else f"[{_WIDE[nxt]}]")
            elif nxt in _DROPPED and not in_class:
                pass
            elif nxt in "uU":  # Python's \uXXXX and \UXXXXXXXX: RE2 spells them \x{...}
                width = 4 if nxt == "u" else 8
                out.append(f"\\x{{{pattern[i + 2 : i + 2 + width]}}}")
                i += 2 + width
                clean = clean and in_class
                continue
            elif nxt.isdigit() and nxt != "0" and not in_class:
                out.append("(?s:.*?)")  # a back-reference matches some text: any text is wider
            else:
                out.append(pattern[i : i + 2])
            clean = clean and (in_class or nxt in _DROPPED)
            i += 2
            continue
        if in_class:
            out.append(ch)
            in_class = ch != "]"
            i += 1
            continue
        if ch == "[":
            in_class, clean = True, False
            negated = pattern[i + 1 : i + 2] == "^"
            skip = 2 if negated else 1
            out.append(pattern[i : i + skip])
            i += skip
            if pattern[i : i + 1] == "]":
                out.append("]")
                i += 1
            continue
        negated = False
        if any(pattern.startswith(a, i) for a in _LOOKAROUNDS):
            end = _group_end(pattern, i)
            body = pattern[i + (4 if pattern[i + 2] == "<" else 3) : end - 1]
            if pattern.startswith("(?<=", i) and clean and pattern[end : end + 1] not in ("?", "*", "+", "{"):
                out.append(f"(?:{widened(body, inline=False)})")
                clean = False
            elif pattern.startswith("(?=", i) and inline and _AFTER_END.match(pattern, end):
                out.append(f"(?:{widened(body, inline=False)})")
            else:  # a look-around may carry a quantifier (rare); an empty group keeps it valid
                out.append("(?:)")
            i = end
            continue
        flag_group = _FLAG_GROUP.match(pattern, i)
        if flag_group:
            out.append(flag_group.group())
            i = flag_group.end()
            continue
        if ch == "(":
            opener = _OPENER.match(pattern, i)
            text = opener.group() if opener else "("
            repeated = pattern[_group_end(pattern, i) : _group_end(pattern, i) + 1] in ("*", "+", "{")
            clean = clean and not repeated
            opened.append(clean)
            out.append(text)
            i += len(text)
            continue
        if ch == ")":
            if opened:
                opened.pop()
            clean = False
        elif ch == "|":
            clean = opened[-1] if opened else inline
        else:
            clean = False
        out.append(ch)
        i += 1
    return "".join(out)


def _flags(compiled: Any) -> str:
    """RE2 inline flags for a compiled ``regex``/``re`` pattern's i, m and s flags."""
    import regex

    flags = compiled.flags
    letters = "".join(
        letter
        for letter, bit in (("i", regex.IGNORECASE), ("m", regex.MULTILINE), ("s", regex.DOTALL))
        if flags & bit
    )
    return f"(?{letters})" if letters else ""


@cache
def accepts(pattern: str) -> bool:
    """Whether RE2 (through Arrow) compiles ``pattern``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], type=pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


@dataclass(frozen=True)
class Prefilter:
    """One combined RE2 pattern over the given recognizers' regexes."""

    pattern: str  # empty: nothing covered, nothing ever touched
    covered: tuple[str, ...]  # recognizer names whose every pattern is in ``pattern``
    uncovered: tuple[str, ...]  # recognizer names RE2 could not take

    def touched(self, values: Sequence[str]) -> list[int]:
        """Indices of the values the combined pattern matches somewhere."""
        if not self.pattern or not values:
            return []
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = pc.match_substring_regex(pa.array(values, type=pa.string()), self.pattern)
        return pc.indices_nonzero(mask).to_pylist()  # type: ignore[no-any-return]


def build(gates: Iterable[Any]) -> Prefilter:
    """The prefilter of ``batched.Gate`` objects: each gate's regexes, widened for RE2."""
    parts: list[str] = []
    covered: list[str] = []
    uncovered: list[str] = []
    for gate in gates:
        name = gate.recognizer.name
        try:
            mine = [f"(?:{_flags(r)}{widened(r.pattern)})" for r in gate.regexes]
        except ValueError:
            mine = []
        if mine and all(accepts(p) for p in mine):
            parts.extend(mine)
            covered.append(name)
        else:
            uncovered.append(name)
    pattern = "|".join(parts)
    return Prefilter(pattern, tuple(covered), tuple(uncovered))


# RE2 programs above this many instructions overflow RE2's DFA budget and fall back to its slower
# NFA: such a gate is not screened (its own regexes run over the whole batch, as without a screen).
SCREEN_MAX_PROGRAM = 50_000


class Screen:
    """Per gate, its regexes widened for RE2 as one pattern, compiled once: which values of a
    batch a gate can touch at all, found by RE2 over the batch's UTF-8 text joined by newlines
    (C speed, one call per value it touches). Unlike ``Prefilter`` (pyarrow compiles its pattern
    on every call, fine for the sweep's 20,000-value passes), this suits the sample's batches of
    a hundred values. A value the screen does not give for a gate cannot match that gate's own
    regexes: the widened pattern matches a superset of theirs, ``(?m)`` lets ``^`` and ``$``
    match at the newlines between values, and a match that runs across them marks every value
    it touches."""

    def __init__(self, gates: Iterable[Any]) -> None:
        self.patterns = [_screened(gate) for gate in gates]

    def candidates(self, texts: Sequence[str]) -> list[list[int] | None]:
        """Per gate, the indices of the values its widened pattern touches (None: unscreened,
        every value is a candidate)."""
        encoded: list[bytes] = []
        loose: list[int] = []  # values UTF-8 cannot encode (lone surrogates): candidates everywhere
        for i, text in enumerate(texts):
            try:
                encoded.append(text.encode())
            except UnicodeEncodeError:
                encoded.append(b"")
                loose.append(i)
        joined = b"\n".join(encoded)
        starts, at = [], 0
        for value in encoded:
            starts.append(at)
            at += len(value) + 1
        out: list[list[int] | None] = []
        for pattern in self.patterns:
            if pattern is None:
                out.append(None)
                continue
            hits = _touching(pattern, joined, starts)
            out.append(sorted(set(hits) | set(loose)) if loose else hits)
        return out


def _screened(gate: Any) -> Any:
    """A gate's RE2 screen, or None when RE2 cannot take it well (or is not installed)."""
    try:
        import re2
    except ImportError:
        return None
    try:
        parts = [f"(?:{_flags(r)}{widened(r.pattern)})" for r in gate.regexes]
    except ValueError:
        return None
    if not parts:
        return None
    options = re2.Options()
    options.log_errors = False
    try:
        compiled = re2.compile("(?m)" + "|".join(parts), options)
    except re2.error:
        return None
    return compiled if compiled.programsize <= SCREEN_MAX_PROGRAM else None


def _touching(pattern: Any, joined: bytes, starts: list[int]) -> list[int]:
    """Indices of the values (starting at ``starts`` in ``joined``) a match of ``pattern`` touches;
    each search starts at the first value not yet touched."""
    import bisect

    hits: list[int] = []
    count, pos = len(starts), 0
    while True:
        match = pattern.search(joined, pos)
        if match is None:
            return hits
        start, end = match.span()
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = bisect.bisect_right(starts, max(start, end - 1)) - 1
        hits.extend(i for i in range(first, last + 1) if not hits or i > hits[-1])
        if last + 1 >= count:
            return hits
        pos = starts[last + 1]
