"""Scans with their targets, policies (categories and wording) and verdict rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the tables of the first store schema (types frozen here, not imported)."""
    op.create_table(
        "piscan_scans",
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
    scan_fk = sa.ForeignKey("piscan_scans.id")
    op.create_table(
        "piscan_targets",
        sa.Column("scan_id", sa.Integer, scan_fk, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "piscan_policies",
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), primary_key=True),
        sa.Column("policy", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "piscan_categories",
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), primary_key=True),
        sa.Column("policy", sa.String(64), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("declared", sa.Boolean, nullable=False),
        sa.Column("wording", sa.Text, nullable=False),
        sa.Column("entities", sa.JSON, nullable=False),
    )
    op.create_table(
        "piscan_verdicts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("piscan_scans.id"), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("policy", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("category_name", sa.Text, nullable=False),
        sa.Column("declared", sa.Boolean, nullable=False),
        sa.Column("matches", sa.Integer, nullable=False),
        sa.Column("sampled", sa.Integer, nullable=False),
        sa.Column("rows_sampled", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("evidence", sa.String(16), nullable=False),
        sa.Column("example", sa.Text, nullable=False),
    )
    op.create_index("ix_piscan_verdicts_scan_id", "piscan_verdicts", ["scan_id"])


def downgrade() -> None:
    """Drop every store table."""
    op.drop_index("ix_piscan_verdicts_scan_id", "piscan_verdicts")
    for name in ("piscan_verdicts", "piscan_categories", "piscan_policies", "piscan_targets", "piscan_scans"):
        op.drop_table(name)
