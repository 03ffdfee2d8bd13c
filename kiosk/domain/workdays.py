"""Working days and the appointment date (ngày hẹn trả kết quả).

A site that also receives on Saturdays only changes which ordinary Saturdays
count as working days; holidays and compensatory days come from
``kiosk.domain.holidays``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from kiosk.domain.dates import VIETNAM_TZ, to_vietnam_time
from kiosk.domain.errors import DataError, ValidationError, error_from_table
from kiosk.domain.holidays import Holiday, HolidayTable

_MESSAGES = {
    "workdays.cutoff_after_close": "Giờ hết nhận hồ sơ trong ngày ({cutoff}) phải không muộn "
    "hơn giờ đóng cửa ({close}).",
    "workdays.times_not_local": "Giờ đóng cửa và giờ hết nhận hồ sơ là giờ Việt Nam, "
    "không kèm múi giờ.",
    "workdays.negative_limit": "Thời hạn giải quyết ({days} ngày làm việc) không hợp lệ.",
}


class SupportsTimeLimit(Protocol):
    """A procedure's time limit; 0 working days means "same day" (trong ngày)."""

    # A read-only property, so frozen dataclasses satisfy it too.
    @property
    def working_days(self) -> int: ...


@dataclass(frozen=True, kw_only=True)
class WorkCalendar:
    """A site's working days and the appointment date of a dossier received there.

    Times are Vietnam local wall-clock times, without a time zone.
    """

    holidays: HolidayTable
    saturday_working: bool = False
    office_close: time = time(17, 0)
    same_day_cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        if self.office_close.tzinfo is not None or self.same_day_cutoff.tzinfo is not None:
            raise error_from_table(ValidationError, _MESSAGES, "workdays.times_not_local")
        if self.same_day_cutoff > self.office_close:
            raise error_from_table(
                ValidationError,
                _MESSAGES,
                "workdays.cutoff_after_close",
                cutoff=self.same_day_cutoff.strftime("%H:%M"),
                close=self.office_close.strftime("%H:%M"),
            )

    def is_working_day(self, day: date) -> bool:
        _require_plain_date(day)
        if self.holidays.holiday_on(day) is not None:
            return False
        if self.holidays.is_make_up_day(day):
            return True
        return day.weekday() < 5 or (self.saturday_working and day.weekday() == 5)

    def holidays_in(self, year: int) -> list[Holiday]:
        return list(self.holidays.days_off(year))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, day: date, n: int) -> date:
        """The day ``n`` working days after ``day`` (before it if ``n`` is negative).

        ``day`` itself never counts, so with ``n == 0`` it is returned unchanged.
        """
        _require_plain_date(day)
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def due_date(self, received_at: datetime, limit: SupportsTimeLimit) -> datetime:
        """The appointment date and time (aware, in ``VIETNAM_TZ``) for a dossier received then.

        A naive ``received_at`` is taken as Vietnam time already.
        """
        if limit.working_days < 0:
            raise error_from_table(
                DataError, _MESSAGES, "workdays.negative_limit", days=limit.working_days
            )
        received_day = self.receiving_day(received_at, same_day=limit.working_days == 0)
        due = self.add_working_days(received_day, limit.working_days)
        return datetime.combine(due, self.office_close, tzinfo=VIETNAM_TZ)

    def receiving_day(self, received_at: datetime, *, same_day: bool) -> date:
        """The working day a dossier counts as received on.

        Same-day procedures must arrive before the cut-off (15:00) to be done that
        day; the others only before the office closes.
        """
        local = to_vietnam_time(received_at)
        cutoff = self.same_day_cutoff if same_day else self.office_close
        day = local.date()
        if self.is_working_day(day) and local.time() < cutoff:
            return day
        return self.next_working_day(day)


def _require_plain_date(day: date) -> None:
    # A datetime is a date subclass but never equal to one: holiday lookups would miss.
    if isinstance(day, datetime):
        raise TypeError("pass a date, not a datetime; convert with to_vietnam_time(...).date()")
