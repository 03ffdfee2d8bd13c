"""The official's side: accounts, the sign-in lock, the audit log, help calls, ratings, settings.

- ``officials``: staff id, name, role, the PIN as an Argon2id hash, disabled.
- ``signin_guard``: wrong PINs in a row and the lock they caused (survives restarts).
- ``audit_log``: append-only (triggers abort every UPDATE and DELETE), each row chained
  to the one before by a sha256 so an edit made around the triggers shows.
- ``help_calls``: a resident's call for help, open → taken → closed.
- ``ratings``: satisfaction ratings waiting for the portal (PORTAL_API.md §7).
- ``kiosk_settings``: the few settings an official changes on the dashboard.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_APPEND_ONLY = (
    "CREATE TRIGGER audit_log_no_{verb} BEFORE {op} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
)


def upgrade() -> None:
    op.create_table(
        "officials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.CheckConstraint("role IN ('can_bo', 'quan_tri')", name="ck_officials_role"),
    )
    op.create_table(
        "signin_guard",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("failures_in_row", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.String(32)),
        sa.CheckConstraint("failures_in_row >= 0", name="ck_signin_guard_failures"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False, index=True),
        sa.Column("actor", sa.String(160), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sqlite_autoincrement=True,  # ids never reused, even after the newest row is gone
    )
    op.execute(_APPEND_ONLY.format(verb="update", op="UPDATE"))
    op.execute(_APPEND_ONLY.format(verb="delete", op="DELETE"))
    op.create_table(
        "help_calls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("screen", sa.String(40), nullable=False),
        sa.Column("step", sa.String(80)),
        sa.Column("state", sa.String(8), nullable=False, index=True),
        sa.Column("taken_by", sa.String(32)),
        sa.Column("taken_at", sa.String(32)),
        sa.Column("closed_at", sa.String(32)),
        sa.CheckConstraint("state IN ('open', 'taken', 'closed')", name="ck_help_calls_state"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("dossier_code", sa.String(64)),
        sa.Column("at", sa.String(32), nullable=False, index=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("state", sa.String(8), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.String(32), nullable=False),
        sa.Column("last_error_code", sa.String(64)),
        sa.Column("last_error_message", sa.Text),
        sa.Column("portal_id", sa.String(128)),
        sa.Column("sent_at", sa.String(32)),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_ratings_level"),
        sa.CheckConstraint("state IN ('PENDING', 'SENT', 'FAILED')", name="ck_ratings_state"),
        sa.CheckConstraint("attempts >= 0", name="ck_ratings_attempts"),
    )
    op.create_table(
        "kiosk_settings",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in ("kiosk_settings", "ratings", "help_calls", "audit_log", "signin_guard",
                  "officials"):
        op.drop_table(table)  # dropping audit_log drops its triggers with it
