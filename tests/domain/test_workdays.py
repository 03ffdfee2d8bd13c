"""Working days, holidays, the yearly data file and the appointment date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.domain.dates import VIETNAM_TZ
from kiosk.domain.errors import DataError, ValidationError
from kiosk.domain.holidays import (
    Holiday,
    HolidayKind,
    HolidayTable,
    default_tet_break,
    load_holidays,
    parse_holidays,
)
from kiosk.domain.workdays import WorkCalendar
from kiosk.paths import resource

# The government's 2025 arrangements, written the way an official would.
DATA_2025 = """
[2025]
tet = [
  "2025-01-25", "2025-01-26", "2025-01-27", "2025-01-28", "2025-01-29",
  "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02",
]
days_off = [{ date = "2025-05-02", name = "Nghỉ hoán đổi" }]
working_days = [{ date = "2025-04-26", name = "Làm bù cho thứ Sáu 02/5/2025" }]
quoc_khanh_extra = "2025-09-01"
"""


@dataclass(frozen=True)
class TimeLimit:
    """Shaped like the catalogue's time limit: a frozen dataclass must satisfy the protocol."""

    working_days: int


SAME_DAY = TimeLimit(0)
THREE_DAYS = TimeLimit(3)


def defaults_only(*, saturday_working: bool = False) -> WorkCalendar:
    return WorkCalendar(holidays=HolidayTable(), saturday_working=saturday_working)


def with_2025_data(*, saturday_working: bool = False) -> WorkCalendar:
    return WorkCalendar(holidays=parse_holidays(DATA_2025), saturday_working=saturday_working)


def days_off(calendar: WorkCalendar, year: int) -> dict[date, HolidayKind]:
    return {holiday.date: holiday.kind for holiday in calendar.holidays_in(year)}


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


# --- computed holidays ---------------------------------------------------------------------


def test_the_default_tet_break_is_the_last_day_of_the_year_and_mung_1_to_4() -> None:
    # Tết Bính Ngọ is 17/02/2026; the lunar year Ất Tỵ ends on 16/02.
    assert default_tet_break(2026) == [date(2026, 2, d) for d in range(16, 21)]


def test_tet_days_on_a_weekend_give_compensatory_days_after_the_break() -> None:
    # Tết Đinh Mùi is Saturday 06/02/2027: 05/02 (Fri) to 09/02 (Tue), of which two on the weekend.
    off = days_off(defaults_only(), 2027)
    assert [d for d, kind in off.items() if kind is HolidayKind.STATUTORY and d.month == 2] == [
        date(2027, 2, d) for d in range(5, 10)
    ]
    assert off[date(2027, 2, 10)] is HolidayKind.COMPENSATORY
    assert off[date(2027, 2, 11)] is HolidayKind.COMPENSATORY
    assert defaults_only().is_working_day(date(2027, 2, 12))


def test_hung_kings_day_on_a_sunday_gives_the_monday_off() -> None:
    calendar = defaults_only()
    assert date(2026, 4, 26).weekday() == 6
    assert days_off(calendar, 2026)[date(2026, 4, 27)] is HolidayKind.COMPENSATORY
    assert not calendar.is_working_day(date(2026, 4, 27))
    assert calendar.is_working_day(date(2026, 4, 28))


def test_30_april_and_1_may_on_a_weekend_give_monday_and_tuesday_off() -> None:
    # 2022: Saturday 30/4 and Sunday 1/5.
    off = days_off(defaults_only(), 2022)
    assert off[date(2022, 5, 2)] is HolidayKind.COMPENSATORY
    assert off[date(2022, 5, 3)] is HolidayKind.COMPENSATORY
    assert defaults_only().is_working_day(date(2022, 5, 4))


def test_compensation_skips_over_a_following_holiday_block() -> None:
    # 2023: Hùng Kings Saturday 29/4, then 30/4 (Sunday) and 1/5 (Monday).
    off = days_off(defaults_only(), 2023)
    assert off[date(2023, 5, 1)] is HolidayKind.STATUTORY
    assert off[date(2023, 5, 2)] is HolidayKind.COMPENSATORY
    assert off[date(2023, 5, 3)] is HolidayKind.COMPENSATORY
    assert defaults_only().is_working_day(date(2023, 5, 4))


def test_quoc_khanh_is_2_september_plus_1_september_by_default() -> None:
    off = days_off(defaults_only(), 2027)
    assert off[date(2027, 9, 1)] is HolidayKind.STATUTORY
    assert off[date(2027, 9, 2)] is HolidayKind.STATUTORY
    assert date(2027, 9, 3) not in off


