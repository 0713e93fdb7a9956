"""Where a SARIF result points, so that code hosts accept it: every result gets a physical location.

GitHub code scanning rejects a result without ``physicalLocation.artifactLocation.uri`` and
wants the URI relative to the repository. So: a file inside the repository (or an SQLite file)
is a path under ``%SRCROOT%``; a file or table elsewhere is a path under one base id per
source (``SOURCE1``), whose absolute URI ``originalUriBaseIds`` gives; with a schema file
(``--sarif-schema-file db/schema.sql``) every table points at the line that creates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from piscan.model import Location

SRCROOT = "%SRCROOT%"
_SAFE = "/!$&'()*+,;=:@-._~"
_LINE = re.compile(r"^L(\d+)(?:[:.](.*))?$")  # ``#L12`` or ``#L12:user.email`` in a file location
# URL schemes of file targets; every other ``scheme://`` source is a database URL.
FILE_SCHEMES = frozenset({"file", "s3", "smb", "gs", "gcs", "az", "abfs", "sftp", "ftp", "http", "https"})
_PART = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$]+)'  # an identifier, bare or quoted
_CREATE = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?(?:(?:global\s+|local\s+)?temp(?:orary)?\s+|unlogged\s+)?"
    rf"(?:table|view|materialized\s+view)\s+(?:if\s+not\s+exists\s+)?(?P<name>{_PART}(?:\s*\.\s*{_PART})*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileParts:
    """A file location split for SARIF: the file on disk, an archive member, a field and a line."""

    file: str
    member: str = ""
    field: str = ""
    line: int | None = None


def is_file(loc: Location) -> bool:
    """Files render their own path (``display``); database columns are dotted parts of a database URL."""
    if loc.display:  # a database column's ``#`` is a JSON field path (``payload#customer.email``)
        return True
    scheme, sep, _ = loc.source.partition("://")
    return bool(sep) and scheme.lower() in FILE_SCHEMES


def file_parts(loc: Location) -> FileParts:
    """Split ``path[!member][#field]``; a field ``L12`` or ``L12:field`` names line 12."""
    path, _, field = loc.path.partition("#")
    outer, _, member = path.partition("!")
    line = None
    match = _LINE.match(field)
    if match:
        line, field = int(match.group(1)), match.group(2) or ""
    return FileParts(outer, member, field, line)


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder holding ``.git`` (where CI checks the repository out), else the start."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def uri_reference(path: str) -> str:
    """A relative URI reference: forward slashes, no leading slash, unsafe characters escaped."""
    return quote(path.replace("\\", "/").lstrip("/"), safe=_SAFE)


class Locator:
    """Physical locations for one SARIF log; collects the base ids it hands out."""

    def __init__(self, root: Path, schema_file: Path | None = None) -> None:
        self.root = root.resolve()
        self.bases: dict[str, str] = {}  # source -> base id
        self.uris: dict[str, str] = {}  # base id -> absolute URI ending in "/"
        self.schema = SchemaFile(schema_file) if schema_file else None

    def physical(self, loc: Location, first_line: int | None = None) -> dict[str, object]:
        """``artifactLocation`` (uri + uriBaseId) and a region; line 1 when no line is known.

        GitHub requires ``region.startLine``; a table or a file as a whole starts at line 1.
        """
        if is_file(loc):
            parts = file_parts(loc)
            artifact = self._file(loc.source, parts.file)
            line = parts.line if parts.line and parts.line > 0 else first_line
        elif self.schema is not None:
            artifact = self._local(self.schema.path, self.schema.path.name)
            line = self.schema.line(loc.parts)
        else:
            artifact = self._table(loc)
            line = None
        return {"artifactLocation": artifact, "region": {"startLine": line if line and line > 0 else 1}}

    def original_uri_base_ids(self) -> dict[str, dict[str, object]]:
        """``%SRCROOT%`` and every source's base id with its absolute URI."""
        out: dict[str, dict[str, object]] = {
            SRCROOT: {"uri": _dir_uri(self.root), "description": {"text": "The repository root."}}
        }
        for source, base in self.bases.items():
            out[base] = {"uri": self.uris[base], "description": {"text": f"Scanned source {source}"}}
        return out

    def _file(self, source: str, path: str) -> dict[str, str]:
        local = _local_root(source)
        if local is None:
            return self._under(source, _url_base(source), uri_reference(path))
        return self._local(local / path, path, source, local)

    def _table(self, loc: Location) -> dict[str, str]:
        sqlite = Path(loc.source)
        if "://" not in loc.source and sqlite.is_file():
            return self._local(sqlite, sqlite.name)
        table = "/".join(quote(p, safe="") for p in loc.parts[:-1]) or quote(loc.path, safe="")
        return self._under(loc.source, _url_base(loc.source), table)

    def _local(self, path: Path, rel: str, source: str = "", base: Path | None = None) -> dict[str, str]:
        """Inside the repository: relative to %SRCROOT%; elsewhere: under the source's own base."""
        full = path.resolve()
        if full.is_relative_to(self.root):
            return {"uri": uri_reference(full.relative_to(self.root).as_posix()), "uriBaseId": SRCROOT}
        folder = base.resolve() if base is not None else full.parent
        return self._under(source or str(folder), _dir_uri(folder), uri_reference(rel))

    def _under(self, source: str, base_uri: str, uri: str) -> dict[str, str]:
        base = self.bases.setdefault(source, f"SOURCE{len(self.bases) + 1}")
        self.uris[base] = base_uri
        return {"uri": uri, "uriBaseId": base}


class SchemaFile:
    """A user's schema (``CREATE TABLE`` statements): the line that defines a table or column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            self.lines = []

    def line(self, parts: tuple[str, ...]) -> int | None:
        """The column's line inside its table's statement, else the statement's line, else None."""
        *container, column = parts
        column = column.split("#", 1)[0]  # a JSON field path points at its column's line
        if not container:
            return None
        start = self._table_line(container[-1], container[0] if len(container) > 1 else "")
        if start is None:
            return None
        for i in range(start - 1, len(self.lines)):  # from the CREATE line to the statement's end
            text = self.lines[i]
            if i >= start and _first_word(text) == column.lower():
                return i + 1
            if ";" in text or (i >= start and _CREATE.search(text)):
                break
        return start

    def _table_line(self, table: str, schema: str) -> int | None:
        fallback = None
        for i, text in enumerate(self.lines):
            match = _CREATE.search(text)
            if not match:
                continue
            name = [_unquote(p).lower() for p in re.findall(_PART, match.group("name"))]
            if name[-1] != table.lower():
                continue
            if len(name) == 1 or name[-2] == schema.lower():
                return i + 1
            fallback = fallback or i + 1
        return fallback


def _first_word(text: str) -> str:
    word = text.strip().split(None, 1)[0] if text.strip() else ""
    return _unquote(word.rstrip(",")).lower()


def _unquote(name: str) -> str:
    return name.strip().strip('"`[]')


def _local_root(source: str) -> Path | None:
    """The folder a local file target's paths are relative to (a single file: its folder)."""
    if "://" in source:
        return None
    path = Path(source).expanduser()
    if path.is_dir():
        return path
    return path.parent if path.exists() else None


def _dir_uri(folder: Path) -> str:
    uri = folder.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _url_base(source: str) -> str:
    """A source URL (no password, no query) ending in ``/``, as SARIF base URIs must."""
    if "://" not in source:
        return "file:///" + quote(source.strip("/"), safe=_SAFE) + "/"
    parts = urlsplit(source)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
