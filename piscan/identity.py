"""Canonical source identities: the same data gives the same identity however the target was
typed, so baselines made on a laptop match scans on a CI runner.

An identity is what fingerprints hash instead of the target as typed. The rules (a public
contract, documented in the README under "Source identity"):

- a name the user gave (``--source-name``, the config's ``sources``) wins: ``name:shop``;
- database URLs keep the backend, host, non-default port, database and the query parameters
  that select data; user, password, driver (``+psycopg``) and connection tuning are dropped,
  ``postgres`` is ``postgresql``, ``mariadb`` is ``mysql``, and ``localhost``, ``127.0.0.1``,
  ``::1`` and a local socket are all ``localhost``;
- local paths (SQLite files, folders, files, ``sqlite:///`` URLs) are resolved as they are
  opened (against the working folder; config files' paths are anchored at their folder first,
  ``piscan.targets.anchor``) and written relative to the root (the config file's folder, else
  the working folder): ``path:<relative>`` inside it, ``path:<absolute>`` outside it;
- ``s3://`` and ``smb://`` keep host (lowercased), share or bucket and prefix, without user,
  password, default port or trailing slash.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "[::1]", "localhost.localdomain", "ip6-localhost"}
_BACKENDS = {"postgres": "postgresql", "mariadb": "mysql", "pgsql": "postgresql"}
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433, "oracle": 1521, "smb": 445}
# Connection settings that change how piscan talks to a server, never which data it reads.
_TUNING = re.compile(
    r"^(ssl.*|connect_timeout|application_name|keepalives.*|target_session_attrs|gssencmode|"
    r"client_encoding|charset|collation|use_unicode|binary_prefix|local_infile|autocommit|"
    r"read_timeout|write_timeout|driver|trustservercertificate|encrypt|login_timeout|"
    r"channel_binding|krbsrvname|passfile|password|user|options|sslmode|tls|"
    r"unix_socket|host|port)$",
    re.I,
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,99}$")


def check_name(name: str) -> str:
    """A source name as users may give it: short, printable, no spaces."""
    if not _NAME.match(name):
        raise ValueError(
            f"source name {name!r}: use letters, digits and . _ - : / @ (at most 100, no spaces)"
        )
    return name


def canonical(target: str, root: Path | str | None = None) -> str:
    """The identity of ``target`` (without a user-given name); ``root`` anchors relative paths."""
    base = Path(root) if root else Path.cwd()  # the anchor identities are written against
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in ("s3", "smb"):
        return _remote(scheme, target)
    if scheme:
        return _database(target, base)
    return _path(Path(target).expanduser(), base)


def identity(target: str, root: Path | str | None = None, names: Mapping[str, str] | None = None) -> str:
    """The identity of ``target``: its user-given name when ``names`` (identity -> name) has one."""
    plain = canonical(target, root)
    if names and plain in names:
        return f"name:{names[plain]}"
    return plain


def name_table(pairs: Iterable[tuple[str, str]], root: Path | str | None = None) -> dict[str, str]:
    """``(target, name)`` pairs as identity -> name, so ``./x.sqlite`` names ``x.sqlite`` too."""
    out: dict[str, str] = {}
    for target, name in pairs:
        out[canonical(target, root)] = check_name(name)
    return out


def _database(target: str, base: Path) -> str:
    try:
        url = make_url(target)
    except (ArgumentError, ValueError):
        return "url:" + _strip_userinfo(target)
    backend = url.get_backend_name().lower()
    backend = _BACKENDS.get(backend, backend)
    if backend == "sqlite":
        db = url.database or ""
        if db in ("", ":memory:") or db.startswith("file:"):
            return f"sqlite:{db or ':memory:'}"
        return _path(Path(db).expanduser(), base)
    host = (url.host or "").lower()
    if host in _LOCAL_HOSTS or host.startswith("/"):
        host = "localhost"
    socket = str(url.query.get("host", ""))
    if not url.host and socket and not socket.startswith("/"):
        host = socket.lower()  # libpq's ?host=name stands for the host part
    port = url.port or _DEFAULT_PORTS.get(backend)
    shown = host if port in (None, _DEFAULT_PORTS.get(backend)) else f"{host}:{port}"
    kept = sorted((k.lower(), _value(v)) for k, v in url.query.items() if not _TUNING.match(k))
    query = "&".join(f"{k}={v}" for k, v in kept)
    return f"{backend}://{shown}/{url.database or ''}" + (f"?{query}" if query else "")


def _value(value: str | tuple[str, ...]) -> str:
    return ",".join(value) if isinstance(value, tuple) else value


def _path(path: Path, base: Path) -> str:
    full = Path(os.path.normpath(path if path.is_absolute() else Path.cwd() / path))
    with contextlib.suppress(OSError):  # a loop of symbolic links: keep the normalised path
        full = full.resolve()
    anchor = base.resolve()
    try:
        rel = full.relative_to(anchor)
    except ValueError:
        return f"path:{full.as_posix()}"
    text = PurePosixPath(rel.as_posix()).as_posix()
    return f"path:{text}" if text != "." else "path:."


def _remote(scheme: str, target: str) -> str:
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    shown = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = unquote(parts.path).rstrip("/")
    return f"{scheme}://{shown}{path}"


def _strip_userinfo(target: str) -> str:
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", r"\1", target, flags=re.I)
