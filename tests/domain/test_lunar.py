"""The Vietnamese lunar calendar: known dates, the UTC+7 divergences, and round trips."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.domain.errors import ValidationError
from kiosk.domain.lunar import (
    MAX_YEAR,
    MIN_YEAR,
    InvalidLunarDate,
    LunarDate,
    lunar_to_solar,
    solar_to_lunar,
    tet,
)

VIETNAMESE_TET = {
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    # The new moon falls at 23:07 Vietnam time on 2 February 2030 (00:07 on the 3rd in
    # China): Hồ Ngọc Đức's tables give 2 February; Chinese calendars give the 3rd.
    2030: date(2030, 2, 2),
}


@pytest.mark.parametrize(("year", "expected"), sorted(VIETNAMESE_TET.items()))
def test_tet_falls_on_the_published_vietnamese_date(year: int, expected: date) -> None:
    assert tet(year) == expected
    assert solar_to_lunar(expected) == LunarDate(year, 1, 1)


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [
        (1985, date(1985, 1, 21), date(1985, 2, 20)),
        (2007, date(2007, 2, 17), date(2007, 2, 18)),
        (2030, date(2030, 2, 2), date(2030, 2, 3)),
    ],
)
def test_tet_follows_vietnam_time_where_the_chinese_calendar_differs(
    year: int, vietnam: date, china: date
) -> None:
    assert tet(year) == vietnam
    # The day China celebrates is already some later day of the Vietnamese year.
    assert solar_to_lunar(china).year == year
    assert solar_to_lunar(china) != LunarDate(year, 1, 1)


def test_the_day_before_tet_is_the_last_day_of_the_previous_lunar_year() -> None:
    assert solar_to_lunar(date(2026, 2, 16)) == LunarDate(2025, 12, 29)
    assert solar_to_lunar(date(2024, 2, 9)) == LunarDate(2023, 12, 30)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, date(2024, 4, 18)), (2025, date(2025, 4, 7)), (2026, date(2026, 4, 26))],
)
def test_hung_kings_day_is_the_tenth_of_the_third_month(year: int, expected: date) -> None:
    assert lunar_to_solar(year, 3, 10) == expected


@pytest.mark.parametrize(
    ("year", "month", "regular_start", "leap_start"),
    [
        (2020, 4, date(2020, 4, 23), date(2020, 5, 23)),
        (2023, 2, date(2023, 2, 20), date(2023, 3, 22)),
        (2025, 6, date(2025, 6, 25), date(2025, 7, 25)),
    ],
)
def test_a_leap_month_follows_the_month_it_repeats(
    year: int, month: int, regular_start: date, leap_start: date
) -> None:
    assert lunar_to_solar(year, month, 1) == regular_start
    assert lunar_to_solar(year, month, 1, leap=True) == leap_start
    assert solar_to_lunar(leap_start) == LunarDate(year, month, 1, leap=True)
    assert solar_to_lunar(leap_start - timedelta(days=1)).leap is False


def test_mid_autumn_dates() -> None:
    assert lunar_to_solar(2024, 8, 15) == date(2024, 9, 17)
    assert lunar_to_solar(2025, 8, 15) == date(2025, 10, 6)


def test_lunar_months_eleven_and_twelve_belong_to_the_year_before_tet() -> None:
    # New Year's Day 2026 still lies in the lunar year Ất Tỵ (2025), in its 11th month.
    assert solar_to_lunar(date(2026, 1, 1)) == LunarDate(2025, 11, 13)
    assert lunar_to_solar(2025, 11, 13) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((2024, 3, 1, True), "lunar.no_such_leap_month"),  # 2024 has no leap month
        ((2020, 5, 1, True), "lunar.no_such_leap_month"),  # 2020's leap month is the 4th
        ((2025, 12, 30, False), "lunar.day_past_month_end"),  # month 12 of 2025 has 29 days
        ((2024, 13, 1, False), "lunar.bad_month"),
        ((2024, 0, 1, False), "lunar.bad_month"),
        ((2024, 1, 0, False), "lunar.bad_day"),
        ((2024, 1, 31, False), "lunar.bad_day"),
        ((MAX_YEAR + 1, 1, 1, False), "lunar.year_out_of_range"),
        ((MIN_YEAR - 1, 1, 1, False), "lunar.year_out_of_range"),
    ],
)
def test_impossible_lunar_dates_are_refused_with_a_vietnamese_message(
    args: tuple[int, int, int, bool], code: str
) -> None:
    with pytest.raises(InvalidLunarDate) as caught:
        lunar_to_solar(*args)
    assert caught.value.code == code
    assert isinstance(caught.value, ValidationError)
    assert isinstance(caught.value, ValueError)
    assert "âm lịch" in caught.value.message


def test_solar_dates_outside_the_supported_years_are_refused() -> None:
    with pytest.raises(InvalidLunarDate):
        solar_to_lunar(date(MAX_YEAR + 1, 1, 1))


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_every_day_from_1900_to_2100_round_trips() -> None:
    for day in _each_day(date(1900, 1, 1), date(2100, 12, 31)):
        lunar = solar_to_lunar(day)
        assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day, lunar


def test_consecutive_days_advance_the_lunar_day_in_months_of_29_or_30_days() -> None:
    previous = solar_to_lunar(date(1899, 12, 31))
    for day in _each_day(date(1900, 1, 1), date(2100, 12, 31)):
        current = solar_to_lunar(day)
        if current.day == 1:
            assert previous.day in (29, 30), (day, previous)
        else:
            assert (current.year, current.month, current.leap, current.day) == (
                previous.year,
                previous.month,
                previous.leap,
                previous.day + 1,
            ), day
        previous = current


def test_a_lunar_year_has_twelve_months_or_thirteen_with_one_leap() -> None:
    for year in range(1901, 2100):
        length = (tet(year + 1) - tet(year)).days
        leap_months = [month for month in range(1, 13) if _exists(year, month, leap=True)]
        assert len(leap_months) == (1 if length > 370 else 0), year
        assert length in (353, 354, 355, 383, 384, 385), year


def _exists(year: int, month: int, *, leap: bool) -> bool:
    try:
        lunar_to_solar(year, month, 1, leap)
    except InvalidLunarDate:
        return False
    return True
