"""Officials' accounts and the PIN sign-in, with its lock kept across restarts.

A PIN is stored only as an Argon2id hash (argon2-cffi, RFC 9106's low-memory
profile).  The PIN pad asks for the PIN alone, so a sign-in checks it against
every active official's hash — which is also why two officials may not share a
PIN.  ``MAX_FAILURES`` wrong PINs in a row lock the pad for ``LOCK_SECONDS``;
the count and the lock live in ``signin_guard``, so pulling the plug does not
reset them.  Every attempt, every lock and every account change is audited, in
the same transaction as the change.  Hashing is slow by design: the UI calls
``sign_in`` on its background runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.draft import Helper
from kiosk.domain.errors import DomainError
from kiosk.domain.officials import (
    LOCK_SECONDS,
    MAX_FAILURES,
    MESSAGES,
    validate_name,
    validate_pin,
    validate_role,
    validate_staff_id,
)
from kiosk.store.audit import KIOSK_ACTOR, append_in
from kiosk.store.db import Database
from kiosk.store.models import OfficialRow, SignInGuardRow

GUARD = "pin_pad"


class OfficialError(DomainError):
    """An account change that cannot be made (unknown or duplicate staff id, PIN taken)."""


@dataclass(frozen=True)
class Official:
    id: int
    staff_id: str
    name: str
    role: str
    disabled: bool
    created_at: datetime

    @property
    def helper_label(self) -> str:
        return self.helper.label

    @property
    def helper(self) -> Helper:
        """What an assisted dossier carries as NguoiHoTro."""
        return Helper(self.name, self.staff_id)


@dataclass(frozen=True)
class SignIn:
    """The answer to one PIN: who, or how many tries are left, or locked until when."""

    official: Official | None
    failures_left: int
    locked_until: datetime | None

    @property
    def ok(self) -> bool:
        return self.official is not None


def production_hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def fast_hasher() -> PasswordHasher:
    """Argon2id at its cheapest: for tests, where hundreds of hashes must stay quick."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Officials:
    def __init__(self, db: Database, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._hasher = hasher or production_hasher()

    # ------------------------------------------------------------ accounts

    def add(self, staff_id: str, name: str, role: str, pin: str, now: datetime,
            actor: str) -> Official:
        staff_id, name = validate_staff_id(staff_id), validate_name(name)
        role, pin = validate_role(role), validate_pin(pin)
        self._refuse_shared_pin(pin, except_staff_id=None)
        digest = self._hasher.hash(pin)
        with self._db.write() as session:
            if session.scalars(select(OfficialRow).where(
                    OfficialRow.staff_id == staff_id)).first() is not None:
                raise OfficialError("staff_exists",
                                    MESSAGES["staff_exists"].format(staff_id=staff_id))
            row = OfficialRow(staff_id=staff_id, name=name, role=role, pin_hash=digest,
                              disabled=False, created_at=now, updated_at=now)
            session.add(row)
            append_in(session, actor, "official_add", now, staff_id,
                      {"name": name, "role": role})
            session.flush()
            return _official(row)

    def all(self) -> list[Official]:
        with self._db.read() as session:
            rows = session.scalars(select(OfficialRow).order_by(OfficialRow.staff_id))
            return [_official(row) for row in rows]

    def find(self, staff_id: str) -> Official | None:
        with self._db.read() as session:
            row = _row(session, staff_id.strip().upper())
            return _official(row) if row is not None else None

    def disable(self, staff_id: str, now: datetime, actor: str) -> Official:
        return self._set_disabled(staff_id, True, now, actor)

    def enable(self, staff_id: str, now: datetime, actor: str) -> Official:
        return self._set_disabled(staff_id, False, now, actor)

    def set_pin(self, staff_id: str, pin: str, now: datetime, actor: str) -> Official:
        pin = validate_pin(pin)
        wanted = staff_id.strip().upper()
        self._refuse_shared_pin(pin, except_staff_id=wanted)
        digest = self._hasher.hash(pin)
        with self._db.write() as session:
            row = _existing(session, wanted)
            row.pin_hash, row.updated_at = digest, now
            append_in(session, actor, "official_set_pin", now, row.staff_id)
            return _official(row)

    def _set_disabled(self, staff_id: str, disabled: bool, now: datetime,
                      actor: str) -> Official:
        with self._db.write() as session:
            row = _existing(session, staff_id.strip().upper())
            if bool(row.disabled) == disabled:  # nothing changes, nothing is recorded
                return _official(row)
            row.disabled, row.updated_at = disabled, now
            action = "official_disable" if disabled else "official_enable"
            append_in(session, actor, action, now, row.staff_id)
            return _official(row)

    def _refuse_shared_pin(self, pin: str, except_staff_id: str | None) -> None:
        for staff_id, digest in self._active_hashes():
            if staff_id != except_staff_id and self._matches(digest, pin):
                raise OfficialError("pin_taken", MESSAGES["pin_taken"], field="pin")

    # ------------------------------------------------------------ sign-in

    def lock_state(self, now: datetime) -> datetime | None:
        """Until when the PIN pad is locked, or None."""
        with self._db.read() as session:
            guard = session.get(SignInGuardRow, GUARD)
            if guard is None or guard.locked_until is None or guard.locked_until <= now:
                return None
            return guard.locked_until

    def sign_in(self, pin: str, now: datetime) -> SignIn:
        if (until := self.lock_state(now)) is not None:
            with self._db.write() as session:
                append_in(session, KIOSK_ACTOR, "signin_locked", now, None,
                          {"until": until.isoformat()})
            return SignIn(None, 0, until)
        match = None
        if pin.isascii() and pin.isdigit():
            match = next((sid for sid, digest in self._active_hashes()
                          if self._matches(digest, pin)), None)
        with self._db.write() as session:
            guard = session.get(SignInGuardRow, GUARD)
            if guard is None:
                guard = SignInGuardRow(name=GUARD, failures_in_row=0, locked_until=None)
                session.add(guard)
            if match is not None:
                guard.failures_in_row, guard.locked_until = 0, None
                row = _existing(session, match)
                append_in(session, row.staff_id, "signin_ok", now, row.staff_id)
                return SignIn(_official(row), MAX_FAILURES, None)
            guard.failures_in_row = (guard.failures_in_row or 0) + 1
            append_in(session, KIOSK_ACTOR, "signin_failed", now, None,
                      {"failures_in_row": guard.failures_in_row})
            if guard.failures_in_row < MAX_FAILURES:
                return SignIn(None, MAX_FAILURES - guard.failures_in_row, None)
            guard.failures_in_row = 0
            guard.locked_until = now + timedelta(seconds=LOCK_SECONDS)
            append_in(session, KIOSK_ACTOR, "signin_lock", now, None,
                      {"until": guard.locked_until.isoformat()})
            return SignIn(None, 0, guard.locked_until)

    def _active_hashes(self) -> list[tuple[str, str]]:
        with self._db.read() as session:
            rows = session.execute(select(OfficialRow.staff_id, OfficialRow.pin_hash).where(
                OfficialRow.disabled.is_(False)))
            return [(staff_id, digest) for staff_id, digest in rows]

    def _matches(self, digest: str, pin: str) -> bool:
        try:
            return self._hasher.verify(digest, pin)
        except (VerificationError, InvalidHashError):
            return False


def _row(session: Session, staff_id: str) -> OfficialRow | None:
    return session.scalars(select(OfficialRow).where(OfficialRow.staff_id == staff_id)).first()


def _existing(session: Session, staff_id: str) -> OfficialRow:
    row = _row(session, staff_id)
    if row is None:
        raise OfficialError("staff_unknown", MESSAGES["staff_unknown"].format(staff_id=staff_id))
    return row


def _official(row: OfficialRow) -> Official:
    return Official(row.id, row.staff_id, row.name, row.role, bool(row.disabled),
                    row.created_at)
