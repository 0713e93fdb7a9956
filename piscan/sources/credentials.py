"""Database URLs: credentials from the URL, the environment or a pgpass-style file; never echoed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from piscan.errors import TargetError

PASSWORD_ENV = "PISCAN_DB_PASSWORD"
PASSFILE_ENV = "PISCAN_PASSFILE"
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:/+", re.I)
_PASSWORD_KEYS = {"password", "passwd", "pwd", "sslpassword"}
_SECRETS: set[str] = set()  # every password seen in a target of this process (workers inherit it)
MIN_SECRET = 4  # shorter secrets are removed where they stand in a URL, not from all text


def split_secret(target: str) -> tuple[str, str | None]:
    """(target without its password, the password) before any parsing: the password is whatever
    lies between the user's ``:`` and the last ``@``, however malformed the rest is (no scheme,
    ``postgresql:/`` with one slash, ``@``, ``/`` or spaces inside the password)."""
    at = target.rfind("@")
    if at < 0:
        return target, None
    scheme = _SCHEME.search(target, 0, at)
    start = scheme.end() if scheme else 0
    userinfo = target[start:at]
    if at < start or ":" not in userinfo:
        return target, None
    user, secret = userinfo.split(":", 1)
    return target[:start] + user + target[at:], secret


def remember(target: str) -> str:
    """Note the target's password as a secret to remove from every message; returns the target
    without it."""
    bare, secret = split_secret(target)
    for value in (secret, *_query_secrets(bare)):
        if value:
            _SECRETS.update({value, unquote(value), quote(unquote(value), safe="")})
    return redact_text(bare)


def _query_secrets(target: str) -> list[str]:
    query = target.partition("?")[2]
    pairs = (part.partition("=") for part in query.split("&"))
    return [value for key, _, value in pairs if key.lower() in _PASSWORD_KEYS]


# Dialect names SQLAlchemy does not know that users' URLs carry: Heroku-style DATABASE_URLs
# (and libpq) spell PostgreSQL ``postgres://``.
DIALECT_ALIASES = {"postgres": "postgresql"}


def parse(target: str) -> URL:
    """Parse a SQLAlchemy URL with the password taken out first, so no parsing error, misread
    host or message can carry it; a malformed URL is a TargetError without it."""
    remember(target)
    bare, secret = split_secret(target)
    try:
        url = make_url(bare)
    except (ArgumentError, ValueError):  # ValueError: a non-numeric port
        raise TargetError(f"not a database URL: {redact_text(bare)}") from None
    dialect, plus, driver = url.drivername.partition("+")
    if dialect.lower() in DIALECT_ALIASES:
        url = url.set(drivername=DIALECT_ALIASES[dialect.lower()] + plus + driver)
    return url.set(password=unquote(secret)) if secret else url


def public(url: URL) -> str:
    """The URL as reports show it: no password at all, not even a mask.

    ``URL.set(password=None)`` means "leave unchanged" in SQLAlchemy 2.1, so the URL is rebuilt.
    """
    query = {k: v for k, v in url.query.items() if k.lower() not in _PASSWORD_KEYS}
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, query)
    return bare.render_as_string(hide_password=False)


def redact_target(target: str) -> str:
    """A whole target as messages may show it: split before any word boundary, so a password
    with spaces goes too."""
    return redact_text(split_secret(target)[0])


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove passwords from free text: any known secret first (whole, before a word split can
    cut it), then ``user:pw@`` in URLs and ``password=`` parameters."""
    for secret in sorted({*secrets, *_SECRETS}, key=len, reverse=True):
        if secret and len(secret) >= MIN_SECRET:
            text = text.replace(secret, "***")
    text = re.sub(r"\S+", lambda word: split_secret(word.group())[0], text)
    for key in _PASSWORD_KEYS:
        text = re.sub(rf"(?i)\b({key})=[^&\s]*", r"\1=***", text)
    return text


def with_password(url: URL) -> URL:
    """Fill in a missing password from PISCAN_DB_PASSWORD or a pgpass-style file.

    The passfile is PISCAN_PASSFILE, else ~/.pgpass; lines are
    ``host:port:database:user:password`` with ``*`` wildcards, as libpq reads them.
    """
    if url.password or url.drivername.startswith("sqlite"):
        return url
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return url.set(password=env)
    found = passfile_lookup(url)
    return url.set(password=found) if found else url


def passfile_lookup(url: URL) -> str | None:
    """The first matching password in the pgpass-style file, or None."""
    path = Path(os.environ.get(PASSFILE_ENV) or Path.home() / ".pgpass")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    wanted = [
        url.host or "localhost",
        str(url.port or _default_port(url)),
        url.database or "",
        url.username or "",
    ]
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _split_passfile_line(line)
        if len(fields) != 5:
            continue
        if all(f == "*" or f == w for f, w in zip(fields[:4], wanted, strict=True)):
            return fields[4]
    return None


def _split_passfile_line(line: str) -> list[str]:
    fields, current, escaped = [], "", False
    for ch in line:
        if escaped:
            current, escaped = current + ch, False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            fields.append(current)
            current = ""
        else:
            current += ch
    fields.append(current)
    return fields


def _default_port(url: URL) -> int:
    backend = url.get_backend_name()
    return {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "mssql": 1433}.get(backend, 0)
