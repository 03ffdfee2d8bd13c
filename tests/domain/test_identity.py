"""The 12-digit personal ID and the CCCD card's QR code."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from kiosk.domain import identity
from kiosk.domain.errors import ValidationError
from kiosk.domain.identity import (
    PROVINCE_CODES,
    CccdCard,
    check_personal_id,
    normalise_gender,
    parse_cccd_qr,
    parse_cccd_qr_bytes,
)
from tests.domain.checks import VIETNAMESE, assert_vietnamese_error

TODAY = date(2026, 11, 24)
ADDRESS = "Thôn Cộng Lạc, xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương"
FIELDS = ["030090012345", "123456789", "Nguyễn Văn Ất", "01011990", "Nam", ADDRESS, "15062021"]


def qr(**changes: str) -> str:
    """The sample card's QR text with some fields replaced (by position name)."""
    names = ["pid", "old", "name", "birth", "gender", "address", "issued"]
    fields = [changes.get(name, value) for name, value in zip(names, FIELDS, strict=True)]
    return "|".join(fields)



def advisory_codes(card: CccdCard) -> list[str]:
    return [advisory.code for advisory in card.advisories]


# --- province codes -------------------------------------------------------------------------


def test_province_table_has_the_63_pre_2025_provinces() -> None:
    assert len(PROVINCE_CODES) == 63
    assert all(re.fullmatch(r"0[0-9]{2}", code) for code in PROVINCE_CODES)
    assert len(set(PROVINCE_CODES.values())) == 63


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("001", "Hà Nội"),
        ("030", "Hải Dương"),
        ("031", "Hải Phòng"),
        ("022", "Quảng Ninh"),
        ("048", "Đà Nẵng"),
        ("079", "Thành phố Hồ Chí Minh"),
        ("092", "Cần Thơ"),
        ("096", "Cà Mau"),
    ],
)
def test_province_table_names_known_codes(code: str, name: str) -> None:
    assert PROVINCE_CODES[code] == name


def test_province_names_are_nfc_so_they_compare_equal_to_typed_text() -> None:
    for name in PROVINCE_CODES.values():
        assert unicodedata.normalize("NFC", name) == name


def test_province_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        PROVINCE_CODES["999"] = "Nowhere"  # type: ignore[index]


# --- personal ID ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digit", "gender", "century"),
    [
        ("0", "Nam", 1900),
        ("1", "Nữ", 1900),
        ("2", "Nam", 2000),
        ("3", "Nữ", 2000),
        ("4", "Nam", 2100),
        ("5", "Nữ", 2100),
        ("6", "Nam", 2200),
        ("7", "Nữ", 2200),
        ("8", "Nam", 2300),
        ("9", "Nữ", 2300),
    ],
)
def test_fourth_digit_gives_gender_and_century(digit: str, gender: str, century: int) -> None:
    personal = check_personal_id(f"031{digit}05012345")
    assert (personal.gender, personal.century, personal.year_suffix) == (gender, century, 5)
    assert personal.birth_year == century + 5


def test_personal_id_reports_its_province() -> None:
    personal = check_personal_id("030090012345")
    assert (personal.province_code, personal.province_name) == ("030", "Hải Dương")
    assert personal.number == "030090012345"
    assert personal.advisories == ()


@pytest.mark.parametrize(
    "text", ["030 090 012 345", " 030090012345\r\n", "０３００９００１２３４５"]
)
def test_personal_id_forgives_spaces_and_full_width_digits(text: str) -> None:
    assert check_personal_id(text).number == "030090012345"


def test_matching_birth_date_and_gender_give_no_advisory() -> None:
    personal = check_personal_id("030090012345", birth_date=date(1990, 1, 1), gender="nam")
    assert personal.advisories == ()


def test_birth_year_disagreeing_with_the_id_is_an_advisory_not_an_error() -> None:
    personal = check_personal_id("030090012345", birth_date=date(1991, 1, 1))
    assert [a.code for a in personal.advisories] == ["id_birth_year_mismatch"]
    assert "1991" in personal.advisories[0].message
    assert "1990" in personal.advisories[0].message


