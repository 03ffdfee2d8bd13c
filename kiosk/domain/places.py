"""The administrative units since 1 July 2025: 34 provinces and their communes and wards.

The list comes from the ``vietnam-provinces`` package (the statistics office's
names and codes, kept up to date by its maintainer); ``kiosk.admin_units``
reads its JSON and hands it to ``parse_divisions`` here, so this module stays
pure.  A chosen place is written the way a card or a tờ khai writes it:
"Xã Thượng Lâm, Tỉnh Tuyên Quang".  An older three-tier address read from a
card is never rewritten: it stays as printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.domain.errors import DataError, error_from_table
from kiosk.domain.lists import Option, search

MESSAGES = {
    "shape": "Danh sách đơn vị hành chính không đúng cấu trúc: {detail}.",
    "place": "{ward}, {province}",
}

PROVINCE_COUNT = 34
CITY = "thành phố trung ương"
PROVINCE_PREFIX = "Tỉnh "
CITY_PREFIX = "Thành phố "


@dataclass(frozen=True)
class Province:
    code: int
    name: str  # as written in an address: "Tỉnh Cao Bằng", "Thành phố Hà Nội"
    wards: tuple[Option, ...]  # communes, wards and special zones, their code in Option.code

    @property
    def option(self) -> Option:
        return Option.of(self.name, str(self.code), (_bare(self.name),))


def _bare(name: str) -> str:
    for prefix in (PROVINCE_PREFIX, CITY_PREFIX):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _error(detail: str) -> DataError:
    return error_from_table(DataError, MESSAGES, "shape", detail=detail)


def parse_divisions(obj: object) -> tuple[Province, ...]:
    """The package's nested JSON: ``[{"name", "code", "division_type", "wards": […]}, …]``."""
    if not isinstance(obj, list) or len(obj) != PROVINCE_COUNT:
        raise _error(f"cần đúng {PROVINCE_COUNT} tỉnh, thành phố")
    return tuple(_province(item) for item in obj)


def _province(item: object) -> Province:
    if not isinstance(item, dict):
        raise _error("mỗi tỉnh là một đối tượng")
    name, code, kind, wards = (item.get(k) for k in ("name", "code", "division_type", "wards"))
    if not (isinstance(name, str) and name.strip() and isinstance(code, int)
            and isinstance(wards, list) and wards):
        raise _error("tỉnh thiếu tên, mã số hoặc danh sách xã, phường")
    if kind != CITY and not name.startswith(PROVINCE_PREFIX):
        name = PROVINCE_PREFIX + name
    return Province(code, name, tuple(_ward(ward) for ward in wards))


def _ward(item: object) -> Option:
    name = item.get("name") if isinstance(item, dict) else None
    code = item.get("code") if isinstance(item, dict) else None
    if not (isinstance(name, str) and name.strip() and isinstance(code, int)):
        raise _error("xã, phường thiếu tên hoặc mã số")
    return Option.of(name, str(code), (_bare_ward(name),))


def _bare_ward(name: str) -> str:
    for prefix in ("Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def place_text(ward: str, province: str) -> str:
    """"Xã Thượng Lâm, Tỉnh Tuyên Quang": a commune or ward and its province."""
    return MESSAGES["place"].format(ward=ward, province=province)


def find_provinces(provinces: Sequence[Province], query: str) -> list[Province]:
    """Provinces matching ``query`` ("ha noi" → Thành phố Hà Nội), best first."""
    by_name = {p.name: p for p in provinces}
    return [by_name[o.value] for o in search([p.option for p in provinces], query)]


def find_wards(province: Province, query: str) -> list[Option]:
    """The province's communes and wards matching ``query``, best first."""
    return search(province.wards, query)
