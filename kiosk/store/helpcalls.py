"""A resident's call for help: open until an official takes the filing over or closes it.

At most one call is open at a time on a kiosk (one screen, one resident): a
second «Gọi cán bộ hỗ trợ» while one is open returns that call instead of a
new one, so a worried resident tapping three times rings once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.errors import DomainError
from kiosk.store.audit import KIOSK_ACTOR, append_in
from kiosk.store.db import Database
from kiosk.store.models import HelpCallRow

MESSAGES = {
    "call_unknown": "Không còn yêu cầu hỗ trợ số {id}.",
    "call_closed": "Yêu cầu hỗ trợ số {id} đã được đóng.",
}


class HelpCallError(DomainError):
    pass


@dataclass(frozen=True)
class HelpCall:
    id: int
    at: datetime
    screen: str
    step: str | None
    state: str  # "open" | "taken" | "closed"
    taken_by: str | None
    taken_at: datetime | None


class HelpCalls:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open(self, screen: str, step: str | None, now: datetime) -> HelpCall:
        with self._db.write() as session:
            current = session.scalars(select(HelpCallRow).where(HelpCallRow.state == "open")
                                      .order_by(HelpCallRow.id.desc()).limit(1)).first()
            if current is not None:
                return _call(current)
            row = HelpCallRow(at=now, screen=screen[:40], step=step[:80] if step else None,
                              state="open")
            session.add(row)
            session.flush()
            append_in(session, KIOSK_ACTOR, "help_call", now, str(row.id),
                      {"screen": row.screen, "step": row.step})
            return _call(row)

    def open_calls(self) -> list[HelpCall]:
        """Open and taken-but-not-closed calls, oldest first."""
        with self._db.read() as session:
            rows = session.scalars(select(HelpCallRow).where(
                HelpCallRow.state.in_(("open", "taken"))).order_by(HelpCallRow.id))
            return [_call(row) for row in rows]

    def take(self, call_id: int, staff_id: str, now: datetime) -> HelpCall:
        with self._db.write() as session:
            row = _live(session, call_id)
            row.state, row.taken_by, row.taken_at = "taken", staff_id, now
            append_in(session, staff_id, "takeover", now, str(call_id),
                      {"screen": row.screen, "step": row.step})
            return _call(row)

    def close(self, call_id: int, staff_id: str | None, now: datetime) -> HelpCall:
        with self._db.write() as session:
            row = _live(session, call_id)
            row.state, row.closed_at = "closed", now
            append_in(session, staff_id or KIOSK_ACTOR, "help_close", now, str(call_id))
            return _call(row)


def _live(session: Session, call_id: int) -> HelpCallRow:
    row = session.get(HelpCallRow, call_id)
    if row is None:
        raise HelpCallError("call_unknown", MESSAGES["call_unknown"].format(id=call_id))
    if row.state == "closed":
        raise HelpCallError("call_closed", MESSAGES["call_closed"].format(id=call_id))
    return row


def _call(row: HelpCallRow) -> HelpCall:
    return HelpCall(row.id, row.at, row.screen, row.step, row.state, row.taken_by, row.taken_at)
