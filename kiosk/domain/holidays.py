"""Public holidays: the Labour Code's statutory days, computed, and the yearly data file.

Holidays follow the Labour Code 2019, Art. 112, computed from the Vietnamese lunar
calendar, then corrected by a yearly data file an official edits from the
government's notice (extra days off, Saturdays worked in exchange, the exact Tết
break).  A year the file does not mention uses the computed defaults.

Compensatory days are national: they are computed from the Saturday + Sunday
weekly rest of state agencies, whatever the site's own opening days.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from kiosk.domain.errors import DataError, DomainError, error_from_table
from kiosk.domain.lunar import MAX_YEAR, MIN_YEAR, lunar_to_solar, tet

_MESSAGES = {
    "holidays.unreadable": "Không đọc được tệp lịch ngày nghỉ {path}.",
    "holidays.syntax": "Tệp lịch ngày nghỉ viết sai cú pháp ở dòng {line}, cột {column}. "
    "Hãy kiểm tra dấu ngoặc, dấu nháy kép và dấu phẩy.",
    "holidays.bad_year": "Mục [{key}] không phải là một năm hợp lệ "
    "(cần một năm từ {min} đến {max}, ví dụ [2026]).",
    "holidays.year_not_table": "Năm {year} phải được viết thành một mục riêng, "
    "mở đầu bằng dòng [{year}].",
    "holidays.unknown_key": "Năm {year}: không có khóa '{key}'. Chỉ dùng các khóa: "
    "tet, days_off, working_days, quoc_khanh_extra.",
    "holidays.not_list": "Năm {year}, khóa '{key}': phải là một danh sách đặt trong "
    "ngoặc vuông [ ... ].",
    "holidays.bad_date": "Năm {year}, khóa '{key}': '{value}' không phải là một ngày có thật "
    '(viết theo dạng NĂM-THÁNG-NGÀY trong dấu nháy kép, ví dụ "{year}-04-30").',
    "holidays.wrong_year": "Năm {year}, khóa '{key}': ngày {value} thuộc năm {actual}; "
    "hãy chuyển nó sang mục [{actual}].",
    "holidays.duplicate": "Năm {year}: ngày {value} được ghi nhiều lần.",
    "holidays.bad_entry": "Năm {year}, khóa '{key}', mục thứ {index}: phải có dạng "
    '{{ date = "{year}-05-02", name = "..." }}.',
    "holidays.bad_name": "Năm {year}, khóa '{key}', mục thứ {index}: tên ngày phải là chữ "
    "và không được để trống.",
    "holidays.tet_without_new_year": "Năm {year}, khóa 'tet': danh sách phải có mùng 1 Tết "
    "({new_year}). Hãy kiểm tra lại năm và ngày.",
    "holidays.quoc_khanh_not_adjacent": "Năm {year}, khóa 'quoc_khanh_extra': ngày nghỉ thêm "
    "dịp Quốc khánh phải là {before} hoặc {after}.",
    "holidays.working_on_holiday": "Năm {year}, khóa 'working_days': ngày {value} là ngày "
    "nghỉ ({name}) nên không thể là ngày làm việc.",
    "holidays.working_on_weekday": "Năm {year}, khóa 'working_days': ngày {value} vốn đã là "
    "ngày làm việc. Chỉ ghi thứ Bảy, Chủ nhật hoặc ngày nghỉ bù được chuyển thành ngày làm việc.",
    "holidays.duplicate_year": "Năm {year} có hai bộ dữ liệu ngày nghỉ.",
}

_TET = "Tết Nguyên đán"
_QUOC_KHANH = "Quốc khánh"
_DEFAULT_DAY_OFF_NAME = "Nghỉ theo thông báo của Chính phủ"
_DEFAULT_WORKING_NAME = "Ngày làm việc bù"


class HolidayKind(StrEnum):
    STATUTORY = "statutory"  # ngày lễ, Tết của Bộ luật Lao động, Điều 112
    COMPENSATORY = "compensatory"  # nghỉ bù: a statutory day fell on a weekend
    GOVERNMENT_SWAP = "government_swap"  # nghỉ thêm / hoán đổi by the year's notice


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str
    kind: HolidayKind


@dataclass(frozen=True)
class NamedDay:
    """A day named in the data file: an extra day off, or a weekend day worked (làm bù)."""

    date: date
    name: str


@dataclass(frozen=True)
class YearOverrides:
    """One year of the data file: what the government's notice changes for that year.

    ``tet`` is the whole Tết break as announced (weekends and compensation
    included), so no compensation is computed for Tết when it is given.
    """

    year: int
    tet: tuple[date, ...] | None = None
    days_off: tuple[NamedDay, ...] = ()
    working_days: tuple[NamedDay, ...] = ()
    quoc_khanh_extra: date | None = None


@dataclass(frozen=True)
class _Year:
    off: Mapping[date, Holiday]
    make_up: Mapping[date, NamedDay]


# --- the computed holidays ---------------------------------------------------------------


def default_tet_break(year: int) -> list[date]:
    """The statutory Tết days: the last day of the lunar year and mùng 1 to mùng 4."""
    new_year = tet(year)
    return [new_year + timedelta(days=offset) for offset in range(-1, 4)]


def _statutory_days(year: int, quoc_khanh_extra: date, with_tet: bool) -> list[Holiday]:
    named = [
        (date(year, 1, 1), "Tết Dương lịch"),
        (lunar_to_solar(year, 3, 10), "Giỗ Tổ Hùng Vương"),
        (date(year, 4, 30), "Ngày Chiến thắng"),
        (date(year, 5, 1), "Ngày Quốc tế Lao động"),
        (quoc_khanh_extra, _QUOC_KHANH),
        (date(year, 9, 2), _QUOC_KHANH),
    ]
    if with_tet:
        named += [(day, _TET) for day in default_tet_break(year)]
    return [Holiday(day, name, HolidayKind.STATUTORY) for day, name in sorted(named)]


def _compensations(statutory: list[Holiday], off: Mapping[date, Holiday]) -> list[Holiday]:
    """Nghỉ bù: each statutory day on a Saturday or Sunday gives the next free weekday.

    Days are handed out in date order, so a holiday block spanning a weekend is
    followed by consecutive compensatory days.
    """
    taken = set(off)
    result = []
    for holiday in statutory:
        if holiday.date.weekday() < 5:
            continue
        day = holiday.date + timedelta(days=1)
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
        result.append(Holiday(day, f"Nghỉ bù {holiday.name}", HolidayKind.COMPENSATORY))
    return result


def _resolve(overrides: YearOverrides) -> _Year:
    """Combine the computed holidays of a year with what its data says."""
    year = overrides.year
    extra = overrides.quoc_khanh_extra or date(year, 9, 1)
    statutory = _statutory_days(year, extra, with_tet=overrides.tet is None)
    off = {holiday.date: holiday for holiday in statutory}
    statutory_tet = set(default_tet_break(year))
    for day in overrides.tet or ():
        kind = HolidayKind.STATUTORY if day in statutory_tet else HolidayKind.GOVERNMENT_SWAP
        off.setdefault(day, Holiday(day, _TET, kind))
    for named in overrides.days_off:
        off.setdefault(named.date, Holiday(named.date, named.name, HolidayKind.GOVERNMENT_SWAP))
    for holiday in _compensations(statutory, off):
        off[holiday.date] = holiday
    make_up = _apply_working_days(year, overrides.working_days, off)
    return _Year(dict(sorted(off.items())), make_up)


def _apply_working_days(
    year: int, working_days: Iterable[NamedDay], off: dict[date, Holiday]
) -> dict[date, NamedDay]:
    """Weekend days worked in exchange; one may also cancel a computed compensatory day."""
    make_up = {}
    for named in working_days:
        hit = off.get(named.date)
        if hit is not None and hit.kind is not HolidayKind.COMPENSATORY:
            raise _data_error(
                "holidays.working_on_holiday", year, "working_days", value=named.date, name=hit.name
            )
        if hit is None and named.date.weekday() < 5:
            raise _data_error("holidays.working_on_weekday", year, "working_days", value=named.date)
        off.pop(named.date, None)
        make_up[named.date] = named
    return make_up


class HolidayTable:
    """The days off of every year: the data file's years, and computed defaults for the rest."""

    def __init__(self, years: Iterable[YearOverrides] = ()) -> None:
        self._data_years: set[int] = set()
        # Filled lazily for default years; a pure function of the year, so a race is harmless.
        self._years: dict[int, _Year] = {}
        for overrides in years:
            if overrides.year in self._data_years:
                raise _data_error("holidays.duplicate_year", overrides.year, None)
            self._data_years.add(overrides.year)
            self._years[overrides.year] = _resolve(overrides)

    def years_with_data(self) -> tuple[int, ...]:
        """Years the data file covers; later years fall back to the computed defaults."""
        return tuple(sorted(self._data_years))

    def days_off(self, year: int) -> tuple[Holiday, ...]:
        return tuple(self._year(year).off.values())

    def make_up_days(self, year: int) -> tuple[NamedDay, ...]:
        """Weekend days that are working days by the year's notice (ngày làm bù)."""
        return tuple(sorted(self._year(year).make_up.values(), key=lambda d: d.date))

    def holiday_on(self, day: date) -> Holiday | None:
        return self._year(day.year).off.get(day)

    def is_make_up_day(self, day: date) -> bool:
        return day in self._year(day.year).make_up

    def _year(self, year: int) -> _Year:
        if year not in self._years:
            self._years[year] = _resolve(YearOverrides(year))
        return self._years[year]


