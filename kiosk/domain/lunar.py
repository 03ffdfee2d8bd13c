"""The Vietnamese lunar calendar (âm lịch), computed astronomically for UTC+7.

Follows the method published by Hồ Ngọc Đức: a lunar month starts on the local
day that holds a new moon; month 11 is the month that holds the winter solstice;
when 13 months lie between two months 11, the first of them that holds no major
solar term (trung khí) is the leap month and repeats the number of the month
before it.

Everything is computed for Vietnam time, not borrowed from a Chinese (UTC+8)
calendar: the two disagree whenever a new moon falls between 23:00 and midnight
Vietnam time, which moved Tết 1985 by a month and Tết 2007 by a day.

The astronomical series are the low-precision ones from Jean Meeus used by the
published algorithm; they are good to minutes near the present, which is why the
range is bounded.  Checked against Hồ Ngọc Đức's precomputed tables, every month
from 1968 to 2053 agrees; a handful of later months start a day apart.  Before
1968 the official calendar of the North used UTC+8, so dates then may differ
from this UTC+7 computation (irrelevant to a kiosk's appointment dates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache

from kiosk.domain.errors import ValidationError, error_from_table

# The years of the published tables; the series drift outside them.
MIN_YEAR = 1800
MAX_YEAR = 2199

_MESSAGES = {
    "lunar.year_out_of_range": "Chỉ tính được âm lịch cho các năm từ {min} đến {max} "
    "(nhận được năm {year}).",
    "lunar.bad_month": "Tháng âm lịch phải từ 1 đến 12 (nhận được {month}).",
    "lunar.bad_day": "Ngày âm lịch phải từ 1 đến 30 (nhận được {day}).",
    "lunar.no_such_leap_month": "Năm âm lịch {year} không có tháng {month} nhuận.",
    "lunar.day_past_month_end": "Tháng {month}{leap} năm âm lịch {year} chỉ có {length} ngày.",
}

_TZ_HOURS = 7
# date.toordinal() + this offset = Julian day number (days counted at noon UT).
_JDN_OFFSET = 1_721_425
_SYNODIC_MONTH = 29.530588853
# Julian date of the first new moon of 1900 (lunation k = 0).
_NEW_MOON_EPOCH = 2415021.076998695


class InvalidLunarDate(ValidationError, ValueError):
    """A lunar date that does not exist, or lies outside the supported years.

    Also a ``ValueError``, like ``datetime.date`` rejecting an impossible day.
    """


@dataclass(frozen=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; ``leap`` marks a leap month (tháng nhuận).

    Deliberately unordered: comparing the fields as a tuple would sort a leap
    month before the month it repeats.
    """

    year: int
    month: int
    day: int
    leap: bool = False


@dataclass(frozen=True)
class _Month:
    start: int  # Julian day number of day 1
    length: int
    year: int
    month: int
    leap: bool


