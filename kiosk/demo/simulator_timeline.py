"""How a dossier moves through the simulated one-stop office (pure functions).

Nothing is written when a dossier advances: its timeline is computed from its
acceptance moment, the step length and the clock, every time it is read.  So
tests drive it with an injected clock, deterministically, and a simulator
that was stopped for an hour finds on restart exactly the history a real
office would have produced meanwhile.  The step length is stored with each
dossier, so restarting with another ``step_seconds`` never rewrites the past.

An official's manual status (the admin endpoint) is the one thing stored: it
freezes the automatic advance at that moment, as a real "more documents
requested" would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.states import PORTAL_STATUS_LABELS

DESK = "Bộ phận Một cửa UBND xã"
SPECIALIST = "Công chức Tư pháp - Hộ tịch"
PORTAL = "Cổng dịch vụ công tỉnh"

# The automatic path, one step every ``step_seconds`` after acceptance:
# (status, what the office writes, which unit writes it).
AUTO_STEPS: tuple[tuple[int, str, str], ...] = (
    (2, "Bộ phận Một cửa đã tiếp nhận hồ sơ.", DESK),
    (4, "Hồ sơ đang được công chức chuyên môn xử lý.", SPECIALIST),
    (9, "Hồ sơ đã xử lý xong; kết quả sẵn sàng để trả.", SPECIALIST),
    (10, "Đã trả kết quả cho người nộp hồ sơ.", DESK),
)
RECEIVED_TEXT = "Hồ sơ được gửi từ kiosk {kiosk} lên cổng dịch vụ công."

# Same moment: acceptance first, then an automatic step, then an official's.
_RECEIVED, _AUTO, _MANUAL = 0, 1, 2


@dataclass(frozen=True)
class Event:
    """One line of QuaTrinhXuLy."""

    at: datetime
    status: int
    content: str
    unit: str
    order: int = _AUTO


@dataclass(frozen=True)
class Schedule:
    """What the timeline of one dossier is computed from."""

    kiosk: str
    accepted_at: datetime
    step_seconds: float
    stopped_at: datetime | None  # set by the first manual status
    manual: Sequence[Event] = ()


def timeline(schedule: Schedule, now: datetime) -> list[Event]:
    """Every event of the dossier that has happened by ``now``, oldest first."""
    received = Event(
        schedule.accepted_at, 1, RECEIVED_TEXT.format(kiosk=schedule.kiosk), PORTAL, _RECEIVED
    )
    events = [received, *_auto_events(schedule, now)]
    events.extend(e for e in schedule.manual if e.at <= now)
    # sorted() is stable, so two manual events at one moment keep their order.
    return sorted(events, key=lambda e: (e.at, e.order))


def _auto_events(schedule: Schedule, now: datetime) -> list[Event]:
    if schedule.step_seconds <= 0:  # automatic advance switched off
        return []
    limit = now if schedule.stopped_at is None else min(now, schedule.stopped_at)
    step = timedelta(seconds=schedule.step_seconds)
    events = []
    for index, (status, content, unit) in enumerate(AUTO_STEPS, start=1):
        at = schedule.accepted_at + index * step
        if at > limit:
            break
        events.append(Event(at, status, content, unit))
    return events


def manual_event(at: datetime, status: int, content: str | None, unit: str | None) -> Event:
    """An official's status change; the status name stands in for a missing text."""
    return Event(at, status, content or PORTAL_STATUS_LABELS[status], unit or DESK, _MANUAL)


def current_status(events: Sequence[Event]) -> int:
    """The status the dossier holds after ``events`` (never empty: acceptance is first)."""
    return events[-1].status


def last_change(events: Sequence[Event]) -> datetime:
    return max(e.at for e in events)
