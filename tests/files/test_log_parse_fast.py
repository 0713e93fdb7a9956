"""The access-log parser runs on every line of a log, so it is written for speed (an unrolled
quoted-field pattern, no ``parse_qsl`` call per line, cached parameter names). It must give what
the plain version gives: this pins it against that version (the original pattern, ``split`` and
``parse_qsl``) on generated lines with escapes, odd spaces, Unicode and percent-encoding."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from piscan.formats.logs import _SESSION, parse_access, query_pairs

_REFERENCE = re.compile(
    r'^(?P<client_ip>\S+) (?P<ident>\S+) (?P<username>\S+) \[[^\]]{10,40}\] "(?P<request>(?:[^"\\]|\\.)*)"'
    r' \d{3} (?:\d+|-)(?: "(?P<referrer>(?:[^"\\]|\\.)*)" "(?P<user_agent>(?:[^"\\]|\\.)*)")?'
)


def _reference(line: str) -> dict[str, object] | None:
    m = _REFERENCE.match(line)
    if not m:
        return None
    fields: dict[str, object] = {"client_ip": m["client_ip"]}
    for name in ("ident", "username", "referrer", "user_agent"):
        if m[name] not in (None, "-", ""):
            fields[name] = m[name]
    parts = m["request"].split(" ")
    if len(parts) >= 2:
        path, _, query = parts[1].partition("?")
        path, *params = path.split(";")
        fields["visited_url"] = unquote(path)
        pairs = [tuple(p.split("=", 1)) for p in params if "=" in p] + parse_qsl(
            query, keep_blank_values=False
        )
        for key, value in pairs:
            name = "session_id" if _SESSION.match(key) else f"query.{key[:40]}"
            if value and value != "-" and name not in fields:
                fields[name] = value
    return fields


_PIECE = st.text(alphabet='ab1 -"\\%4+=&?;/é\u00a0\u2003\t', max_size=14)
_WORD = st.one_of(
    st.just("-"),
    st.text(alphabet="ab1.:é", min_size=1, max_size=6),
    st.text(alphabet="a\u00a0\u2003", max_size=3),
)
_OK = "10/Oct/2026:13:55:36 +0000"


@st.composite
def access_lines(draw: st.DrawFn) -> str:
    ip, ident, user = draw(_WORD), draw(_WORD), draw(_WORD)
    stamp = draw(st.sampled_from([_OK, _OK, _OK, "short", "x" * 41]))
    method = draw(st.sampled_from(["GET", "POST", "", "GET  "]))
    target = (
        "/"
        + draw(_PIECE)
        + draw(st.sampled_from(["", "?sessionid=ab12&email=a%40b.org", "?q=+x+&q=2", ";jsessionid=9"]))
    )
    request = f"{method} {target}" + draw(st.sampled_from([" HTTP/1.1", "", ' "quoted\\"', " \\"]))
    status = draw(st.sampled_from(["200", "200", "200", "20", "٣٠٠"]))  # Arabic-Indic digits are \d too
    tail = draw(st.sampled_from(["", f' "{draw(_PIECE)}" "{draw(_PIECE)}"', ' "-" "-"', ' "a\\"b" "c"']))
    size = draw(st.sampled_from(["2326", "2326", "-", "x"]))
    return f'{ip} {ident} {user} [{stamp}] "{request}" {status} {size}{tail}'


@settings(max_examples=3000, deadline=None)
@given(access_lines())
def test_the_fast_access_parser_gives_what_the_plain_one_gives(line: str) -> None:
    assert parse_access(line) == _reference(line)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ab=&+%2G40;é \u00a0", max_size=20))
def test_query_pairs_are_parse_qsl_without_blank_values(query: str) -> None:
    assert query_pairs(query) == parse_qsl(query, keep_blank_values=False)


def test_dict_order_of_fields_is_kept() -> None:
    """Fields keep the order a report lists them in."""
    line = '1.2.3.4 - bob [10/Oct/2026:13:55:36 +0000] "GET /a?sid=1&x=2 HTTP/1.1" 200 5 "http://r" "curl"'
    fields = parse_access(line)
    assert fields is not None and list(fields) == list(_reference(line) or {})
    assert list(fields) == [
        "client_ip",
        "username",
        "referrer",
        "user_agent",
        "visited_url",
        "session_id",
        "query.x",
    ]
