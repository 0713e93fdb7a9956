"""Messages and names from outside (drivers, parsers, file names) made safe to print and store.

Libraries quote the offending input in their errors (``invalid input syntax for type integer:
"ann@example.com"``, a damaged PDF's bytes): such a message keeps its error class and position
but loses every quoted literal, e-mail address and long run of digits. Names chosen by whoever
wrote the data (files, archive members, columns) keep their text but lose the power to move a
terminal's cursor or split a CSV line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from piscan.model import Location, ScanResult, Skipped

# A quoted literal ('...', "...", b'...'), also one cut off by the end of the message; an
# apostrophe inside a word (doesn't) opens nothing. `...` is left: MariaDB quotes identifiers so.
_OPEN = r"(?:(?<!\w)|(?<=\b[bru]))"
_QUOTED = re.compile(_OPEN + r"""'(?:[^'\\]|\\.)*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$)""")
_DETAIL = re.compile(r"=\((?:[^()]|\([^()]*\))*\)")  # PostgreSQL DETAIL: Key (email)=(ann@x.org)
_EMAIL = re.compile(r"(?<![/\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# a phone, card, account or id number (dots do not join digits: hosts and versions stay)
_DIGITS = re.compile(r"(?<![\w.])\d(?:[ \-/]?\d){5,}(?![\w.])")
_PLACEHOLDER = "'…'"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def scrub(message: str) -> str:
    """A driver's or parser's message without the values it quoted: class and position stay."""
    text = _DETAIL.sub("=(…)", message)
    text = _QUOTED.sub(_PLACEHOLDER, text)
    text = _EMAIL.sub("<e-mail>", text)
    text = _DIGITS.sub("<number>", text)
    return printable(text)


def printable(name: str) -> str:
    """A name with control characters, line breaks and bidirectional overrides escaped
    (``\\x1b``, ``\\n``, ``\\u202e``), so it prints as one inert line everywhere."""
    return _CONTROL.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_result(result: ScanResult) -> ScanResult:
    """The result with every location, source and reason made printable: what the text formats
    (terminal, CSV, HTML, JUnit) render. JSON and the store keep the exact names."""
    loc = _printable_location
    findings = {f: replace(f, location=loc(f.location)) for f in result.findings}
    for v in result.verdicts:
        findings.setdefault(v.finding, replace(v.finding, location=loc(v.finding.location)))
    return replace(
        result,
        targets=tuple(printable(t) for t in result.targets),
        findings=tuple(findings[f] for f in result.findings),
        verdicts=tuple(replace(v, finding=findings[v.finding]) for v in result.verdicts),
        coverage=tuple(replace(c, location=loc(c.location)) for c in result.coverage),
        skipped=tuple(_printable_skipped(s) for s in result.skipped),
        notes=tuple(_printable_skipped(s) for s in result.notes),
    )


def _printable_location(loc: Location) -> Location:
    parts = tuple(printable(p) for p in loc.parts)
    return Location(printable(loc.source), parts, printable(loc.display))


def _printable_skipped(item: Skipped) -> Skipped:
    return Skipped(printable(item.source), printable(item.location), printable(item.reason))


class ScrubFilter(logging.Filter):
    """Log records from any library (pypdf's warnings quote page content) scrubbed as messages
    are, tracebacks included, before a handler prints them."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        from piscan.sources.credentials import redact_text

        record.msg, record.args = scrub(redact_text(record.getMessage())), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, "\n".join(
                scrub(redact_text(line)) for line in text.splitlines()
            )
        return True
