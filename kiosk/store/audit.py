"""The append-only audit log: who did what, when, on this kiosk.

Rows are only ever inserted.  SQLite triggers (migration 0004) abort every
UPDATE and DELETE on the table, so no code path, command or screen can change
history; and each row carries ``sha256(previous row's hash + its own content)``,
so an edit made around the triggers (a copied database file, a dropped trigger)
breaks the chain and ``verify`` names the first row that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.store.db import Database
from kiosk.store.models import AuditRow, UtcDateTime

GENESIS = "0" * 64
KIOSK_ACTOR = "kiosk"  # what the kiosk itself did (a resident's call, a rating)
_STAMP = UtcDateTime()


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    detail: Mapping[str, Any]
    row_hash: str


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def append(self, actor: str, action: str, now: datetime, target: str | None = None,
               detail: Mapping[str, Any] | None = None) -> None:
        with self._db.write() as session:
            append_in(session, actor, action, now, target, detail)

    def entries(self, limit: int = 200, since: datetime | None = None) -> list[AuditEntry]:
        """Newest first."""
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(max(0, limit))
        if since is not None:
            query = query.where(AuditRow.at >= since)
        with self._db.read() as session:
            return [_entry(row) for row in session.scalars(query)]

    def count(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(AuditRow)) or 0

    def verify(self) -> int | None:
        """The id of the first row whose hash does not follow from the rows before it."""
        previous = GENESIS
        with self._db.read() as session:
            for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
                expected = _row_hash(previous, row.at, row.actor, row.action, row.target,
                                     row.detail)
                if row.prev_hash != previous or row.row_hash != expected:
                    return row.id
                previous = row.row_hash
        return None


def append_in(session: Session, actor: str, action: str, now: datetime,
              target: str | None = None, detail: Mapping[str, Any] | None = None) -> None:
    """Append inside the caller's write transaction: the change and its record commit
    together or not at all.  Write transactions are BEGIN IMMEDIATE, so two processes
    never chain onto the same previous row."""
    last = session.scalars(select(AuditRow.row_hash).order_by(AuditRow.id.desc()).limit(1))
    previous = last.first() or GENESIS
    body = _clean(json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True,
                             default=str))
    who = _clean(actor)[:160]
    clipped = _clean(target)[:200] if target is not None else None
    session.add(AuditRow(
        at=now, actor=who, action=action, target=clipped, detail=body, prev_hash=previous,
        row_hash=_row_hash(previous, now, who, action, clipped, body),
    ))


def _clean(text: str) -> str:
    """What SQLite can store: a lone surrogate (from a hostile file name) becomes «?»."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _row_hash(previous: str, at: datetime, actor: str, action: str, target: str | None,
              detail: str) -> str:
    stamp = _STAMP.process_bind_param(at, None)  # type: ignore[arg-type]
    fields = [previous, stamp, actor, action, target or "", detail]
    return hashlib.sha256("\x1f".join(str(f) for f in fields).encode("utf-8")).hexdigest()


def _entry(row: AuditRow) -> AuditEntry:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {"raw": row.detail}
    return AuditEntry(row.id, row.at, row.actor, row.action, row.target,
                      detail if isinstance(detail, dict) else {"raw": detail}, row.row_hash)
