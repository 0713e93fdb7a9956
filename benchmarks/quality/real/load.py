"""Load a corpus database into PostgreSQL or an SQLite file with the README's own commands."""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

from benchmarks.quality.real.datasets import Recipe, corpora_root

log = logging.getLogger(__name__)

PG_HOST = os.environ.get("PISCAN_REAL_PGHOST", "127.0.0.1")
PG_USER = os.environ.get("PISCAN_REAL_PGUSER", "postgres")
_PG = ("-h", PG_HOST, "-U", PG_USER)


class LoadError(RuntimeError):
    """A corpus database did not load: the message names the dataset and the failing command."""


def _run(cmd: list[str], recipe: Recipe, *, stdin: bytes | None = None, cwd: Path | None = None) -> None:
    done = subprocess.run(cmd, input=stdin, cwd=cwd, capture_output=True, check=False)
    if done.returncode:
        err = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        raise LoadError(f"{recipe.dataset}: {cmd[0]} failed: {err[0]}")


def _read(path: Path) -> bytes:
    """A dump's bytes, gunzipped when the README says ``gzip -dc``."""
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def _psql(db: str) -> list[str]:
    return ["psql", *_PG, "-v", "ON_ERROR_STOP=1", "-q", "-d", db]


def load_pg(recipe: Recipe, db: str) -> None:
    """Create ``db`` and load the dataset into it (README: ``gzip -dc x.sql.gz | psql`` or the scripts)."""
    folder = corpora_root() / "databases" / recipe.folder
    _run(["createdb", *_PG, db], recipe)
    if recipe.scripts:
        _run([*_psql(db), "-f", "schema.sql", "-f", "load_pg.sql"], recipe, cwd=folder)
    else:
        _run(_psql(db), recipe, stdin=_read(folder / recipe.pg_dump))


def drop_pg(db: str) -> None:
    """Drop a database this harness created; never fails the run."""
    subprocess.run(["dropdb", *_PG, "--if-exists", "--force", db], capture_output=True, check=False)


def load_sqlite(recipe: Recipe, path: Path) -> None:
    """Build the SQLite file (README: ``sqlite3 -bail db < dump`` or schema.sql then load_sqlite.sql)."""
    folder = corpora_root() / "databases" / recipe.folder
    path.unlink(missing_ok=True)
    if recipe.scripts:
        for script in ("schema.sql", "load_sqlite.sql"):
            _run(["sqlite3", "-bail", str(path)], recipe, stdin=(folder / script).read_bytes(), cwd=folder)
    else:
        _run(["sqlite3", "-bail", str(path)], recipe, stdin=_read(folder / recipe.sqlite_dump))


@contextlib.contextmanager
def loaded(recipe: Recipe, engine: str, tmp: Path) -> Iterator[str]:
    """A scan target URL for the dataset in that engine, removed again on exit."""
    if engine == "sqlite":
        path = tmp / f"{recipe.dataset}.sqlite"
        load_sqlite(recipe, path)
        yield str(path)
        return
    db = f"realq_{recipe.dataset}_{secrets.token_hex(4)}"
    try:
        load_pg(recipe, db)
        yield f"postgresql://{PG_USER}@{PG_HOST}:5432/{db}"
    finally:
        drop_pg(db)