def test_gender_disagreeing_with_the_id_is_an_advisory_not_an_error() -> None:
    personal = check_personal_id("030090012345", gender="Nữ")
    assert [a.code for a in personal.advisories] == ["id_gender_mismatch"]
    assert VIETNAMESE.search(personal.advisories[0].message)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id_empty"),
        ("  \t ", "id_empty"),
        ("03009001234", "id_length"),
        ("0300900123456", "id_length"),
        ("1" * 10_000_000, "id_length"),
        ("123456789", "id_old_cmnd"),
        ("03009001234X", "id_chars"),
        ("030-090-012-345", "id_chars"),
        ("030090012345\x00", "id_chars"),
        ("٠٣٠٠٩٠٠١٢٣٤٥", "id_chars"),
        ("Nguyá»…n", "id_chars"),
        ("000090012345", "id_province"),
        ("003090012345", "id_province"),
        ("099090012345", "id_province"),
        ("100090012345", "id_province"),
    ],
)
def test_bad_personal_ids_are_refused_in_vietnamese(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_personal_id(text)
    assert_vietnamese_error(caught.value, code)
    assert caught.value.field == "personal_id"


def test_unknown_province_message_names_the_three_digits() -> None:
    with pytest.raises(ValidationError) as caught:
        check_personal_id("003090012345")
    assert "003" in caught.value.message


@pytest.mark.parametrize("text", ["Nam", "nam", "NAM", " Nam ", "Nữ", "nữ", "NỮ", "Nu\u031b\u0303"])
def test_gender_is_read_in_any_case_and_unicode_form(text: str) -> None:
    assert normalise_gender(text) in ("Nam", "Nữ")


@pytest.mark.parametrize("text", ["", "Nu", "Male", "Khác", "Nam\x00"])
def test_unknown_gender_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_gender(text, field="gender")
    assert_vietnamese_error(caught.value, "gender_invalid")


# --- CCCD QR code ---------------------------------------------------------------------------


def test_qr_of_a_chip_card_is_read_field_by_field() -> None:
    card = parse_cccd_qr(qr() + "\r", today=TODAY)
    assert card == CccdCard(
        personal_id="030090012345",
        old_id="123456789",
        full_name="Nguyễn Văn Ất",
        birth_date=date(1990, 1, 1),
        gender="Nam",
        address=ADDRESS,
        issued_on=date(2021, 6, 15),
        extra_fields=(),
        advisories=(),
    )


def test_qr_without_an_old_id_gives_none() -> None:
    assert parse_cccd_qr(qr(old=""), today=TODAY).old_id is None


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n", "  \r\n", "\x00\x00", "\t"])
def test_qr_trailing_scanner_characters_are_stripped(ending: str) -> None:
    card = parse_cccd_qr(qr() + ending, today=TODAY)
    assert card.issued_on == date(2021, 6, 15)


def test_qr_in_nfd_form_is_normalised_to_nfc() -> None:
    text = unicodedata.normalize("NFD", qr(gender="Nữ", pid="030190012345"))
    card = parse_cccd_qr(text, today=TODAY)
    assert card.gender == "Nữ"
    assert card.full_name == "Nguyễn Văn Ất"
    assert card.address == ADDRESS


def test_qr_gender_in_capitals_is_accepted() -> None:
    card = parse_cccd_qr(qr(gender="NỮ", pid="030190012345"), today=TODAY)
    assert card.gender == "Nữ"
    assert card.advisories == ()


def test_qr_name_whitespace_is_collapsed() -> None:
    card = parse_cccd_qr(qr(name="  Nguyễn   Văn\tẤt "), today=TODAY)
    assert card.full_name == "Nguyễn Văn Ất"


def test_qr_of_a_2024_card_keeps_extra_fields_raw() -> None:
    card = parse_cccd_qr(qr() + "|X1|| abc ", today=TODAY)
    assert card.extra_fields == ("X1", "", " abc")
    assert card.personal_id == "030090012345"


def test_qr_id_disagreeing_with_birth_year_and_gender_warns_but_reads() -> None:
    card = parse_cccd_qr(qr(birth="01011991", gender="Nữ"), today=TODAY)
    assert advisory_codes(card) == ["id_birth_year_mismatch", "id_gender_mismatch"]
    assert card.birth_date == date(1991, 1, 1)


def test_qr_issued_before_birth_is_an_advisory() -> None:
    card = parse_cccd_qr(qr(issued="01011980"), today=TODAY)
    assert advisory_codes(card) == ["qr_issued_before_birth"]
    assert card.issued_on == date(1980, 1, 1)


def test_qr_issued_in_the_future_is_an_advisory() -> None:
    card = parse_cccd_qr(qr(issued="25112026"), today=TODAY)
    assert advisory_codes(card) == ["qr_issued_in_future"]


@pytest.mark.parametrize("issued", ["", "   "])
def test_qr_without_issue_date_gives_none(issued: str) -> None:
    card = parse_cccd_qr(qr(issued=issued), today=TODAY)
    assert card.issued_on is None
    assert card.advisories == ()


def test_qr_unreadable_issue_date_is_an_advisory_since_new_cards_are_unpublished() -> None:
    card = parse_cccd_qr(qr(issued="31022021"), today=TODAY)
    assert card.issued_on is None
    assert advisory_codes(card) == ["qr_issued_unreadable"]


def test_qr_mojibake_text_is_repaired_and_flagged() -> None:
    mangled = qr().encode("utf-8").decode("cp1252", errors="strict")
    assert "Nguyá»…n" in mangled
    card = parse_cccd_qr(mangled, today=TODAY)
    assert card.full_name == "Nguyễn Văn Ất"
    assert card.address == ADDRESS
    assert advisory_codes(card) == ["qr_repaired_encoding"]


def test_qr_bytes_are_decoded_as_utf8() -> None:
    card = parse_cccd_qr_bytes(qr().encode("utf-8") + b"\r", today=TODAY)
    assert card.full_name == "Nguyễn Văn Ất"
    assert card.advisories == ()


def test_qr_bytes_with_a_byte_order_mark_are_read() -> None:
    card = parse_cccd_qr_bytes(b"\xef\xbb\xbf" + qr().encode("utf-8"), today=TODAY)
    assert card.personal_id == "030090012345"


def test_qr_bytes_holding_double_encoded_mojibake_are_repaired() -> None:
    # "Đ" becomes C4 90, and 0x90 is undefined in cp1252: the Latin-1 fallback path.
    text = qr(name="Đặng Thị Ưng", gender="Nữ", pid="030190012345")
    mangled = text.encode("utf-8").decode("latin-1").encode("utf-8")
    card = parse_cccd_qr_bytes(mangled, today=TODAY)
    assert card.full_name == "Đặng Thị Ưng"
    assert "qr_repaired_encoding" in advisory_codes(card)


def test_qr_bytes_that_are_not_utf8_are_refused_clearly() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cccd_qr_bytes(qr().encode("utf-16"), today=TODAY)
    assert_vietnamese_error(caught.value, "qr_encoding")


def test_qr_bytes_of_ten_megabytes_are_refused_before_decoding() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cccd_qr_bytes(b"\xff" * 10_000_000, today=TODAY)
    assert_vietnamese_error(caught.value, "qr_too_long")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "qr_empty"),
        ("\r\n", "qr_empty"),
        ("x" * 10_000_000, "qr_too_long"),
        ("|" * 10_000_000, "qr_too_long"),
        (",".join(FIELDS), "qr_wrong_separator"),
        (";".join(FIELDS), "qr_wrong_separator"),
        ("\t".join(FIELDS), "qr_wrong_separator"),
        ("https://dichvucong.gov.vn", "qr_not_cccd"),
        ("030090012345", "qr_not_cccd"),
        ("|".join(FIELDS[:6]), "qr_fields"),
        (qr(name="Nguyễn\x00Văn"), "qr_control"),
        (qr(name=" "), "qr_name_empty"),
        (qr(pid="03009001234A"), "id_chars"),
        (qr(pid=""), "id_empty"),
        (qr(pid="003090012345"), "id_province"),
        (qr(birth="31021990"), "date_impossible"),
        (qr(birth=""), "date_empty"),
        (qr(birth="1990"), "date_format"),
        (qr(birth="01012027"), "birth_in_future"),
        (qr(birth="01011800"), "date_out_of_range"),
        (qr(gender="Nu"), "gender_invalid"),
        (qr(gender=""), "gender_invalid"),
    ],
)
def test_hostile_qr_text_gets_a_typed_vietnamese_error(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cccd_qr(text, today=TODAY)
    assert_vietnamese_error(caught.value, code)


def test_qr_field_errors_name_the_field_concerned() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cccd_qr(qr(birth="01012027"), today=TODAY)
    assert caught.value.field == "birth_date"


def test_qr_without_today_uses_the_current_date() -> None:
    assert parse_cccd_qr(qr()).birth_date == date(1990, 1, 1)
    with pytest.raises(ValidationError):
        parse_cccd_qr(qr(birth="01012099"))


def test_every_message_in_the_table_is_vietnamese() -> None:
    for code, message in identity.MESSAGES.items():
        assert VIETNAMESE.search(message.lower()), code
