"""The sync worker's own bookkeeping: who syncs now (the lease) and how syncing last went.

A kiosk has two would-be sync owners — the kiosk's background sync and a
technician's or a service's ``kiosk sync`` — on one data dir.  Exactly one holds
the lease at a time (STYLE.md §22); the lease is a row renewed by a heartbeat and
taken over only when it has expired or its process is gone.  The holder's id is
written on every row it sends (``dossiers.claimed_by``), so recovery touches only
what a dead owner left.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk.domain.dates import utc_now
from kiosk.store.db import Database
from kiosk.store.models import SyncHealthRow, SyncLeaseRow

log = logging.getLogger(__name__)

LEASE_NAME = "sync"
LEASE_SECONDS = 30.0  # a holder that stops renewing is presumed gone after this
RENEW_EVERY = LEASE_SECONDS / 6

Clock = Callable[[], datetime]


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs on this machine (a process of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class LeaseOwner:
    """One would-be sync owner: unique even for two owners in one process."""

    id: str
    host: str
    pid: int

    @classmethod
    def of_this_process(cls, role: str) -> LeaseOwner:
        host, pid = socket.gethostname(), os.getpid()
        return cls(f"{role}@{host}:{pid}:{uuid.uuid4().hex[:8]}", host, pid)


@dataclass(frozen=True)
class LeaseHolder:
    owner: str
    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime
    expires_at: datetime


class SyncLease:
    """The right to sync, held by one owner at a time, kept by a heartbeat thread."""

    def __init__(
        self, db: Database, owner: LeaseOwner, *, seconds: float = LEASE_SECONDS,
        clock: Clock = utc_now, alive: Callable[[int], bool] = process_alive,
    ) -> None:
        self._db = db
        self.owner = owner
        self._span = timedelta(seconds=seconds)
        self._clock = clock
        self._alive = alive
        self._held = threading.Event()

    @property
    def held(self) -> bool:
        return self._held.is_set()

    def acquire(self) -> bool:
        """Take the lease if it is free, ours, expired, or its process is gone here."""
        now = self._clock()
        with self._db.write() as session:
            row = session.get(SyncLeaseRow, LEASE_NAME)
            if row is not None and row.owner != self.owner.id and not self._abandoned(row, now):
                self._held.clear()
                return False
            if row is None:
                row = SyncLeaseRow(name=LEASE_NAME, acquired_at=now)
                session.add(row)
            elif row.owner != self.owner.id:
                log.warning("sync lease taken over from %s (last heartbeat %s)", row.owner,
                            row.heartbeat_at.isoformat())
                row.acquired_at = now
            row.owner, row.host, row.pid = self.owner.id, self.owner.host, self.owner.pid
            row.heartbeat_at, row.expires_at = now, now + self._span
        self._held.set()
        return True

    def _abandoned(self, row: SyncLeaseRow, now: datetime) -> bool:
        if row.expires_at <= now:
            return True
        return row.host == self.owner.host and not self._alive(row.pid)

    def renew(self) -> bool:
        """Push the expiry on; False (and no longer held) if another owner has it now."""
        now = self._clock()
        with self._db.write() as session:
            result = session.execute(
                update(SyncLeaseRow)
                .where(SyncLeaseRow.name == LEASE_NAME, SyncLeaseRow.owner == self.owner.id)
                .values(heartbeat_at=now, expires_at=now + self._span)
            )
            kept: bool = result.rowcount == 1  # type: ignore[attr-defined]
        if not kept:
            self._held.clear()
        return kept

    def release(self) -> None:
        """Give the lease up at a clean stop, so a waiting owner takes over at once."""
        self._held.clear()
        with self._db.write() as session:
            session.execute(delete(SyncLeaseRow).where(SyncLeaseRow.name == LEASE_NAME,
                                                       SyncLeaseRow.owner == self.owner.id))

    def holder(self) -> LeaseHolder | None:
        return lease_holder(self._db)

    @contextmanager
    def kept(self, every: float = RENEW_EVERY) -> Iterator[None]:
        """While inside: a heartbeat thread renews the lease whenever it is held."""
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(stop, every), name="sync-lease",
                                daemon=True)
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join(timeout=5)
            self._release_quietly()

    def _beat(self, stop: threading.Event, every: float) -> None:
        while not stop.wait(every):
            if not self.held:
                continue
            try:
                if not self.renew():
                    log.warning("sync lease lost to another owner")
            except SQLAlchemyError:  # a locked or failing database: try again next beat
                log.warning("sync lease not renewed", exc_info=True)

    def _release_quietly(self) -> None:
        try:
            self.release()
        except SQLAlchemyError:
            log.warning("sync lease not released; it expires by itself", exc_info=True)


def lease_holder(db: Database) -> LeaseHolder | None:
    """Who holds the sync lease now (possibly expired), for anyone to read."""
    with db.read() as session:
        row = session.get(SyncLeaseRow, LEASE_NAME)
        if row is None:
            return None
        return LeaseHolder(row.owner, row.host, row.pid, row.acquired_at, row.heartbeat_at,
                           row.expires_at)


# ---------------------------------------------------------------- health


@dataclass(frozen=True)
class SyncHealth:
    """How syncing last went, for doctor, queue and the official's dashboard."""

    last_pass_at: datetime | None = None
    last_contact_at: datetime | None = None  # the portal last answered
    last_failure_at: datetime | None = None
    last_failure_code: str | None = None
    last_failure_message: str | None = None
    failures_in_row: int = 0


class SyncHealthLog:
    """Written after every pass by the lease holder; read by anyone."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def passed(self, now: datetime, *, contacted: bool) -> None:
        """A pass ended without failure (``contacted``: the portal answered in it)."""
        with self._db.write() as session:
            row = _health_row(session.get(SyncHealthRow, LEASE_NAME), session)
            row.last_pass_at = now
            row.failures_in_row = 0
            if contacted:
                row.last_contact_at = now

    def failed(self, now: datetime, code: str, message: str) -> None:
        """A pass ended in failure: the portal unreachable, or a bug (``code`` says which)."""
        with self._db.write() as session:
            row = _health_row(session.get(SyncHealthRow, LEASE_NAME), session)
            row.last_pass_at = row.last_failure_at = now
            row.last_failure_code, row.last_failure_message = code[:64], message[:2000]
            row.failures_in_row = (row.failures_in_row or 0) + 1

    def read(self) -> SyncHealth:
        with self._db.read() as session:
            row = session.get(SyncHealthRow, LEASE_NAME)
            if row is None:
                return SyncHealth()
            return SyncHealth(row.last_pass_at, row.last_contact_at, row.last_failure_at,
                              row.last_failure_code, row.last_failure_message,
                              row.failures_in_row or 0)


def _health_row(row: SyncHealthRow | None, session: Session) -> SyncHealthRow:
    if row is not None:
        return row
    fresh = SyncHealthRow(name=LEASE_NAME, failures_in_row=0)
    session.add(fresh)
    return fresh
