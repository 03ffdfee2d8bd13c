"""Satisfaction ratings, kept until the portal has them (PORTAL_API.md §7).

A rating is recorded under the idempotency key chosen when the rating screen
was shown: recording it again (a double tap, a repeated job) returns the first
row unchanged, and the portal deduplicates on the same key, so one resident
counts once.  States: PENDING → SENT, or FAILED when the portal refuses it for
good; each move is a guarded UPDATE on the expected state.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from kiosk.domain.ratings import rating_body, validate
from kiosk.store.audit import KIOSK_ACTOR, append_in
from kiosk.store.db import Database
from kiosk.store.models import RatingRow
from kiosk.store.queue import LostRace


@dataclass(frozen=True)
class Rating:
    id: int
    key: str
    dossier_code: str | None
    at: datetime
    level: int
    reasons: tuple[str, ...]
    comment: str | None
    state: str  # "PENDING" | "SENT" | "FAILED"
    attempts: int
    portal_id: str | None
    last_error_code: str | None = None

    def body(self, kiosk_id: str) -> dict[str, Any]:
        return rating_body(kiosk_id, self.dossier_code, self.at, self.level, self.reasons,
                           self.comment)


@dataclass(frozen=True)
class RatingSummary:
    count: int = 0
    by_level: dict[int, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def average(self) -> float | None:
        if not self.count:
            return None
        return sum(level * n for level, n in self.by_level.items()) / self.count


class Ratings:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, key: str, dossier_code: str | None, level: int, reasons: Sequence[str],
               comment: str | None, now: datetime) -> Rating:
        chosen = validate(level, reasons, comment)
        with self._db.write() as session:
            existing = session.scalars(select(RatingRow).where(
                RatingRow.idempotency_key == key)).first()
            if existing is not None:
                return _rating(existing)
            row = RatingRow(idempotency_key=key, dossier_code=dossier_code, at=now, level=level,
                            reasons=json.dumps(list(chosen)), comment=comment, state="PENDING",
                            attempts=0, next_attempt_at=now)
            session.add(row)
            session.flush()
            append_in(session, KIOSK_ACTOR, "rating_recorded", now, dossier_code,
                      {"level": level, "reasons": list(chosen)})
            return _rating(row)

    def due(self, now: datetime, limit: int = 20) -> list[Rating]:
        with self._db.read() as session:
            rows = session.scalars(select(RatingRow).where(
                RatingRow.state == "PENDING", RatingRow.next_attempt_at <= now)
                .order_by(RatingRow.next_attempt_at, RatingRow.id).limit(limit))
            return [_rating(row) for row in rows]

    def mark_sent(self, rating_id: int, portal_id: str, now: datetime) -> None:
        self._move(rating_id, "SENT", sent_at=now, portal_id=portal_id[:128],
                   last_error_code=None, last_error_message=None)

    def mark_retry(self, rating_id: int, now: datetime, next_at: datetime, code: str,
                   message: str, *, count_attempt: bool = True) -> None:
        attempts = RatingRow.attempts + (1 if count_attempt else 0)
        self._move(rating_id, "PENDING", next_attempt_at=next_at, attempts=attempts,
                   last_error_code=code, last_error_message=message)

    def mark_failed(self, rating_id: int, now: datetime, code: str, message: str) -> None:
        self._move(rating_id, "FAILED", attempts=RatingRow.attempts + 1,
                   last_error_code=code, last_error_message=message)

    def find(self, key: str) -> Rating | None:
        with self._db.read() as session:
            row = session.scalars(select(RatingRow).where(
                RatingRow.idempotency_key == key)).first()
            return _rating(row) if row is not None else None

    def summary(self, since: datetime) -> RatingSummary:
        with self._db.read() as session:
            rows = session.execute(select(RatingRow.level, RatingRow.reasons).where(
                RatingRow.at >= since)).all()
        levels = Counter(level for level, _ in rows)
        reasons = Counter(r for _, text in rows for r in _reasons(text))
        return RatingSummary(len(rows), dict(levels), dict(reasons))

    def _move(self, rating_id: int, target: str, **changes: Any) -> None:
        with self._db.write() as session:
            result = session.execute(
                update(RatingRow).where(RatingRow.id == rating_id, RatingRow.state == "PENDING")
                .values(state=target, **changes).execution_options(synchronize_session=False))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise LostRace("lost_race", f"Đánh giá #{rating_id} không còn chờ gửi.")


def _reasons(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _rating(row: RatingRow) -> Rating:
    return Rating(row.id, row.idempotency_key, row.dossier_code, row.at, row.level,
                  _reasons(row.reasons), row.comment, row.state, row.attempts, row.portal_id,
                  row.last_error_code)