def solar_to_lunar(d: date) -> LunarDate:
    """The lunar date of a (Gregorian) day."""
    _check_year(d.year)
    jdn = _jdn(d)
    # Months 11 and 12 belong to the span that starts in this solar year's late autumn.
    span_year = d.year if jdn < _month11_start(d.year) else d.year + 1
    month = next(m for m in reversed(_months_of_span(span_year)) if m.start <= jdn)
    return LunarDate(month.year, month.month, jdn - month.start + 1, month.leap)


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The Gregorian day of a lunar date; raises ``InvalidLunarDate`` if it does not exist."""
    _check_year(year)
    if not 1 <= month <= 12:
        raise error_from_table(InvalidLunarDate, _MESSAGES, "lunar.bad_month", month=month)
    if not 1 <= day <= 30:
        raise error_from_table(InvalidLunarDate, _MESSAGES, "lunar.bad_day", day=day)
    found = _find_month(year, month, leap)
    if day > found.length:
        raise error_from_table(
            InvalidLunarDate,
            _MESSAGES,
            "lunar.day_past_month_end",
            year=year,
            month=month,
            leap=" nhuận" if leap else "",
            length=found.length,
        )
    return _date(found.start + day - 1)


def tet(year: int) -> date:
    """Tết Nguyên đán: the first day of the first month of lunar ``year``."""
    return lunar_to_solar(year, 1, 1)


def _find_month(year: int, month: int, leap: bool) -> _Month:
    # Months 11 and 12 of lunar year Y lie in the span that ends in month 11 of Y + 1.
    span = _months_of_span(year + 1 if month >= 11 else year)
    for candidate in span:
        if (candidate.year, candidate.month, candidate.leap) == (year, month, leap):
            return candidate
    raise error_from_table(
        InvalidLunarDate, _MESSAGES, "lunar.no_such_leap_month", year=year, month=month
    )


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise error_from_table(
            InvalidLunarDate,
            _MESSAGES,
            "lunar.year_out_of_range",
            min=MIN_YEAR,
            max=MAX_YEAR,
            year=year,
        )


def _jdn(d: date) -> int:
    return d.toordinal() + _JDN_OFFSET


def _date(jdn: int) -> date:
    return date.fromordinal(jdn - _JDN_OFFSET)


# --- the year's months ----------------------------------------------------------------


@cache  # a pure function of the year; a few hundred small tuples at most
def _months_of_span(year: int) -> tuple[_Month, ...]:
    """The months from month 11 of lunar year ``year - 1`` up to month 11 of ``year``."""
    first, end = _month11_start(year - 1), _month11_start(year)
    count = 13 if end - first > 365 else 12
    k = math.floor((first - _NEW_MOON_EPOCH) / _SYNODIC_MONTH + 0.5)
    starts = [_new_moon_day(k + i) for i in range(count)] + [end]
    leap_index = _leap_index(starts) if count == 13 else None
    return tuple(
        _Month(starts[i], starts[i + 1] - starts[i], *_label(year, i, leap_index))
        for i in range(count)
    )


def _leap_index(starts: list[int]) -> int:
    """The first month after month 11 that holds no major solar term: it is the leap month."""
    sectors = [_sun_sector(s) for s in starts]
    for i in range(1, len(starts) - 1):
        # The sun stays in one 30° sector for the whole month: no major term was crossed.
        if sectors[i] == sectors[i + 1]:
            return i
    # Thirteen months always contain one without a major term; reaching here is a bug.
    raise ArithmeticError(f"no leap month found among month starts {starts}")


def _label(year: int, index: int, leap_index: int | None) -> tuple[int, int, bool]:
    """(lunar year, month, leap) of the ``index``-th month of the span ending in ``year``."""
    position, leap = index, False
    if leap_index is not None and index >= leap_index:
        # The leap month repeats the number of the month before it.
        position, leap = index - 1, index == leap_index
    month = (position + 10) % 12 + 1  # position 0 is month 11, 2 is month 1
    return (year - 1 if position < 2 else year), month, leap


@cache
def _month11_start(year: int) -> int:
    """Julian day number of day 1 of the lunar month holding the winter solstice of ``year``."""
    k = math.floor((_jdn(date(year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    start = _new_moon_day(k)
    # Sector 9 begins at 270°, the solstice: a month starting past it cannot hold the
    # solstice, so month 11 is the one before.
    if _sun_sector(start) >= 9:
        start = _new_moon_day(k - 1)
    return start


# --- astronomy (Meeus, low precision) --------------------------------------------------


def _sin(degrees: float) -> float:
    return math.sin(math.radians(degrees))


def _new_moon_day(k: int) -> int:
    """Julian day number of the Vietnam-time day holding new moon number ``k`` (0 = Jan 1900)."""
    t = k / 1236.85  # Julian centuries since 1900
    t2, t3 = t * t, t * t * t
    mean = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    mean += 0.00033 * _sin(166.56 + 132.87 * t - 0.009173 * t2)
    sun_anomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    moon_anomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    latitude = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    correction = _new_moon_correction(t, sun_anomaly, moon_anomaly, latitude)
    # ΔT (terrestrial minus universal time); this branch of the fit covers 1800 onwards.
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return math.floor(mean + correction - delta_t + 0.5 + _TZ_HOURS / 24)


def _new_moon_correction(t: float, m: float, mp: float, f: float) -> float:
    """Periodic terms (days) from the mean to the true new moon."""
    return (
        (0.1734 - 0.000393 * t) * _sin(m)
        + 0.0021 * _sin(2 * m)
        - 0.4068 * _sin(mp)
        + 0.0161 * _sin(2 * mp)
        - 0.0004 * _sin(3 * mp)
        + 0.0104 * _sin(2 * f)
        - 0.0051 * _sin(m + mp)
        - 0.0074 * _sin(m - mp)
        + 0.0004 * _sin(2 * f + m)
        - 0.0004 * _sin(2 * f - m)
        - 0.0006 * _sin(2 * f + mp)
        + 0.0010 * _sin(2 * f - mp)
        + 0.0005 * _sin(2 * mp + m)
    )


def _sun_sector(jdn: int) -> int:
    """Which 30° sector of ecliptic longitude the sun is in at the Vietnam-time start of a day.

    Sector boundaries are the major solar terms; 0 starts at the spring equinox.
    """
    t = (jdn - 2451545.5 - _TZ_HOURS / 24) / 36525  # Julian centuries since J2000
    t2 = t * t
    anomaly = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    mean_longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    centre = (
        (1.914600 - 0.004817 * t - 0.000014 * t2) * _sin(anomaly)
        + (0.019993 - 0.000101 * t) * _sin(2 * anomaly)
        + 0.000290 * _sin(3 * anomaly)
    )
    return int(((mean_longitude + centre) % 360) // 30)
