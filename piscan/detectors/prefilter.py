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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_WIDE = {"d": r"\p{Nd}", "w": r"\p{L}\p{N}_", "s": r"\s\p{Z}\x0b\x1c-\x1f\x85"}
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


def widened(pattern: str) -> str:
    """An RE2 pattern matching at least what ``pattern`` matches in Python's ``regex`` module."""
    out: list[str] = []
    i, in_class, negated = 0, False, False
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
                continue
            elif nxt.isdigit() and nxt != "0" and not in_class:
                out.append("(?s:.*?)")  # a back-reference matches some text: any text is wider
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            out.append(ch)
            in_class = ch != "]"
            i += 1
            continue
        if ch == "[":
            in_class = True
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
            # a look-around may carry a quantifier (rare); an empty group keeps it valid
            out.append("(?:)")
            i = end
            continue
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