def test_a_holiday_list_is_sorted_and_named_in_vietnamese() -> None:
    holidays = defaults_only().holidays_in(2026)
    assert holidays == sorted(holidays, key=lambda h: h.date)
    assert Holiday(date(2026, 1, 1), "Tết Dương lịch", HolidayKind.STATUTORY) in holidays
    assert {h.name for h in holidays} >= {"Giỗ Tổ Hùng Vương", "Quốc khánh", "Tết Nguyên đán"}


# --- the data file overrides the defaults ----------------------------------------------


def test_the_data_file_replaces_the_computed_tet_break() -> None:
    computed, announced = defaults_only(), with_2025_data()
    # Computed: 28/01 to 01/02 (a Saturday), so Monday 03/02 would be compensatory.
    assert not computed.is_working_day(date(2025, 2, 3))
    assert computed.is_working_day(date(2025, 1, 27))
    # Announced: the compensation went to Monday 27/01 instead.
    assert announced.is_working_day(date(2025, 2, 3))
    assert not announced.is_working_day(date(2025, 1, 27))


def test_a_working_saturday_swap_moves_the_day_off() -> None:
    calendar = with_2025_data()
    assert calendar.is_working_day(date(2025, 4, 26))  # Saturday worked
    assert not calendar.is_working_day(date(2025, 5, 2))  # Friday off
    assert days_off(calendar, 2025)[date(2025, 5, 2)] is HolidayKind.GOVERNMENT_SWAP
    assert not defaults_only().is_working_day(date(2025, 4, 26))


def test_quoc_khanh_extra_day_can_be_set_to_3_september() -> None:
    table = parse_holidays('[2026]\nquoc_khanh_extra = "2026-09-03"\n')
    calendar = WorkCalendar(holidays=table)
    assert calendar.is_working_day(date(2026, 9, 1))
    assert not calendar.is_working_day(date(2026, 9, 3))


def test_a_working_day_entry_cancels_a_computed_compensatory_day() -> None:
    text = """
[2026]
days_off = [{ date = "2026-04-28", name = "Nghỉ bù Giỗ Tổ (theo thông báo)" }]
working_days = [{ date = "2026-04-27", name = "Làm việc bình thường" }]
"""
    calendar = WorkCalendar(holidays=parse_holidays(text))
    assert calendar.is_working_day(date(2026, 4, 27))
    assert not calendar.is_working_day(date(2026, 4, 28))


def test_a_year_without_data_falls_back_to_the_computed_defaults() -> None:
    table = parse_holidays(DATA_2025)
    assert table.years_with_data() == (2025,)
    assert table.days_off(2027) == HolidayTable().days_off(2027)


def test_bare_toml_dates_are_accepted_too() -> None:
    table = parse_holidays('[2026]\ndays_off = [{ date = 2026-05-04, name = "Nghỉ thêm" }]\n')
    assert table.holiday_on(date(2026, 5, 4)) is not None


def test_the_shipped_data_file_loads() -> None:
    table = load_holidays(resource("calendar", "holidays.toml"))
    assert {2025, 2026} <= set(table.years_with_data())
    calendar = WorkCalendar(holidays=table)
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 1, 27))
    assert not calendar.is_working_day(date(2026, 2, 17))


# --- hostile data files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ('[2026]\ntet = "2026-02-17"\n', "holidays.not_list", "2026.tet"),
        ('[2026]\ndays_off = [{ date = "2026-02-31" }]\n', "holidays.bad_date", "2026.days_off"),
        ('[2026]\ndays_off = [{ date = "17/02/2026" }]\n', "holidays.bad_date", "2026.days_off"),
        ("[2026]\ndays_off = [{ date = 20260217 }]\n", "holidays.bad_date", "2026.days_off"),
        (
            "[2026]\ndays_off = [{ date = 2026-02-17T08:00:00 }]\n",
            "holidays.bad_date",
            "2026.days_off",
        ),
        ('[2026]\ndays_off = ["2026-05-04"]\n', "holidays.bad_entry", "2026.days_off"),
        (
            '[2026]\ndays_off = [{ date = "2026-05-04", ten = "x" }]\n',
            "holidays.bad_entry",
            "2026.days_off",
        ),
        (
            '[2026]\ndays_off = [{ date = "2026-05-04", name = 5 }]\n',
            "holidays.bad_name",
            "2026.days_off",
        ),
        ('[2026]\ndays_off = [{ date = "2025-05-02" }]\n', "holidays.wrong_year", "2026.days_off"),
        (
            '[2026]\ndays_off = [{ date = "2026-05-04" }, { date = "2026-05-04" }]\n',
            "holidays.duplicate",
            "2026",
        ),
        ("[2026]\nday_off = []\n", "holidays.unknown_key", "2026.day_off"),
        ("[2o26]\ntet = []\n", "holidays.bad_year", "2o26"),
        ("[1700]\n", "holidays.bad_year", "1700"),
        ('2026 = "nghỉ"\n', "holidays.year_not_table", "2026"),
        (
            '[2026]\ntet = ["2026-02-16", "2026-02-18"]\n',
            "holidays.tet_without_new_year",
            "2026.tet",
        ),
        (
            '[2026]\nquoc_khanh_extra = "2026-09-04"\n',
            "holidays.quoc_khanh_not_adjacent",
            "2026.quoc_khanh_extra",
        ),
        (
            '[2025]\nworking_days = [{ date = "2025-04-30" }]\n',
            "holidays.working_on_holiday",
            "2025.working_days",
        ),
        (
            '[2025]\nworking_days = [{ date = "2025-04-29" }]\n',
            "holidays.working_on_weekday",
            "2025.working_days",
        ),
    ],
)
def test_a_hostile_data_file_gives_a_data_error_naming_the_year_and_key(
    text: str, code: str, field: str
) -> None:
    with pytest.raises(DataError) as caught:
        parse_holidays(text)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert field.split(".")[0] in caught.value.message


