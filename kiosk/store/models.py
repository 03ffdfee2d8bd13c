"""ORM tables. Rows never leave the store: its functions return plain dataclasses."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kiosk.domain.states import DossierState

STATE_CHECK = "state IN ({})".format(", ".join(f"'{s.value}'" for s in DossierState))


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as fixed-width ISO text in UTC (sorts as it compares)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class CodeCounter(Base):
    """The last dossier sequence number this kiosk issued on a given day."""

    __tablename__ = "code_counters"
    __table_args__ = (CheckConstraint("last_sequence >= 0", name="ck_code_counters_positive"),)

    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date
    last_sequence: Mapped[int] = mapped_column(Integer, nullable=False)


class DossierRow(Base):
    """One sealed dossier. Its payload and hash never change after sealing, until the
    retention purge replaces them by the minimal payload (``purged_at`` set, migration 0005)."""

    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="ck_dossiers_state"),
        CheckConstraint("attempts >= 0", name="ck_dossiers_attempts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    official_code: Mapped[str | None] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(32))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    portal_status: Mapped[int | None] = mapped_column(Integer)
    portal_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # the sync owner sending it
    # The resident's draft: sealing it again finds this row instead of a second dossier.
    draft_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AttachmentRow(Base):
    """One uploaded file of a dossier, pointing at its bytes by sha256."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("dossier_id", "position", name="uq_attachments_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    component_code: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    portal_file_id: Mapped[str | None] = mapped_column(String(128))


class StatusEventRow(Base):
    """One step of the portal's timeline (TrangThaiHoSo) for a sent dossier."""

    __tablename__ = "status_events"
    __table_args__ = (UniqueConstraint("dossier_id", "status", "at", name="uq_status_events"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")


class SyncCursor(Base):
    """Small named values the sync worker must remember (the changed_since cursors)."""

    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncLeaseRow(Base):
    """Who syncs now: one row while an owner holds the lease (STYLE.md §22)."""

    __tablename__ = "sync_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SyncHealthRow(Base):
    """How syncing last went, whoever did it."""

    __tablename__ = "sync_health"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_pass_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_failure_code: Mapped[str | None] = mapped_column(String(64))
    last_failure_message: Mapped[str | None] = mapped_column(Text)
    failures_in_row: Mapped[int] = mapped_column(Integer, default=0)


class OfficialRow(Base):
    """An official of the office who may sign in on this kiosk (the PIN only as Argon2id)."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignInGuardRow(Base):
    """Wrong PINs in a row and the lock they caused: kept here so a restart does not lift it."""

    __tablename__ = "signin_guard"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    failures_in_row: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """One line of the append-only audit log (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class HelpCallRow(Base):
    """A resident's «Gọi cán bộ hỗ trợ»: open until an official takes it over or it closes."""

    __tablename__ = "help_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    screen: Mapped[str] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(8), index=True)
    taken_by: Mapped[str | None] = mapped_column(String(32))
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RatingRow(Base):
    """A resident's satisfaction rating, queued for the portal (PORTAL_API.md §7)."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    dossier_code: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    level: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    portal_id: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SettingRow(Base):
    """A setting an official changed on the dashboard (it wins over the config file)."""

    __tablename__ = "kiosk_settings"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
