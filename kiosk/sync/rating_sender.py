"""Sends the residents' satisfaction ratings to the portal (PORTAL_API.md §7).

Runs after the dossiers in each pass.  The body is rebuilt from the stored row
into canonical JSON, so every retry sends the same bytes under the same
idempotency key and the portal counts one resident once, even when an answer
was lost.  A rating is marked sent only on an answer carrying ``IdDanhGia``
(the client's classification); a refusal for good (422, 409) is FAILED with
the portal's reason; anything else is tried again with the dossiers' backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.store.queue import LostRace, canonical_json
from kiosk.store.ratings import Rating, Ratings
from kiosk.sync.answers import RatingAnswer
from kiosk.sync.client import Portal
from kiosk.sync.policy import Outcome, OutcomeKind, next_attempt_at

log = logging.getLogger(__name__)

MIN_PAUSE_SECONDS = 1.0

MESSAGES = {
    "crash": "Lỗi nội bộ khi gửi đánh giá ({error}); kiosk sẽ tự gửi lại.",
}


@dataclass(frozen=True)
class RatingCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: Outcome | None = None  # the portal as a whole is out of reach: the pass ends


def rating_payload(rating: Rating, kiosk_id: str) -> bytes:
    """The one byte form of a rating: the same for every attempt."""
    return canonical_json(rating.body(kiosk_id))


class RatingSender:
    def __init__(self, ratings: Ratings, portal: Portal, kiosk_id: str,
                 clock: Callable[[], datetime], jitter: Callable[[], float]) -> None:
        self._ratings = ratings
        self._portal = portal
        self._kiosk_id = kiosk_id
        self._clock = clock
        self._jitter = jitter

    def send_due(self, may_send: Callable[[], bool]) -> RatingCounts:
        sent = retried = failed = 0
        seen: set[int] = set()  # a rating rescheduled to "now" is not sent twice in a pass
        while may_send():
            due = [r for r in self._ratings.due(self._clock()) if r.id not in seen]
            if not due:
                break
            for rating in due:
                if not may_send():
                    break
                seen.add(rating.id)
                outcome, kind, wide = self._send(rating)
                sent += kind is OutcomeKind.ACCEPTED
                failed += kind is OutcomeKind.PERMANENT
                retried += kind is OutcomeKind.TRANSIENT
                if wide:
                    return RatingCounts(sent, retried, failed, paused=outcome)
        return RatingCounts(sent, retried, failed)

    def _send(self, rating: Rating) -> tuple[Outcome, OutcomeKind, bool]:
        """Send and record one rating; if that raises, the rating goes back to the queue
        (no attempt counted: a bug is not the rating's) before the error goes on."""
        try:
            outcome = self._portal.submit_rating(rating_payload(rating, self._kiosk_id),
                                                 rating.key)
            wide = outcome.portal_wide or outcome.kind is OutcomeKind.AUTH
            return outcome, self._record(rating, outcome, wide), wide
        except Exception as error:
            try:
                now = self._clock()
                self._ratings.mark_retry(rating.id, now, now, "crash",
                                         MESSAGES["crash"].format(error=type(error).__name__),
                                         count_attempt=False)
            except Exception:  # LostRace, or the database itself
                log.exception("rating #%d: not put back in the queue", rating.id)
            raise

    def _record(self, rating: Rating, outcome: Outcome, wide: bool) -> OutcomeKind:
        now = self._clock()
        kind = OutcomeKind.TRANSIENT if wide else outcome.kind
        try:
            if kind is OutcomeKind.ACCEPTED and isinstance(outcome.answer, RatingAnswer):
                self._ratings.mark_sent(rating.id, outcome.answer.rating_id, now)
            elif kind is OutcomeKind.PERMANENT:
                self._ratings.mark_failed(rating.id, now, outcome.code, outcome.message)
            elif wide:  # not the rating's fault: no attempt counted
                wait = max(self._portal.pause_remaining(), outcome.retry_after or 0.0,
                           MIN_PAUSE_SECONDS)
                self._ratings.mark_retry(rating.id, now, now + timedelta(seconds=wait),
                                         outcome.code, outcome.message, count_attempt=False)
            else:
                kind = OutcomeKind.TRANSIENT
                retry_at = next_attempt_at(now, rating.attempts + 1, self._jitter(),
                                           outcome.retry_after)
                self._ratings.mark_retry(rating.id, now, retry_at, outcome.code,
                                         outcome.message)
        except LostRace:
            log.warning("rating #%d: no longer pending; its answer is dropped", rating.id)
        log.info("rating #%d: %s (%s)", rating.id, outcome.kind, outcome.code)
        return kind