def test_broken_toml_gives_a_data_error_naming_the_line() -> None:
    with pytest.raises(DataError) as caught:
        parse_holidays('[2026]\n\ntet = ["2026-02-17",\n  "2026-02-18"\n  "2026-02-19"]\n')
    assert caught.value.code == "holidays.syntax"
    assert "dòng 5" in caught.value.message


def test_an_impossible_bare_toml_date_is_a_syntax_error_with_its_line() -> None:
    with pytest.raises(DataError) as caught:
        parse_holidays("[2026]\ndays_off = [{ date = 2026-02-31 }]\n")
    assert caught.value.code == "holidays.syntax"
    assert "dòng 2" in caught.value.message


def test_a_duplicate_year_section_is_refused() -> None:
    with pytest.raises(DataError):
        parse_holidays("[2026]\n[2026]\n")


def test_an_unreadable_file_gives_a_data_error(tmp_path: Path) -> None:
    binary = tmp_path / "holidays.toml"
    binary.write_bytes(b"[2026]\n\xff\xfe")
    with pytest.raises(DataError) as caught:
        load_holidays(binary)
    assert caught.value.code == "holidays.unreadable"
    with pytest.raises(DataError):
        load_holidays(tmp_path / "missing.toml")


def test_a_file_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(DATA_2025, encoding="utf-8-sig")
    assert load_holidays(path).years_with_data() == (2025,)


# --- working days -----------------------------------------------------------------------


def test_weekends_are_not_working_days_unless_the_site_works_saturdays() -> None:
    saturday, sunday = date(2026, 11, 28), date(2026, 11, 29)
    assert not defaults_only().is_working_day(saturday)
    assert defaults_only(saturday_working=True).is_working_day(saturday)
    assert not defaults_only(saturday_working=True).is_working_day(sunday)


def test_a_saturday_holiday_stays_off_at_a_saturday_working_site() -> None:
    calendar = defaults_only(saturday_working=True)
    assert not calendar.is_working_day(date(2027, 5, 1))  # 1/5/2027 is a Saturday
    assert not calendar.is_working_day(date(2027, 5, 3))  # its compensatory Monday


def test_add_working_days_skips_the_whole_tet_break() -> None:
    # Thursday 23/01/2025: Friday 24/01 is day 1, then the break runs to Sunday 02/02.
    assert with_2025_data().add_working_days(date(2025, 1, 23), 3) == date(2025, 2, 4)


def test_add_working_days_crosses_the_year_boundary() -> None:
    calendar = defaults_only()
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert calendar.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert calendar.add_working_days(date(2026, 1, 2), -1) == date(2025, 12, 31)


def test_add_zero_working_days_returns_the_same_day() -> None:
    assert defaults_only().add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_saturday_working_sites_count_saturdays() -> None:
    friday = date(2026, 11, 27)
    assert defaults_only().add_working_days(friday, 1) == date(2026, 11, 30)
    assert defaults_only(saturday_working=True).add_working_days(friday, 1) == date(2026, 11, 28)


def test_a_datetime_is_refused_where_a_date_is_expected() -> None:
    with pytest.raises(TypeError):
        defaults_only().is_working_day(datetime(2026, 11, 24, 9, 30))


# --- the appointment date ---------------------------------------------------------------


def test_the_portal_contract_sample_three_working_days() -> None:
    due = defaults_only().due_date(local(2026, 11, 24, 9, 30), THREE_DAYS)
    assert due == local(2026, 11, 27, 17, 0)
    assert due.tzinfo is VIETNAM_TZ


