"""Database URLs: credentials from the URL, the environment or a pgpass-style file; never echoed."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from piscan.errors import TargetError

PASSWORD_ENV = "PISCAN_DB_PASSWORD"
PASSFILE_ENV = "PISCAN_PASSFILE"
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]*)@", re.I)


# Dialect names SQLAlchemy does not know that users' URLs carry: Heroku-style DATABASE_URLs
# (and libpq) spell PostgreSQL ``postgres://``.
DIALECT_ALIASES = {"postgres": "postgresql"}


def parse(target: str) -> URL:
    """Parse a SQLAlchemy URL; a malformed one is a TargetError that does not echo a password."""
    try:
        url = make_url(target)
    except (ArgumentError, ValueError):  # ValueError: a non-numeric port
        raise TargetError(f"not a database URL: {redact_text(target)}") from None
    dialect, plus, driver = url.drivername.partition("+")
    if dialect.lower() in DIALECT_ALIASES:
        url = url.set(drivername=DIALECT_ALIASES[dialect.lower()] + plus + driver)
    return url


def public(url: URL) -> str:
    """The URL as reports show it: no password at all, not even a mask.

    ``URL.set(password=None)`` means "leave unchanged" in SQLAlchemy 2.1, so the URL is rebuilt.
    """
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove passwords from free text: ``user:pw@`` in URLs and any known secret."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}@", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
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
