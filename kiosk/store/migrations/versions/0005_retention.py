"""Retention: when a dossier's personal data and files were erased.

- ``dossiers.purged_at``: set by the retention purge (``kiosk.store.retention``) once
  the portal holds the dossier and its retention has passed; from then on the row's
  payload is the minimal one (code, procedure, dates, fees, masked name and ID) and
  its attachment rows and files are gone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("purged_at", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("purged_at")
