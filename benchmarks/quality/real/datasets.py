"""How each corpus database loads, as the corpora README documents it: data, not code paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def corpora_root() -> Path:
    """``$PISCAN_CORPORA`` or ``<repo>/../shared/corpora`` (beside the clone in CI)."""
    env = os.environ.get("PISCAN_CORPORA")
    return Path(env) if env else ROOT.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Recipe:
    """One database's load steps under corpora/: a dump file, or a CSV folder with scripts."""

    dataset: str
    folder: str  # under corpora/databases/
    pg_dump: str = ""  # a SQL file (``.gz`` or plain) piped into psql
    sqlite_dump: str = ""  # a SQL file piped into sqlite3
    scripts: bool = False  # schema.sql + load_pg.sql / load_sqlite.sql, run from inside the folder

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines the README says this database loads in."""
        sqlite = self.scripts or bool(self.sqlite_dump)
        return ("postgresql", "sqlite") if sqlite else ("postgresql",)


RECIPES: dict[str, Recipe] = {
    r.dataset: r
    for r in (
        Recipe("netflix", "neon_samples", pg_dump="netflix.sql.gz"),
        Recipe("titanic", "neon_samples", pg_dump="titanic.sql.gz"),
        Recipe("periodic_table", "neon_samples", pg_dump="periodic_table.sql"),
        Recipe("happiness_index", "neon_samples", pg_dump="happiness_index.sql"),
        Recipe("northwind", "northwind", pg_dump="northwind.sql.gz"),
        Recipe("oracle_hr", "oracle_hr", pg_dump="hr.sql", sqlite_dump="hr.sql"),
        Recipe("oracle_co", "oracle_co", pg_dump="co.sql.gz", sqlite_dump="co.sqlite.sql.gz"),
        Recipe("us_congress", "us_congress", scripts=True),
        Recipe("mimic_demo", "mimic_demo", scripts=True),
        Recipe("education", "education", scripts=True),
        Recipe("world", "world", scripts=True),
        Recipe("books", "books", scripts=True),
    )
}