# --- the data file -------------------------------------------------------------------------

_YEAR_KEYS = ("tet", "days_off", "working_days", "quoc_khanh_extra")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR_KEY = re.compile(r"[0-9]{4}")
_POSITION = re.compile(r"line (\d+), column (\d+)")


def load_holidays(path: Path) -> HolidayTable:
    """Read the yearly holiday file; any problem becomes a ``DataError`` in Vietnamese."""
    try:
        # utf-8-sig: Windows Notepad may save the file with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error_from_table(DataError, _MESSAGES, "holidays.unreadable", path=path) from exc
    return parse_holidays(text)


def parse_holidays(text: str) -> HolidayTable:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib (3.11) reports the position only inside its English message.
        found = _POSITION.search(str(exc))
        line, column = found.groups() if found else ("?", "?")
        raise error_from_table(
            DataError, _MESSAGES, "holidays.syntax", line=line, column=column
        ) from exc
    return HolidayTable(_parse_year(key, value) for key, value in raw.items())


def _parse_year(key: str, value: object) -> YearOverrides:
    if not _YEAR_KEY.fullmatch(key) or not MIN_YEAR <= int(key) <= MAX_YEAR:
        raise error_from_table(
            DataError,
            _MESSAGES,
            "holidays.bad_year",
            field=key,
            key=key,
            min=MIN_YEAR,
            max=MAX_YEAR,
        )
    year = int(key)
    if not isinstance(value, dict):
        raise _data_error("holidays.year_not_table", year, None)
    unknown = sorted(set(value) - set(_YEAR_KEYS))
    if unknown:
        raise _data_error("holidays.unknown_key", year, unknown[0])
    overrides = YearOverrides(
        year=year,
        tet=_tet_days(year, value["tet"]) if "tet" in value else None,
        days_off=_named_days(year, "days_off", value.get("days_off", []), _DEFAULT_DAY_OFF_NAME),
        working_days=_named_days(
            year, "working_days", value.get("working_days", []), _DEFAULT_WORKING_NAME
        ),
        quoc_khanh_extra=_quoc_khanh_extra(year, value.get("quoc_khanh_extra")),
    )
    _check_no_duplicates(overrides)
    return overrides


