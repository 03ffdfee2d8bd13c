"""The office's working hours, for alerts that should keep quiet at night and on holidays.

A queue that has waited since Friday evening is not stuck on Saturday morning;
it is on Monday at ten.  Prometheus has no commune calendar, so the exporter
says whether the office is open now and how many working seconds have gone by
since the last successful sync; the alert rules compare those.  Pure functions
of the calendar, the opening and closing times and the moments given.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.workdays import WorkCalendar

MAX_DAYS = 400  # beyond a year without a sync the figure only needs to be large


class OfficeHours:
    """Working days from the calendar, open from ``opens`` to ``closes`` (Vietnam time)."""

    def __init__(self, calendar: WorkCalendar, opens: time, closes: time) -> None:
        self._calendar = calendar
        self._opens, self._closes = opens, closes

    def is_open(self, moment: datetime) -> bool:
        local = to_vietnam_time(moment)
        return (self._calendar.is_working_day(local.date())
                and self._opens <= local.time().replace(tzinfo=None) < self._closes)

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of office time between ``start`` and ``end`` (0 if end is not later)."""
        first, last = to_vietnam_time(start), to_vietnam_time(end)
        if last <= first:
            return 0.0
        day = max(first.date(), last.date() - timedelta(days=MAX_DAYS))
        total = 0.0
        while day <= last.date():
            if self._calendar.is_working_day(day):
                opens, closes = self._span(day, first)
                total += max(0.0, (min(closes, last) - max(opens, first)).total_seconds())
            day += timedelta(days=1)
        return total

    def _span(self, day: date, like: datetime) -> tuple[datetime, datetime]:
        zone = like.tzinfo
        return (datetime.combine(day, self._opens, zone),
                datetime.combine(day, self._closes, zone))
