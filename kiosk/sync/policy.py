"""What the sync worker does after each answer: the outcome kinds and the backoff.

Pure functions of their arguments (no clock, no randomness of their own) so
the rules can be tested exactly and the next attempt time can be stored on the
row and survive restarts.  The client's portal-wide pauses are computed here
too; the client only keeps the state (when the pause ends) and the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kiosk.sync.answers import Answer, BadAnswer

BASE_DELAY_SECONDS = 5.0
MAX_DELAY_SECONDS = 15 * 60.0
MAX_RETRY_AFTER_SECONDS = 60 * 60.0

# A run of this many server failures in a row (5xx, timeouts, junk bodies) pauses the client.
PAUSE_AFTER_FAILURES = 3
FAILURE_PAUSE_BASE_SECONDS = 10.0
CONNECTION_PAUSE_BASE_SECONDS = 5.0
CONNECTION_PAUSE_MAX_SECONDS = 2 * 60.0
AUTH_PAUSE_BASE_SECONDS = 20.0
AUTH_PAUSE_MAX_SECONDS = 5 * 60.0

MESSAGES = {
    "answer": "Cổng dịch vụ công trả lời không đúng quy định (trường {field}: {problem}); "
    "kiosk sẽ tự gửi lại sau.",
    "content_type": "không phải JSON",
    "encoding": "không phải UTF-8",
    "json": "JSON hỏng",
    "type": "sai kiểu dữ liệu",
    "missing": "thiếu",
    "range": "giá trị ngoài khoảng cho phép",
    "length": "quá dài",
    "chars": "có ký tự không cho phép",
    "format": "sai định dạng",
    "mismatch": "không khớp với hồ sơ đã gửi",
}


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
    retry_after: float | None = None  # seconds: Retry-After, or how long the client is paused
    answer: Answer | None = None  # the checked answer when ACCEPTED (``answers``)
    # Says nothing about this item: the portal or the network as a whole (a pause, a
    # connection failure, credentials, a stop, Retry-After). The worker ends its pass and
    # reschedules the item without counting an attempt.
    portal_wide: bool = False


def bad_answer(error: BadAnswer) -> Outcome:
    """A 2xx the kiosk cannot take as the contract's answer: transient, with its reason.

    Out of range, of the wrong type, too long, not JSON … the portal may have
    done the work, but the kiosk heard nothing it can trust: it asks again
    later (same key, same bytes), as after a lost answer (``answers``' docstring).
    """
    problem = MESSAGES.get(error.reason, error.reason)
    text = MESSAGES["answer"].format(field=error.where[:120], problem=problem)
    return Outcome(OutcomeKind.TRANSIENT, f"answer_{error.reason}"[:64], text)


def exponential_delay(step: int, jitter: float, base: float, cap: float) -> float:
    """The ``step``-th wait (from 1) of ``base`` doubling up to ``cap``, with "equal jitter".

    The wait is between half and all of the exponential step, so kiosks that
    went offline together do not come back in lockstep, and no wait collapses
    to zero.  ``jitter`` is uniform in [0, 1) and clamped to it.
    """
    if step < 1:
        return 0.0
    size = min(cap, base * 2.0 ** min(step - 1, 30))
    return size / 2 + size / 2 * min(max(jitter, 0.0), 1.0)


def backoff_delay(attempts: int, jitter: float) -> float:
    """Seconds to wait after the ``attempts``-th failure of one dossier: 5 s doubling to 15 min."""
    return exponential_delay(attempts, jitter, BASE_DELAY_SECONDS, MAX_DELAY_SECONDS)


def next_attempt_at(
    now: datetime, attempts: int, jitter: float, retry_after: float | None = None
) -> datetime:
    """When to try again: the backoff, but never sooner than the portal asked."""
    delay = backoff_delay(attempts, jitter)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return now + timedelta(seconds=delay)


def failure_pause(failures: int, jitter: float) -> float:
    """The portal-wide pause after ``failures`` server failures in a row (0 below the run)."""
    step = failures - PAUSE_AFTER_FAILURES + 1
    return exponential_delay(step, jitter, FAILURE_PAUSE_BASE_SECONDS, MAX_DELAY_SECONDS)


def connection_pause(failures: int, jitter: float) -> float:
    """The pause after ``failures`` connection failures in a row: a few seconds, up to 2 min."""
    return exponential_delay(failures, jitter, CONNECTION_PAUSE_BASE_SECONDS,
                             CONNECTION_PAUSE_MAX_SECONDS)


def auth_pause(failures: int, jitter: float) -> float:
    """The pause after ``failures`` refused logins in a row: 10–20 s first, at most 5 min."""
    return exponential_delay(failures, jitter, AUTH_PAUSE_BASE_SECONDS, AUTH_PAUSE_MAX_SECONDS)


# RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form, and asctime; GMT only.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_LONG_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = "(?P<mon>" + "|".join(_MONTHS) + ")"
_TIME = r"(?P<H>[0-9]{2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})"
_HTTP_DATES = (
    re.compile(_DAY + r", (?P<d>[0-9]{2}) " + _MONTH + r" (?P<y>[0-9]{4}) " + _TIME + " GMT"),
    re.compile(_LONG_DAY + r", (?P<d>[0-9]{2})-" + _MONTH + r"-(?P<yy>[0-9]{2}) " + _TIME
               + " GMT"),
    re.compile(_DAY + " " + _MONTH + r" (?P<d>[ 0-9][0-9]) " + _TIME + r" (?P<y>[0-9]{4})"),
)
MAX_RETRY_AFTER_CHARS = 64


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` value asks for, capped; None when it is not one.

    PORTAL_API.md and RFC 9110 §10.2.3: delay-seconds in ASCII digits, or an
    HTTP-date.  Anything else ("²", "-5", "1e309", "3.5", a date in another
    form or zone, garbage) is ignored: the normal backoff applies.  Nothing raises.
    """
    text = value.strip(" \t")
    if not text:
        return None
    if text.isascii() and text.isdigit():  # str.isdigit alone accepts "²" and "٣"
        digits = text.lstrip("0") or "0"
        if len(digits) > 12:  # past any cap, and int() of 5,000 digits raises
            return MAX_RETRY_AFTER_SECONDS
        return min(float(int(digits)), MAX_RETRY_AFTER_SECONDS)
    when = http_date(text)
    if when is None:
        return None
    seconds = (when - now).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER_SECONDS)


def http_date(text: str) -> datetime | None:
    """An RFC 9110 HTTP-date as an aware UTC moment; None for anything else."""
    if len(text) > MAX_RETRY_AFTER_CHARS:
        return None
    for pattern in _HTTP_DATES:
        match = pattern.fullmatch(text)
        if match is not None:
            return _moment(match)
    return None


def _moment(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    year = int(parts["y"]) if parts.get("y") else _two_digit_year(int(parts["yy"]))
    try:
        return datetime(year, _MONTHS.index(parts["mon"]) + 1, int(parts["d"]),
                        int(parts["H"]), int(parts["M"]), int(parts["S"]), tzinfo=UTC)
    except ValueError:  # 31 February, hour 25, second 61
        return None


def _two_digit_year(yy: int) -> int:
    """RFC 9110: a two-digit year more than 50 years ahead is in the past century."""
    return 2000 + yy if yy < 70 else 1900 + yy
