"""Dates typed by residents, birth-date checks and the portal's wire timestamps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.domain import dates
from kiosk.domain.dates import (
    VIETNAM_TZ,
    check_birth_date,
    format_date,
    from_wire,
    parse_date,
    to_wire,
)
from kiosk.domain.errors import ValidationError
from tests.domain.checks import VIETNAMESE, assert_vietnamese_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05091960", date(1960, 9, 5)),
        ("05/09/1960", date(1960, 9, 5)),
        ("5/9/1960", date(1960, 9, 5)),
        ("05-09-1960", date(1960, 9, 5)),
        ("05.09.1960", date(1960, 9, 5)),
        ("1960-09-05", date(1960, 9, 5)),
        ("  05 / 09 / 1960\r\n", date(1960, 9, 5)),
        ("２９/０２/２０２４", date(2024, 2, 29)),
        ("31/12/2100", date(2100, 12, 31)),
        ("01/01/1900", date(1900, 1, 1)),
    ],
)
def test_parse_date_reads_day_first_and_iso_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "date_empty"),
        ("   \t", "date_empty"),
        ("31/02/1990", "date_impossible"),
        ("29/02/2023", "date_impossible"),
        ("29/02/1900", "date_impossible"),
        ("01/13/1990", "date_impossible"),
        ("00/01/1990", "date_impossible"),
        ("31021990", "date_impossible"),
        ("31/12/1899", "date_out_of_range"),
        ("01/01/2101", "date_out_of_range"),
        ("0000-01-01", "date_out_of_range"),
        ("05/09/60", "date_format"),
        ("05/09-1960", "date_format"),
        ("05,09,1960", "date_format"),
        ("5 tháng 9 năm 1960", "date_format"),
        ("1960/09/05", "date_format"),
        ("05/09/1960\x00", "date_format"),
        ("٠٥/٠٩/١٩٦٠", "date_format"),
        ("1" * 10_000_000, "date_format"),
        ("Nguyá»…n", "date_format"),
    ],
)
def test_parse_date_refuses_bad_input_with_a_vietnamese_message(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, field="birth_date")
    assert_vietnamese_error(caught.value, code)
    assert caught.value.field == "birth_date"


def test_impossible_date_message_names_the_date_typed() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("31/02/1990")
    assert "31/02/1990" in caught.value.message


def test_format_date_pads_day_and_month() -> None:
    assert format_date(date(1960, 9, 5)) == "05/09/1960"
    assert parse_date(format_date(date(2001, 12, 31))) == date(2001, 12, 31)


def test_birth_date_today_and_exactly_150_years_ago_are_accepted() -> None:
    today = date(2026, 11, 24)
    assert check_birth_date(today, today) == today
    assert check_birth_date(date(1876, 11, 24), today) == date(1876, 11, 24)


def test_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_birth_date(date(2026, 11, 25), date(2026, 11, 24), field="birth_date")
    assert_vietnamese_error(caught.value, "birth_in_future")
    assert caught.value.field == "birth_date"


def test_birth_date_more_than_150_years_ago_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        check_birth_date(date(1876, 11, 23), date(2026, 11, 24))
    assert_vietnamese_error(caught.value, "birth_too_old")


def test_birth_date_check_on_29_february_needs_no_special_case() -> None:
    today = date(2024, 2, 29)
    assert check_birth_date(date(1874, 3, 1), today) == date(1874, 3, 1)
    with pytest.raises(ValidationError):
        check_birth_date(date(1874, 2, 28), today)


def test_to_wire_converts_aware_moments_to_vietnam_time() -> None:
    utc_moment = datetime(2026, 11, 24, 2, 30, 12, tzinfo=UTC)
    assert to_wire(utc_moment) == "20261124093012"


def test_to_wire_crosses_midnight_when_converting_from_utc() -> None:
    utc_moment = datetime(2026, 12, 31, 17, 0, 0, tzinfo=UTC)
    assert to_wire(utc_moment) == "20270101000000"


def test_to_wire_takes_a_naive_datetime_as_vietnam_wall_clock() -> None:
    assert to_wire(datetime(2026, 11, 24, 9, 30, 12)) == "20261124093012"


def test_from_wire_gives_an_aware_datetime_at_utc_plus_seven() -> None:
    moment = from_wire("20261124093012")
    assert moment == datetime(2026, 11, 24, 9, 30, 12, tzinfo=VIETNAM_TZ)
    assert moment.utcoffset() == timedelta(hours=7)
    assert to_wire(moment) == "20261124093012"


def test_vietnam_offset_is_the_same_in_summer_and_winter() -> None:
    assert from_wire("20260701120000").utcoffset() == from_wire("20260101120000").utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026112409301",
        "202611240930120",
        "2026-11-24 09:30",
        "20261324093012",
        "20260230093012",
        "20261124253012",
        "20261124096012",
        "00001124093012",
        "2026112409301\x00",
        "２０２６１１２４０９３０１２",
        "9" * 1_000_000,
    ],
)
def test_from_wire_refuses_malformed_timestamps_with_a_typed_error(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        from_wire(text)
    assert_vietnamese_error(caught.value, "wire_datetime")


def test_every_message_in_the_table_is_vietnamese() -> None:
    for code, message in dates.MESSAGES.items():
        assert VIETNAMESE.search(message.lower()), code
