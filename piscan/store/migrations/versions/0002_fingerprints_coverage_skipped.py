"""Verdict fingerprints (backfilled), skipped items and notes, and per-location coverage.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHUNK = 1000


def fingerprint(source: str, location: str, entity: str, policy: str, category: str) -> str:
    """piscan.fingerprint as of this revision, frozen here so later changes cannot alter history."""
    key = "\x1f".join((source, location, entity, policy, category))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def upgrade() -> None:
    """Add and backfill verdicts.fingerprint, then create the skipped and coverage tables."""
    op.add_column("piscan_verdicts", sa.Column("fingerprint", sa.String(32), nullable=True))
    _backfill_fingerprints()
    with op.batch_alter_table("piscan_verdicts") as batch:
        batch.alter_column("fingerprint", existing_type=sa.String(32), nullable=False)
    op.create_table(
        "piscan_skipped",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "piscan_coverage",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False, index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("rows_sampled", sa.Integer, nullable=False),
        sa.Column("sampled", sa.Integer, nullable=False),
    )


def _backfill_fingerprints() -> None:
    bind = op.get_bind()
    verdicts = sa.table(
        "piscan_verdicts",
        *(sa.column(n) for n in ("id", "source", "location", "entity", "policy", "category", "fingerprint")),
    )
    keys = ("source", "location", "entity", "policy", "category")
    rows = bind.execute(sa.select(verdicts.c.id, *(verdicts.c[k] for k in keys))).all()
    update = (
        sa.update(verdicts).where(verdicts.c.id == sa.bindparam("vid")).values(fingerprint=sa.bindparam("fp"))
    )
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        bind.execute(update, [{"vid": r.id, "fp": fingerprint(*r[1:])} for r in chunk])


def downgrade() -> None:
    """Drop the 0002 tables and column."""
    op.drop_table("piscan_coverage")
    op.drop_table("piscan_skipped")
    with op.batch_alter_table("piscan_verdicts") as batch:
        batch.drop_column("fingerprint")
