"""The lists a resident picks from: ethnic groups, nationalities, administrative units."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.admin_units import provinces
from kiosk.domain.card_fill import values_from_card
from kiosk.domain.entry import capitalise_name, group_date_digits, year_digits
from kiosk.domain.errors import DataError
from kiosk.domain.forms import FormField, validate_form, with_defaults
from kiosk.domain.identity import parse_cccd_qr
from kiosk.domain.lists import (
    canonical,
    ethnicities,
    nationalities,
    parse_ethnicities,
    search,
)
from kiosk.domain.places import find_provinces, find_wards, parse_divisions, place_text

TODAY = date(2026, 11, 24)


def test_the_54_ethnic_groups_load_with_their_codes_kinh_first() -> None:
    groups = ethnicities()
    assert len(groups) == 54
    assert (groups[0].code, groups[0].value) == ("01", "Kinh")
    assert [g.code for g in groups] == [f"{n:02d}" for n in range(1, 55)]
    assert {"Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Ơ Đu", "Rơ-măm"} <= {g.value for g in groups}


@pytest.mark.parametrize("query", ["kinh", "KINH", "Kính", "  k i n h ", "viet"])
def test_kinh_is_found_whatever_was_typed(query: str) -> None:
    assert search(ethnicities(), query)[0].value == "Kinh"


@pytest.mark.parametrize(("query", "found"), [
    ("khmer", "Khơ-me"), ("mong", "HMông"), ("h'mong", "HMông"), ("ede", "Ê-đê"),
    ("giarai", "Gia-rai"), ("o du", "Ơ Đu"),
])
def test_other_names_find_their_group(query: str, found: str) -> None:
    assert search(ethnicities(), query)[0].value == found


def test_an_empty_query_lists_everything_in_order() -> None:
    assert [o.value for o in search(ethnicities(), "")] == [o.value for o in ethnicities()]


def test_nationalities_start_with_viet_nam_and_take_folded_spellings() -> None:
    assert nationalities()[0].value == "Việt Nam"
    assert canonical(nationalities(), "viet nam") == "Việt Nam"
    assert canonical(nationalities(), "my") == "Hoa Kỳ"
    assert canonical(nationalities(), "Atlantis") is None


def test_a_broken_ethnicity_file_is_a_vietnamese_data_error() -> None:
    with pytest.raises(DataError, match="54 dân tộc"):
        parse_ethnicities({"groups": [{"code": "01", "name": "Kinh"}]})
    with pytest.raises(DataError):
        parse_ethnicities([1, 2])


def test_the_34_provinces_of_july_2025_and_their_communes() -> None:
    units = provinces()
    assert len(units) == 34
    assert sum(len(p.wards) for p in units) > 3000
    names = {p.name for p in units}
    assert {"Thành phố Hà Nội", "Tỉnh Cao Bằng", "Thành phố Huế", "Tỉnh Cà Mau"} <= names
    assert "Tỉnh Hải Dương" not in names  # merged into Hải Phòng on 1 July 2025


@pytest.mark.parametrize("query", ["ha noi", "HÀ NỘI", "hanoi", "Thành phố Hà Nội"])
def test_ha_noi_is_found_without_diacritics(query: str) -> None:
    assert find_provinces(provinces(), query)[0].name == "Thành phố Hà Nội"


def test_a_commune_is_found_in_its_province_and_written_as_an_address() -> None:
    hanoi = find_provinces(provinces(), "ha noi")[0]
    ward = find_wards(hanoi, "hoan kiem")[0]
    assert ward.value == "Phường Hoàn Kiếm"
    assert place_text(ward.value, hanoi.name) == "Phường Hoàn Kiếm, Thành phố Hà Nội"


def test_a_malformed_division_list_is_refused() -> None:
    with pytest.raises(DataError, match="34"):
        parse_divisions([])
    with pytest.raises(DataError):
        parse_divisions([{"name": "X", "code": 1, "wards": []}] * 34)


@pytest.mark.parametrize(("typed", "shown"), [
    ("0", "0"), ("05", "05"), ("050", "05/0"), ("0509", "05/09"), ("05092024", "05/09/2024"),
    ("5/9/2024", "5/9/2024"), ("", ""),
])
def test_date_digits_get_their_slashes(typed: str, shown: str) -> None:
    assert group_date_digits(typed) == shown


def test_a_year_keeps_four_ascii_digits() -> None:
    assert year_digits("1995") == "1995"
    assert year_digits("19a9５5123") == "1995"


YEAR = FormField("nam_sinh_me", "Năm sinh của mẹ", "year")


@pytest.mark.parametrize(("typed", "ok"), [
    ("1995", True), ("1900", True), ("2026", True), ("2027", False), ("1899", False),
    ("95", False), ("19955", False), ("199a", False),
])
def test_a_year_is_four_digits_from_1900_to_this_year(typed: str, ok: bool) -> None:
    cleaned, problems = validate_form([YEAR], {"nam_sinh_me": typed}, TODAY)
    assert problems.ok is ok
    if ok:
        assert cleaned["nam_sinh_me"] == typed
    else:
        assert problems.errors[0].message.startswith("«Năm sinh của mẹ»")


def test_names_get_their_capitals_and_an_odd_ethnicity_is_refused() -> None:
    fields = [FormField("ho_ten", "Họ tên", "name"), FormField("dan_toc", "Dân tộc", "ethnicity")]
    cleaned, problems = validate_form(fields, {"ho_ten": "nguyễn thị ánh", "dan_toc": "kinh"},
                                      TODAY)
    assert problems.ok and cleaned == {"ho_ten": "Nguyễn Thị Ánh", "dan_toc": "Kinh"}
    _, problems = validate_form(fields, {"ho_ten": "Ánh 2", "dan_toc": "Kinhh"}, TODAY)
    assert [e.field for e in problems.errors] == ["ho_ten", "dan_toc"]
    assert capitalise_name("ĐINH mcKay") == "ĐINH mcKay"  # the resident's own spelling kept


def test_defaults_fill_only_missing_values_and_must_be_valid() -> None:
    spec = FormField("quoc_tich", "Quốc tịch", "nationality", default="Việt Nam")
    assert with_defaults([spec], {}) == {"quoc_tich": "Việt Nam"}
    assert with_defaults([spec], {"quoc_tich": ""}) == {"quoc_tich": ""}
    with pytest.raises(DataError, match="mặc định"):
        FormField("so_ban_sao", "Số bản", "number", min_value=1, default="0")
    with pytest.raises(DataError, match="card"):
        FormField("ho_ten_me", "Họ tên", "name", card="shoe_size")


def test_a_card_fills_a_parents_marked_fields_with_its_address_as_printed() -> None:
    address = "Thôn Cộng Lạc, xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương"
    card = parse_cccd_qr(f"030195012345||Nguyễn Thị Ánh|08031995|Nữ|{address}|15082021",
                         today=TODAY)
    fields = [FormField("ho_ten_me", "Họ tên", "name", card="full_name"),
              FormField("nam_sinh_me", "Năm sinh", "year", card="birth_year"),
              FormField("noi_cu_tru_me", "Nơi cư trú", "place", card="residence"),
              FormField("quoc_tich_me", "Quốc tịch", "nationality", card="nationality"),
              FormField("dan_toc_me", "Dân tộc", "ethnicity")]
    # The card's holder is a Vietnamese citizen: her nationality comes with it; her
    # ethnicity is not on the QR code, so it is asked.
    assert values_from_card(fields, card) == {
        "ho_ten_me": "Nguyễn Thị Ánh", "nam_sinh_me": "1995", "noi_cu_tru_me": address,
        "quoc_tich_me": "Việt Nam"}


# --- hostile input ---------------------------------------------------------------------

MOJIBAKE = "Đăng Hà Nội".encode().decode("latin-1")
CAPITALS = "ẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰ"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_query_searches_without_error(query: str) -> None:
    for options in (ethnicities(), nationalities(), provinces()[0].wards):
        found = search(options, query)
        assert len(found) <= len(options)
    find_provinces(provinces(), query)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789/ab", max_size=40))
def test_any_pad_sequence_groups_without_error(typed: str) -> None:
    shown = group_date_digits(typed)
    assert shown.replace("/", "") == typed.replace("/", "") or shown == typed
    assert len(year_digits(typed)) <= 4


@pytest.mark.parametrize(
    "query", [MOJIBAKE, CAPITALS, "Ω" * 10_000, "ha noi " * 1500, "xyzq" * 2_500, "\x00\u202e"])
def test_hostile_queries_take_bounded_time(query: str) -> None:
    started = time.perf_counter()
    search(ethnicities(), query)
    find_provinces(provinces(), query)
    for province in provinces():
        find_wards(province, query)
    assert time.perf_counter() - started < 2.0


def test_a_mojibake_place_name_is_still_found() -> None:
    mangled = "Hà Nội".encode().decode("latin-1")  # UTF-8 read as Latin-1
    assert find_provinces(provinces(), mangled)[0].name == "Thành phố Hà Nội"
