"""Dossier code counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_counters",
        sa.Column("agency", sa.String(40), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("last_sequence", sa.Integer, nullable=False),
        sa.CheckConstraint("last_sequence >= 0", name="ck_code_counters_positive"),
    )


def downgrade() -> None:
    op.drop_table("code_counters")
