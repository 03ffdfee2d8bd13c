"""Calendar dates typed or scanned at the kiosk, and the portal's wire timestamps.

Residents write dates the Vietnamese way (day first); the CCCD QR code uses
``ddMMyyyy`` without separators; the portal sends ``yyyyMMddHHmmss`` in
Vietnam time.  Everything here is pure: the caller passes ``today``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from kiosk.domain.errors import ValidationError, error_from_table

MESSAGES: dict[str, str] = {
    "date_empty": "Xin nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/1960.",
    "date_format": "Ngày chưa đúng dạng. Xin nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1960.",
    "date_impossible": (
        "Ngày {day}/{month}/{year} không có trên lịch. Xin kiểm tra lại ngày và tháng."
    ),
    "date_out_of_range": "Năm {year} không hợp lệ. Năm phải từ 1900 đến 2100.",
    "birth_in_future": "Ngày sinh không thể sau ngày hôm nay. Xin kiểm tra lại.",
    "birth_too_old": "Ngày sinh cách đây hơn 150 năm. Xin kiểm tra lại năm sinh.",
    "wire_datetime": "Thời điểm nhận từ cổng dịch vụ công không đúng định dạng.",
}

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset
# is exact and avoids depending on the tz database being present on the kiosk.
VIETNAM_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

MIN_YEAR = 1900
MAX_YEAR = 2100
MAX_AGE_YEARS = 150

# Longest sensible date text is about 12 characters; anything far longer is a
# mis-scan, refused before any regex work.
_MAX_DATE_CHARS = 40

_COMPACT = re.compile(r"(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{4})")
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})")
# Day first with one separator used twice; spaces around it are forgiven
# because the on-screen keyboard makes them easy to type by mistake.
_DAY_FIRST = re.compile(
    r"(?P<d>[0-9]{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<y>[0-9]{4})"
)
_WIRE = re.compile(r"[0-9]{14}")


def parse_date(text: str, *, field: str | None = None) -> date:
    """Read a day-first date ("05/09/1960", "5-9-1960", "05091960") or ISO "1960-09-05"."""
    if len(text) > _MAX_DATE_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "date_format", field=field)
    # NFKC turns full-width digits and separators (from some IMEs) into ASCII.
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise error_from_table(ValidationError, MESSAGES, "date_empty", field=field)
    for pattern in (_COMPACT, _ISO, _DAY_FIRST):
        match = pattern.fullmatch(cleaned)
        if match:
            return _build_date(match["y"], match["m"], match["d"], field)
    raise error_from_table(ValidationError, MESSAGES, "date_format", field=field)


def _build_date(year_text: str, month_text: str, day_text: str, field: str | None) -> date:
    year, month, day = int(year_text), int(month_text), int(day_text)
    # The range check comes first so that year 0000 never reaches date().
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise error_from_table(
            ValidationError, MESSAGES, "date_out_of_range", field=field, year=year_text
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise error_from_table(
            ValidationError,
            MESSAGES,
            "date_impossible",
            field=field,
            day=day_text,
            month=month_text,
            year=year_text,
        ) from None


def format_date(d: date) -> str:
    """Show a date as residents write it: "05/09/1960"."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def check_birth_date(d: date, today: date, *, field: str | None = None) -> date:
    """Refuse a birth date in the future or more than 150 years before ``today``."""
    if d > today:
        raise error_from_table(ValidationError, MESSAGES, "birth_in_future", field=field)
    # Compared as tuples so that 29 February needs no special case.
    if (d.year, d.month, d.day) < (today.year - MAX_AGE_YEARS, today.month, today.day):
        raise error_from_table(ValidationError, MESSAGES, "birth_too_old", field=field)
    return d


def utc_now() -> datetime:
    """The real clock, as an aware UTC moment (the one clock every composition root passes)."""
    return datetime.now(UTC)


def to_wire(dt: datetime) -> str:
    """Format a moment as the portal's ``yyyyMMddHHmmss`` in Vietnam time.

    A naive datetime is taken to be Vietnam wall-clock time already, which is
    what the kiosk's own clock shows.
    """
    return to_vietnam_time(dt).strftime("%Y%m%d%H%M%S")


def to_vietnam_time(moment: datetime) -> datetime:
    """``moment`` as an aware Vietnam time; a naive one is taken as Vietnam time already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=VIETNAM_TZ)
    return moment.astimezone(VIETNAM_TZ)


def format_moment(moment: datetime) -> str:
    """A moment as residents and officials read it, in Vietnam time: "09:30 ngày 24/11/2026"."""
    return to_vietnam_time(moment).strftime("%H:%M ngày %d/%m/%Y")


def from_wire(text: str) -> datetime:
    """Read the portal's ``yyyyMMddHHmmss`` into an aware datetime in Vietnam time."""
    cleaned = text.strip() if len(text) <= _MAX_DATE_CHARS else ""
    if not _WIRE.fullmatch(cleaned):
        raise error_from_table(ValidationError, MESSAGES, "wire_datetime")
    # Sliced by position rather than strptime: without separators strptime may
    # accept a one-digit month and silently shift every later field.
    year = int(cleaned[:4])
    month, day, hour, minute, second = (int(cleaned[i : i + 2]) for i in range(4, 14, 2))
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TZ)
    except ValueError:
        raise error_from_table(ValidationError, MESSAGES, "wire_datetime") from None
