"""What the sync worker does after each answer: the outcome kinds and the backoff.

Pure functions of their arguments (no clock, no randomness of their own) so
the rules can be tested exactly and the next attempt time can be stored on the
row and survive restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

BASE_DELAY_SECONDS = 5.0
MAX_DELAY_SECONDS = 15 * 60.0
MAX_RETRY_AFTER_SECONDS = 60 * 60.0


class OutcomeKind(StrEnum):
    ACCEPTED = "accepted"  # a parsable 200/201 carrying MaHoSo
    TRANSIENT = "transient"  # try again later: 5xx, 408, 429, timeouts, junk bodies …
    PERMANENT = "permanent"  # the portal refuses this item for good: other 4xx
    AUTH = "auth"  # credentials refused: pause the whole batch, tell an official


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    code: str  # machine code: the portal's "error", or ours ("timeout", "not_json" …)
    message: str  # Vietnamese, for the official's dashboard
    retry_after: float | None = None  # seconds, from a Retry-After header
    body: dict[str, object] | None = None  # the parsed answer when ACCEPTED


def backoff_delay(attempts: int, jitter: float) -> float:
    """Seconds to wait after the ``attempts``-th failure; ``jitter`` is uniform in [0, 1).

    Exponential from 5 s, capped at 15 min, with "equal jitter": the wait is
    between half and all of the exponential step, so kiosks that went offline
    together do not come back in lockstep, and no wait collapses to zero.
    """
    if attempts < 1:
        return 0.0
    step = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2.0 ** min(attempts - 1, 30))
    return step / 2 + step / 2 * min(max(jitter, 0.0), 1.0)


def next_attempt_at(
    now: datetime, attempts: int, jitter: float, retry_after: float | None = None
) -> datetime:
    """When to try again: the backoff, but never sooner than the portal asked."""
    delay = backoff_delay(attempts, jitter)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return now + timedelta(seconds=delay)