def _tet_days(year: int, raw: object) -> tuple[date, ...]:
    days = tuple(_to_date(year, "tet", item) for item in _as_list(year, "tet", raw))
    new_year = tet(year)
    if new_year not in days:
        raise _data_error("holidays.tet_without_new_year", year, "tet", new_year=new_year)
    return days


def _named_days(year: int, key: str, raw: object, default_name: str) -> tuple[NamedDay, ...]:
    return tuple(
        _named_day(year, key, index, item, default_name)
        for index, item in enumerate(_as_list(year, key, raw), start=1)
    )


def _named_day(year: int, key: str, index: int, item: object, default_name: str) -> NamedDay:
    if not isinstance(item, dict) or "date" not in item or set(item) - {"date", "name"}:
        raise _data_error("holidays.bad_entry", year, key, index=index)
    name = item.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise _data_error("holidays.bad_name", year, key, index=index)
    return NamedDay(_to_date(year, key, item["date"]), name.strip())


def _quoc_khanh_extra(year: int, raw: object) -> date | None:
    if raw is None:
        return None
    day = _to_date(year, "quoc_khanh_extra", raw)
    before, after = date(year, 9, 1), date(year, 9, 3)
    if day not in (before, after):
        raise _data_error(
            "holidays.quoc_khanh_not_adjacent",
            year,
            "quoc_khanh_extra",
            before=before,
            after=after,
        )
    return day


def _as_list(year: int, key: str, raw: object) -> list[object]:
    if not isinstance(raw, list):
        raise _data_error("holidays.not_list", year, key)
    return raw


def _to_date(year: int, key: str, raw: object) -> date:
    """A date written as "YYYY-MM-DD" or as a bare TOML date, and filed under its own year."""
    day: date | None = None
    if isinstance(raw, date) and not isinstance(raw, datetime):
        day = raw
    elif isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            day = None  # e.g. 2026-02-31: the right shape, but no such day
    if day is None:
        raise _data_error("holidays.bad_date", year, key, value=raw)
    if day.year != year:
        raise _data_error("holidays.wrong_year", year, key, value=day, actual=day.year)
    return day


def _check_no_duplicates(overrides: YearOverrides) -> None:
    listed = [
        *(overrides.tet or ()),
        *(named.date for named in overrides.days_off),
        *(named.date for named in overrides.working_days),
    ]
    if overrides.quoc_khanh_extra is not None:
        listed.append(overrides.quoc_khanh_extra)
    seen: set[date] = set()
    for day in listed:
        if day in seen:
            raise _data_error("holidays.duplicate", overrides.year, None, value=day)
        seen.add(day)


def _data_error(code: str, year: int, key: str | None, **params: object) -> DomainError:
    """A ``DataError`` whose ``field`` says where: "2026.tet", or just "2026"."""
    where = f"{year}.{key}" if key else str(year)
    return error_from_table(DataError, _MESSAGES, code, field=where, year=year, key=key, **params)


# --- the working calendar ------------------------------------------------------------------