def test_same_day_procedure_received_before_15_00_is_due_that_evening() -> None:
    due = defaults_only().due_date(local(2026, 11, 24, 14, 59), SAME_DAY)
    assert due == local(2026, 11, 24, 17, 0)


def test_same_day_procedure_received_at_15_00_is_due_the_next_working_day() -> None:
    due = defaults_only().due_date(local(2026, 11, 24, 15, 0), SAME_DAY)
    assert due == local(2026, 11, 25, 17, 0)


def test_same_day_procedure_received_friday_afternoon_is_due_monday() -> None:
    due = defaults_only().due_date(local(2026, 11, 27, 15, 30), SAME_DAY)
    assert due == local(2026, 11, 30, 17, 0)


def test_the_15_00_cut_off_applies_only_to_same_day_procedures() -> None:
    due = defaults_only().due_date(local(2026, 11, 24, 15, 30), THREE_DAYS)
    assert due == local(2026, 11, 27, 17, 0)


def test_received_after_office_close_counts_from_the_next_working_day() -> None:
    due = defaults_only().due_date(local(2026, 11, 24, 17, 30), THREE_DAYS)
    assert due == local(2026, 11, 30, 17, 0)


def test_received_on_a_saturday_counts_from_monday() -> None:
    calendar = defaults_only()
    assert calendar.due_date(local(2026, 11, 28, 9, 0), THREE_DAYS) == local(2026, 12, 3, 17, 0)
    assert calendar.due_date(local(2026, 11, 28, 9, 0), SAME_DAY) == local(2026, 11, 30, 17, 0)


def test_received_on_a_saturday_at_a_saturday_working_site_counts_that_day() -> None:
    calendar = defaults_only(saturday_working=True)
    assert calendar.due_date(local(2026, 11, 28, 9, 0), SAME_DAY) == local(2026, 11, 28, 17, 0)
    assert calendar.due_date(local(2026, 11, 28, 9, 0), THREE_DAYS) == local(2026, 12, 2, 17, 0)


def test_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Tuesday 02/09/2025 is Quốc khánh: counting starts on Wednesday 03/09.
    calendar = with_2025_data()
    assert calendar.due_date(local(2025, 9, 2, 9, 0), SAME_DAY) == local(2025, 9, 3, 17, 0)
    assert calendar.due_date(local(2025, 9, 2, 9, 0), THREE_DAYS) == local(2025, 9, 8, 17, 0)


def test_an_aware_utc_time_is_converted_to_vietnam_time() -> None:
    calendar = defaults_only()
    # 08:30 UTC is 15:30 in Vietnam: past the same-day cut-off.
    received = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert calendar.due_date(received, SAME_DAY) == local(2026, 11, 25, 17, 0)
    # 23:00 UTC on Monday is 06:00 on Tuesday in Vietnam.
    received = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    assert calendar.due_date(received, SAME_DAY) == local(2026, 11, 24, 17, 0)


def test_an_aware_time_in_another_zone_is_converted_too() -> None:
    paris = timezone(timedelta(hours=1))
    received = datetime(2026, 11, 24, 8, 30, tzinfo=paris)  # 14:30 in Vietnam
    assert defaults_only().due_date(received, SAME_DAY) == local(2026, 11, 24, 17, 0)


def test_a_naive_time_is_taken_as_vietnam_time() -> None:
    due = defaults_only().due_date(datetime(2026, 11, 24, 14, 0), SAME_DAY)
    assert due == local(2026, 11, 24, 17, 0)
    assert due.utcoffset() == timedelta(hours=7)


def test_a_due_date_across_tet_uses_the_announced_break() -> None:
    # Friday 24/01/2025 10:00, 3 working days: Mon 03/02, Tue 04/02, Wed 05/02.
    due = with_2025_data().due_date(local(2025, 1, 24, 10, 0), THREE_DAYS)
    assert due == local(2025, 2, 5, 17, 0)


def test_office_hours_are_configurable() -> None:
    calendar = WorkCalendar(
        holidays=HolidayTable(), office_close=time(16, 30), same_day_cutoff=time(11, 0)
    )
    assert calendar.due_date(local(2026, 11, 24, 11, 30), SAME_DAY) == local(2026, 11, 25, 16, 30)
    assert calendar.due_date(local(2026, 11, 24, 16, 0), THREE_DAYS) == local(2026, 11, 27, 16, 30)


def test_a_cut_off_after_closing_time_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkCalendar(holidays=HolidayTable(), office_close=time(15, 0), same_day_cutoff=time(16))
    assert caught.value.code == "workdays.cutoff_after_close"


def test_a_negative_time_limit_is_refused() -> None:
    with pytest.raises(DataError):
        defaults_only().due_date(local(2026, 11, 24, 9, 0), TimeLimit(-1))
