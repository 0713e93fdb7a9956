"""Where the store lives (a user's SQLite file or any SQLAlchemy URL) and how it is reached safely."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

from piscan.errors import TargetError
from piscan.sources import credentials
from piscan.store.errors import StoreError

DATA_DIR_ENV = "PISCAN_DATA_DIR"
STORE_URL_ENV = "PISCAN_STORE_URL"
FILE_NAME = "inventory.sqlite"
CONNECT_TIMEOUT = 10


def data_dir() -> Path:
    """PISCAN_DATA_DIR, else $XDG_DATA_HOME/piscan, else ~/.local/share/piscan."""
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative paths
        return Path(xdg) / "piscan"
    return Path.home() / ".local" / "share" / "piscan"


def resolve_url(spec: str | None) -> URL:
    """An explicit URL or SQLite path, else PISCAN_STORE_URL, else the file in the data directory."""
    spec = spec or os.environ.get(STORE_URL_ENV) or str(data_dir() / FILE_NAME)
    if "://" not in spec:
        return URL.create("sqlite", database=str(Path(spec).expanduser().resolve()))
    try:
        url = credentials.parse(spec)
    except TargetError as exc:
        raise StoreError(f"inventory store: {exc}") from None
    except ValueError:  # make_url raises it for a port that is not a number
        raise StoreError(f"inventory store: not a database URL: {credentials.redact_text(spec)}") from None
    if url.password or url.get_backend_name() == "sqlite":
        return url
    found = credentials.passfile_lookup(url)  # PISCAN_DB_PASSWORD is for scan targets, not the store
    return url.set(password=found) if found else url


def public(url: URL) -> str:
    """The store URL as messages show it: never with a password."""
    return credentials.public(url)


def create(url: URL) -> Engine:
    """An engine for the store; a missing driver or folder is a one-line StoreError."""
    backend = url.get_backend_name()
    args: dict[str, object] = {}
    if backend == "sqlite":
        _make_folder(url)
        args = {"timeout": 30}  # concurrent scans wait for each other's writes
    elif backend in {"postgresql", "mysql", "mariadb"}:
        args = {"connect_timeout": CONNECT_TIMEOUT}
    with guard(url, "cannot open"):
        try:
            engine = create_engine(url, connect_args=args)
        except NoSuchModuleError:
            raise StoreError(
                f"inventory store: unknown database dialect or driver {url.drivername!r}"
            ) from None
        except ImportError as exc:
            raise StoreError(
                f"inventory store: driver for {url.drivername!r} not installed ({exc.name})"
            ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _make_folder(url: URL) -> None:
    if not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the inventory store folder {folder}: {exc.strerror or exc}"
        ) from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")  # a constant pragma: no values are formatted in
    cursor.close()


@contextmanager
def guard(url: URL, doing: str) -> Iterator[None]:
    """Turn database errors into a StoreError whose one line names the store without its password."""
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = detail[0] if detail else type(exc).__name__
        secrets = (url.password,) if url.password else ()
        message = credentials.redact_text(first, tuple(str(s) for s in secrets))
        raise StoreError(f"{doing} inventory store {public(url)}: {message}") from None
