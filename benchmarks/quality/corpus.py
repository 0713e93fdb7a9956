"""The whole labeled corpus, from one seed, and its SQLite rendering."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Text,
    create_engine,
    insert,
)
from sqlalchemy import Table as SqlTable

from benchmarks.quality.cases import Field, Table
from benchmarks.quality.fields import text_tables
from benchmarks.quality.generated import LOCALES, Gen, locale_tables
from benchmarks.quality.hard import hard_tables
from benchmarks.quality.negative import negative_tables

SEED = 20260405
_TYPES = {
    "text": Text,
    "int": Integer,
    "real": Float,
    "date": Date,
    "datetime": DateTime,
    "blob": LargeBinary,
}


@dataclass(frozen=True)
class Corpus:
    """Labeled tables, and the labeled text fields (per table.column) for field-level figures."""

    tables: tuple[Table, ...]
    fields: dict[str, list[Field]]


def build_corpus(seed: int = SEED, locales: tuple[str, ...] = LOCALES) -> Corpus:
    """Generated tables for every locale, then the hand-written hard and negative tables."""
    tables: list[Table] = []
    fields: dict[str, list[Field]] = {}
    for i, locale in enumerate(locales):
        tables += locale_tables(locale, seed + i)
        table, labeled = text_tables(Gen(locale, seed + 100 + i))
        tables.append(table)
        fields.update({f"{table.name}.{name}": values for name, values in labeled.items()})
    tables += hard_tables(seed)
    tables += negative_tables(seed)
    return Corpus(tuple(tables), fields)


def write_sqlite(corpus: Corpus, path: Path) -> None:
    """Create one SQLite file holding every table of the corpus."""
    path.unlink(missing_ok=True)
    metadata = MetaData()
    built = []
    for table in corpus.tables:
        columns = [Column(c.name, _TYPES[c.sql_type]) for c in table.columns]
        built.append((SqlTable(table.name, metadata, *columns), table))
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        for sql_table, table in built:
            rows = [
                dict(zip([c.name for c in table.columns], values, strict=True))
                for values in zip(*(c.values for c in table.columns), strict=True)
            ]
            conn.execute(insert(sql_table), rows)
    engine.dispose()
