"""The inventory store's tables at the head revision, for the queries (migrations keep their own copy).

Times are ISO-8601 UTC strings as ScanResult carries them: they sort as text and read back
unchanged on every dialect. Tables carry a ``piscan_`` prefix so a shared team database can
hold them beside other applications' tables.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Verdict ids grow fastest; SQLite needs a plain INTEGER for its rowid alias.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

scans = sa.Table(
    "piscan_scans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started", sa.String(40), nullable=False),
    sa.Column("finished", sa.String(40), nullable=False),
    sa.Column("recorded", sa.String(40), nullable=False),
    sa.Column("tool_version", sa.String(40), nullable=False),
    sa.Column("rules_digest", sa.String(80), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("interrupted", sa.Boolean, nullable=False),
    sa.Column("tables_scanned", sa.Integer, nullable=False),
    sa.Column("findings", sa.Integer, nullable=False),
    sa.Column("undeclared", sa.Integer, nullable=False),
)

targets = sa.Table(
    "piscan_targets",
    metadata,
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # scanned, partial or failed
)

policies = sa.Table(
    "piscan_policies",
    metadata,
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), primary_key=True),
    sa.Column("policy", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)

categories = sa.Table(
    "piscan_categories",
    metadata,
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), primary_key=True),
    sa.Column("policy", sa.String(64), primary_key=True),
    sa.Column("category", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("declared", sa.Boolean, nullable=False),
    sa.Column("wording", sa.Text, nullable=False),
    sa.Column("entities", sa.JSON, nullable=False),
)

verdicts = sa.Table(
    "piscan_verdicts",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("policy", sa.String(64), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("category_name", sa.Text, nullable=False),
    sa.Column("declared", sa.Boolean, nullable=False),
    sa.Column("matches", sa.Integer, nullable=False),
    sa.Column("sampled", sa.Integer, nullable=False),
    sa.Column("rows_sampled", sa.Integer, nullable=False),  # rows read, nulls included
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("evidence", sa.String(16), nullable=False),
    sa.Column("example", sa.Text, nullable=False),  # masked by piscan.mask, never raw
    sa.Column("fingerprint", sa.String(32), nullable=False),
)

skipped = sa.Table(
    "piscan_skipped",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # skipped or note
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

coverage = sa.Table(
    "piscan_coverage",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("location", sa.Text, nullable=False),
    sa.Column("rows_sampled", sa.Integer, nullable=False),  # rows read, nulls included
    sa.Column("sampled", sa.Integer, nullable=False),
)
