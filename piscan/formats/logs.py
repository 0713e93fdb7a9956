"""Log lines parsed into fields: Apache/nginx access logs (common and combined) and syslog.

Each field becomes its own location (``access.log#client_ip``), named so that rules/names.yaml
maps it: ``client_ip``, ``username``, ``user_agent``, ``referrer``, ``visited_url`` (the
requested path: browsing activity), ``session_id`` (session parameters in URLs and messages)
and ``query.NAME`` for other query parameters. Timestamps, status codes and sizes are not
personal data and are not kept. A line no parser understands is scanned as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, unquote

from piscan.formats.base import CONTENT, ReadContext, Row
from piscan.formats.text import pieces

_ACCESS = re.compile(
    r'^(?P<client_ip>\S+) (?P<ident>\S+) (?P<username>\S+) \[[^\]]{10,40}\] "(?P<request>(?:[^"\\]|\\.)*)"'
    r' \d{3} (?:\d+|-)(?: "(?P<referrer>(?:[^"\\]|\\.)*)" "(?P<user_agent>(?:[^"\\]|\\.)*)")?'
)
_SYSLOG = (
    re.compile(  # RFC 3164 (BSD): "Mar  3 12:00:01 host sshd[42]: message"
        r"^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\s:\[]+(?:\[\d+\])?: (?P<message>.*)$"
    ),
    re.compile(  # rsyslog's precise timestamps: "2026-03-03T12:00:01.123+01:00 host app[42]: message"
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* \S+ [^\s:\[]+(?:\[\d+\])?: (?P<message>.*)$"
    ),
    re.compile(  # RFC 5424: "<34>1 2026-03-03T12:00:01Z host app 42 ID47 [sd] message"
        r"^<\d{1,3}>\d \S+ \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?P<message>.*)$"
    ),
)
_SESSION = re.compile(r"^(?:j|php|asp\.net_)?sess(?:ion)?(?:_?id)?$|^sid$", re.IGNORECASE)
_LOGIN = re.compile(
    r"\b(?:for|user)(?: invalid user)? (?P<username>[^\s=]+) from (?P<client_ip>[0-9A-Fa-f.:]+)"
)
_PAIR = re.compile(r'\b(?P<key>[A-Za-z_][\w.-]{0,39})=(?P<value>"[^"]*"|[^\s,;&"]+)')
_ALIASES = {
    "user": "username",
    "ip": "client_ip",
    "src": "client_ip",
    "rhost": "client_ip",
    "ua": "user_agent",
}


def parse_access(line: str) -> dict[str, object] | None:
    """Fields of an access-log line, or None when it is not one."""
    m = _ACCESS.match(line)
    if not m:
        return None
    fields: dict[str, object] = {"client_ip": m["client_ip"]}
    for name in ("ident", "username", "referrer", "user_agent"):
        if m[name] not in (None, "-", ""):
            fields[name] = m[name]
    parts = m["request"].split(" ")
    if len(parts) >= 2:
        _url_fields(parts[1], fields)
    return fields


def _url_fields(target: str, fields: dict[str, object]) -> None:
    """The path as ``visited_url``; session parameters as ``session_id``; others as ``query.NAME``."""
    path, _, query = target.partition("?")
    path, *params = path.split(";")
    fields["visited_url"] = unquote(path)
    pairs = [tuple(p.split("=", 1)) for p in params if "=" in p] + parse_qsl(query, keep_blank_values=False)
    for key, value in pairs:
        _add(fields, "session_id" if _SESSION.match(key) else f"query.{key[:40]}", value)


def parse_syslog(line: str) -> dict[str, object] | None:
    """The message of a syslog line and what it names (user, address, key=value pairs)."""
    for pattern in _SYSLOG:
        m = pattern.match(line)
        if m:
            break
    else:
        return None
    message = m["message"]
    fields: dict[str, object] = {"message": message}
    login = _LOGIN.search(message)
    if login:
        _add(fields, "username", login["username"])
        _add(fields, "client_ip", login["client_ip"])
    for pair in _PAIR.finditer(message):
        key = pair["key"].lower()
        name = "session_id" if _SESSION.match(key) else _ALIASES.get(key, key)
        _add(fields, name, pair["value"].strip('"'))
    return fields


def _add(fields: dict[str, object], name: str, value: str) -> None:
    if value and value != "-" and name not in fields:
        fields[name] = value


PARSERS: dict[str, Callable[[str], dict[str, object] | None]] = {
    "access": parse_access,
    "syslog": parse_syslog,
}


def sniff(sample: list[str]) -> str | None:
    """The log format most of the first lines follow, or None."""
    lines = [s for s in sample if s.strip()]
    for kind, parse in PARSERS.items():
        if lines and sum(parse(s) is not None for s in lines) >= 0.6 * len(lines):
            return kind
    return None


def log_rows(
    numbered: Iterable[tuple[int | None, str, bool]], kind: str | None, ctx: ReadContext
) -> Iterator[Row]:
    """Parsed rows; lines no parser understands are kept as plain text.

    Every line is tried, the sniffed format first and then the others: the first lines decide
    nothing for good. An application log whose access lines start a hundred lines in, on a few
    percent of the lines, still gives each of them its ``client_ip``; as plain text the address
    would be one match in thirty lines, below what a text location needs."""
    order = ([kind] if kind else []) + [name for name in PARSERS if name != kind]
    for number, text, cont in numbered:
        fields, fmt = None, kind or "text"
        for name in [] if cont else order:
            fields = PARSERS[name](text)
            if fields is not None:
                fmt = name
                break
        if fields is None:
            fields = {CONTENT: pieces(text, ctx.max_chars)} if text.strip() else {}
        yield ctx.row(number, fields, fmt, cont)
