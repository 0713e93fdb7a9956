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
from urllib.parse import unquote

from piscan.formats.base import CONTENT, ReadContext, Row
from piscan.formats.text import pieces

_QUOTED = r'[^"\\]*(?:\\.[^"\\]*)*'  # a quoted field's text, escapes kept; unrolled: runs of a class are fast
_ACCESS = re.compile(
    rf'^(?P<client_ip>\S+) (?P<ident>\S+) (?P<username>\S+) \[[^\]]{{10,40}}\] "(?P<request>{_QUOTED})"'
    rf' \d{{3}} (?:\d+|-)(?: "(?P<referrer>{_QUOTED})" "(?P<user_agent>{_QUOTED})")?'
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


_BLANK = (None, "-", "")
_GROUPS = ("client_ip", "ident", "username", "request", "referrer", "user_agent")


def parse_access(line: str) -> dict[str, object] | None:
    """Fields of an access-log line, or None when it is not one."""
    m = _ACCESS.match(line)
    if m is None:
        return None
    client, ident, username, request, referrer, agent = m.group(*_GROUPS)
    fields: dict[str, object] = {"client_ip": client}
    for name, value in (
        ("ident", ident),
        ("username", username),
        ("referrer", referrer),
        ("user_agent", agent),
    ):
        if value not in _BLANK:
            fields[name] = value
    space = request.find(" ")  # the target is the request's second space-separated word
    if space >= 0:
        end = request.find(" ", space + 1)
        _url_fields(request[space + 1 : end if end >= 0 else len(request)], fields)
    return fields


def _url_fields(target: str, fields: dict[str, object]) -> None:
    """The path as ``visited_url``; session parameters as ``session_id``; others as ``query.NAME``."""
    path, _, query = target.partition("?")
    params: list[str] = []
    if ";" in path:
        path, *params = path.split(";")
    fields["visited_url"] = unquote(path) if "%" in path else path
    pairs = [tuple(p.split("=", 1)) for p in params if "=" in p] + query_pairs(query)
    for key, value in pairs:
        _add(fields, _param_name(key), value)


_NAMES: dict[str, str] = {}  # query parameter -> field name: the same few repeat on every line


def _param_name(key: str) -> str:
    name = _NAMES.get(key)
    if name is None:
        name = "session_id" if _SESSION.match(key) else f"query.{key[:40]}"
        if len(_NAMES) < 4096:
            _NAMES[key] = name
    return name


def query_pairs(query: str) -> list[tuple[str, str]]:
    """``urllib.parse.parse_qsl(query)``, blank values dropped, without its per-call overhead
    (it runs on every line of an access log)."""
    if not query:
        return []
    out = []
    for part in query.split("&"):
        key, eq, value = part.partition("=")
        if eq and value:
            out.append((_unquoted(key), _unquoted(value)))
    return out


def _unquoted(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text) if "%" in text else text


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
    parsers = [(name, PARSERS[name]) for name in order]
    unit, max_chars, default = ctx.unit, ctx.max_chars, kind or "text"
    for number, text, cont in numbered:  # every line of a log: the loop is kept lean
        fields, fmt = None, default
        if not cont:
            for name, parse in parsers:
                fields = parse(text)
                if fields is not None:
                    fmt = name
                    break
        if fields is None:
            fields = {CONTENT: pieces(text, max_chars)} if text.strip() else {}
        yield Row(number, fields, unit, fmt, cont)
