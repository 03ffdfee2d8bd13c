"""One sync owner at a time, one dossier per draft, and how sync last went.

- ``dossiers.claimed_by``: the sync owner sending a SENDING row; recovery and result
  updates are fenced on it, so a second worker never resets or records a row it
  does not own.
- ``dossiers.draft_key``: the resident's draft; sealing the same draft again
  returns the dossier already sealed (a repeated tap never seals two).
- ``sync_lease``: who syncs now (owner, host, pid, heartbeat, expiry).
- ``sync_health``: the last pass, the last contact with the portal and the last
  failure with its reason, for ``kiosk doctor``, ``kiosk queue`` and the dashboard.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(120)))
        batch.add_column(sa.Column("draft_key", sa.String(64)))
        batch.create_index("ix_dossiers_draft_key", ["draft_key"], unique=True)
    op.create_table(
        "sync_lease",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("acquired_at", sa.String(32), nullable=False),
        sa.Column("heartbeat_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "sync_health",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("last_pass_at", sa.String(32)),
        sa.Column("last_contact_at", sa.String(32)),
        sa.Column("last_failure_at", sa.String(32)),
        sa.Column("last_failure_code", sa.String(64)),
        sa.Column("last_failure_message", sa.Text),
        sa.Column("failures_in_row", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_health")
    op.drop_table("sync_lease")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index("ix_dossiers_draft_key")
        batch.drop_column("draft_key")
        batch.drop_column("claimed_by")
