"""The 12-digit personal ID (số định danh cá nhân) and the QR code on the CCCD card.

The ID has no check digit, so the only checks possible are its shape, the
province code and agreement with the birth year and gender.  A card whose ID
disagrees with its own data is suspicious but real people hold such cards, so
disagreement is an ``Advisory`` for the official, never a refusal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import MappingProxyType

from kiosk.domain.dates import VIETNAM_TZ, check_birth_date, parse_date
from kiosk.domain.errors import Advisory, ValidationError, error_from_table
from kiosk.domain.textnorm import repair_mojibake

MESSAGES: dict[str, str] = {
    "id_empty": "Xin nhập số định danh cá nhân (12 chữ số trên thẻ căn cước).",
    "id_chars": "Số định danh cá nhân chỉ gồm các chữ số. Xin kiểm tra lại.",
    "id_old_cmnd": (
        "Đây là số chứng minh nhân dân cũ (9 chữ số). "
        "Xin nhập số định danh 12 chữ số trên thẻ căn cước."
    ),
    "id_length": "Số định danh cá nhân phải có đúng 12 chữ số. Xin kiểm tra lại.",
    "id_province": (
        "Ba chữ số đầu ({province}) không phải mã tỉnh, thành phố nào. "
        "Xin kiểm tra lại số định danh trên thẻ."
    ),
    "id_birth_year_mismatch": (
        "Năm sinh {year} không khớp với số định danh (số định danh cho biết năm sinh {id_year}). "
        "Xin cán bộ kiểm tra lại giấy tờ."
    ),
    "id_gender_mismatch": (
        "Giới tính {gender} không khớp với số định danh (số định danh cho biết giới tính "
        "{id_gender}). Xin cán bộ kiểm tra lại giấy tờ."
    ),
    "gender_invalid": "Giới tính phải là Nam hoặc Nữ.",
    "qr_empty": "Chưa đọc được mã QR. Xin đưa mặt có mã QR của thẻ căn cước lại gần máy quét.",
    "qr_too_long": "Mã vừa quét quá dài, không phải mã QR của thẻ căn cước. Xin quét lại.",
    "qr_encoding": "Máy quét gửi chữ sai bảng mã nên không đọc được. Xin quét lại hoặc gặp cán bộ.",
    "qr_control": "Mã vừa quét có ký tự lạ, không phải mã QR của thẻ căn cước. Xin quét lại.",
    "qr_wrong_separator": (
        "Đây không phải mã QR của thẻ căn cước. Xin quét mã QR trên thẻ căn cước "
        "(góc trên bên phải mặt trước, hoặc mặt sau với thẻ mới)."
    ),
    "qr_not_cccd": (
        "Đây không phải mã QR của thẻ căn cước. Xin quét mã QR trên thẻ căn cước "
        "(góc trên bên phải mặt trước, hoặc mặt sau với thẻ mới)."
    ),
    "qr_fields": "Mã QR trên thẻ chưa đọc đủ thông tin. Xin quét lại.",
    "qr_name_empty": "Mã QR trên thẻ không có họ tên. Xin quét lại hoặc gặp cán bộ.",
    "qr_repaired_encoding": (
        "Máy quét đọc sai bảng mã chữ, kiosk đã tự sửa lại. Xin kiểm tra kỹ họ tên và địa chỉ."
    ),
    "qr_issued_unreadable": "Không đọc được ngày cấp thẻ. Xin cán bộ kiểm tra ngày cấp trên thẻ.",
    "qr_issued_before_birth": "Ngày cấp thẻ trước ngày sinh. Xin cán bộ kiểm tra lại thẻ.",
    "qr_issued_in_future": "Ngày cấp thẻ sau ngày hôm nay. Xin cán bộ kiểm tra lại thẻ.",
}

# The 63 pre-2025 provinces as coded for birth registration (Circular
# 07/2016/TT-BCA, later 59/2021/TT-BCA).  The 2025 mergers did not renumber
# IDs already issued, so this list stays valid for every card in circulation.
PROVINCE_CODES: Mapping[str, str] = MappingProxyType(
    {
        "001": "Hà Nội",
        "002": "Hà Giang",
        "004": "Cao Bằng",
        "006": "Bắc Kạn",
        "008": "Tuyên Quang",
        "010": "Lào Cai",
        "011": "Điện Biên",
        "012": "Lai Châu",
        "014": "Sơn La",
        "015": "Yên Bái",
        "017": "Hòa Bình",
        "019": "Thái Nguyên",
        "020": "Lạng Sơn",
        "022": "Quảng Ninh",
        "024": "Bắc Giang",
        "025": "Phú Thọ",
        "026": "Vĩnh Phúc",
        "027": "Bắc Ninh",
        "030": "Hải Dương",
        "031": "Hải Phòng",
        "033": "Hưng Yên",
        "034": "Thái Bình",
        "035": "Hà Nam",
        "036": "Nam Định",
        "037": "Ninh Bình",
        "038": "Thanh Hóa",
        "040": "Nghệ An",
        "042": "Hà Tĩnh",
        "044": "Quảng Bình",
        "045": "Quảng Trị",
        "046": "Thừa Thiên Huế",
        "048": "Đà Nẵng",
        "049": "Quảng Nam",
        "051": "Quảng Ngãi",
        "052": "Bình Định",
        "054": "Phú Yên",
        "056": "Khánh Hòa",
        "058": "Ninh Thuận",
        "060": "Bình Thuận",
        "062": "Kon Tum",
        "064": "Gia Lai",
        "066": "Đắk Lắk",
        "067": "Đắk Nông",
        "068": "Lâm Đồng",
        "070": "Bình Phước",
        "072": "Tây Ninh",
        "074": "Bình Dương",
        "075": "Đồng Nai",
        "077": "Bà Rịa - Vũng Tàu",
        "079": "Thành phố Hồ Chí Minh",
        "080": "Long An",
        "082": "Tiền Giang",
        "083": "Bến Tre",
        "084": "Trà Vinh",
        "086": "Vĩnh Long",
        "087": "Đồng Tháp",
        "089": "An Giang",
        "091": "Kiên Giang",
        "092": "Cần Thơ",
        "093": "Hậu Giang",
        "094": "Sóc Trăng",
        "095": "Bạc Liêu",
        "096": "Cà Mau",
    }
)

MALE = "Nam"
FEMALE = "Nữ"

# A QR code holds at most 2,953 bytes, so anything longer is not from a card;
# refusing early keeps a stuck scanner from making the kiosk chew megabytes.
MAX_QR_CHARS = 3000
_QR_FIELDS = 7
_ID_DIGITS = re.compile(r"[0-9]{12}")
_ANY_DIGITS = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s+")
# What scanners add around the payload: CR/LF, spaces, padding NULs, a BOM.
_SCANNER_PADDING = " \t\r\n\x00\ufeff"


@dataclass(frozen=True)
class PersonalId:
    """A 12-digit personal ID and what its digits say."""

    number: str
    province_code: str
    province_name: str
    gender: str
    century: int
    year_suffix: int
    advisories: tuple[Advisory, ...] = ()

    @property
    def birth_year(self) -> int:
        return self.century + self.year_suffix


@dataclass(frozen=True)
class CccdCard:
    """The fields read from the QR code of a chip CCCD or a 2024 identity card."""

    personal_id: str
    old_id: str | None
    full_name: str
    birth_date: date
    gender: str
    address: str
    issued_on: date | None
    extra_fields: tuple[str, ...] = ()
    advisories: tuple[Advisory, ...] = ()


def normalise_gender(text: str, *, field: str | None = None) -> str:
    """Return "Nam" or "Nữ" for any case and any Unicode form of those words."""
    folded = _collapse(text).casefold()
    for canonical in (MALE, FEMALE):
        if folded == canonical.casefold():
            return canonical
    raise error_from_table(ValidationError, MESSAGES, "gender_invalid", field=field)


def check_personal_id(
    text: str, *, birth_date: date | None = None, gender: str | None = None
) -> PersonalId:
    """Check a typed or scanned personal ID; disagreements with the person are advisories."""
    number = _id_digits(text)
    code = number[:3]
    if code not in PROVINCE_CODES:
        raise error_from_table(
            ValidationError, MESSAGES, "id_province", field="personal_id", province=code
        )
    # Digit 4: even = male, odd = female; each pair of values is one century from 1900.
    gender_digit = int(number[3])
    personal = PersonalId(
        number=number,
        province_code=code,
        province_name=PROVINCE_CODES[code],
        gender=FEMALE if gender_digit % 2 else MALE,
        century=1900 + (gender_digit // 2) * 100,
        year_suffix=int(number[4:6]),
    )
    return replace(personal, advisories=_id_advisories(personal, birth_date, gender))


def _id_digits(text: str) -> str:
    if len(text) > 64:
        raise error_from_table(ValidationError, MESSAGES, "id_length", field="personal_id")
    number = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    if not number:
        raise error_from_table(ValidationError, MESSAGES, "id_empty", field="personal_id")
    if not _ANY_DIGITS.fullmatch(number):
        raise error_from_table(ValidationError, MESSAGES, "id_chars", field="personal_id")
    if len(number) == 9:
        raise error_from_table(ValidationError, MESSAGES, "id_old_cmnd", field="personal_id")
    if not _ID_DIGITS.fullmatch(number):
        raise error_from_table(ValidationError, MESSAGES, "id_length", field="personal_id")
    return number


def _id_advisories(
    personal: PersonalId, birth_date: date | None, gender: str | None
) -> tuple[Advisory, ...]:
    found: list[Advisory] = []
    if birth_date is not None and birth_date.year != personal.birth_year:
        text = MESSAGES["id_birth_year_mismatch"].format(
            year=birth_date.year, id_year=personal.birth_year
        )
        found.append(Advisory("id_birth_year_mismatch", text, "birth_date"))
    if gender is not None:
        given = normalise_gender(gender, field="gender")
        if given != personal.gender:
            text = MESSAGES["id_gender_mismatch"].format(gender=given, id_gender=personal.gender)
            found.append(Advisory("id_gender_mismatch", text, "gender"))
    return tuple(found)


def parse_cccd_qr_bytes(data: bytes, *, today: date | None = None) -> CccdCard:
    """Decode raw scanner bytes (UTF-8) and parse them as a CCCD QR code."""
    if len(data) > MAX_QR_CHARS * 4:
        raise error_from_table(ValidationError, MESSAGES, "qr_too_long", field="qr")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error_from_table(ValidationError, MESSAGES, "qr_encoding", field="qr") from None
    return parse_cccd_qr(text, today=today)


def parse_cccd_qr(text: str, *, today: date | None = None) -> CccdCard:
    """Parse ``ID12|oldCMND9|Full name|ddMMyyyy|Nam/Nữ|address|ddMMyyyy[|extra…]``.

    ``today`` defaults to the current date in Vietnam; tests pass it explicitly.
    """
    cleaned, repaired = _clean_qr_text(text)
    fields = _split_fields(cleaned)
    if today is None:
        today = datetime.now(VIETNAM_TZ).date()
    card = _card_from_fields(fields, today)
    if not repaired:
        return card
    notice = _advisory("qr_repaired_encoding", "qr")
    return replace(card, advisories=(notice, *card.advisories))


def _clean_qr_text(text: str) -> tuple[str, bool]:
    """Strip scanner padding, undo mojibake, refuse control characters; NFC the rest."""
    if len(text) > MAX_QR_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "qr_too_long", field="qr")
    cleaned = text.strip(_SCANNER_PADDING)
    if not cleaned:
        raise error_from_table(ValidationError, MESSAGES, "qr_empty", field="qr")
    # A scanner or driver that reads UTF-8 as Windows-1252 turns "Nguyễn"
    # into "Nguyá»…n"; undo it and tell the official (an advisory) to check.
    repaired = repair_mojibake(cleaned)
    was_repaired = repaired != cleaned
    cleaned = repaired
    # Tabs are let through so that a tab-separated scan gets the clearer
    # "wrong separator" answer below.
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in cleaned):
        raise error_from_table(ValidationError, MESSAGES, "qr_control", field="qr")
    return unicodedata.normalize("NFC", cleaned), was_repaired


def _split_fields(cleaned: str) -> list[str]:
    if "|" not in cleaned:
        code = "qr_wrong_separator" if any(sep in cleaned for sep in ",;\t") else "qr_not_cccd"
        raise error_from_table(ValidationError, MESSAGES, code, field="qr")
    fields = cleaned.split("|")
    if len(fields) < _QR_FIELDS:
        raise error_from_table(ValidationError, MESSAGES, "qr_fields", field="qr")
    return fields


def _card_from_fields(fields: list[str], today: date) -> CccdCard:
    # Checked in field order so the resident hears about the first problem first.
    personal = check_personal_id(fields[0])
    name = _collapse(fields[2])
    if not name:
        raise error_from_table(ValidationError, MESSAGES, "qr_name_empty", field="full_name")
    birth = check_birth_date(parse_date(fields[3], field="birth_date"), today, field="birth_date")
    gender = normalise_gender(fields[4], field="gender")
    id_notes = _id_advisories(personal, birth, gender)
    issued, issue_notes = _issue_date(fields[6], birth, today)
    return CccdCard(
        personal_id=personal.number,
        old_id=_collapse(fields[1]) or None,
        full_name=name,
        birth_date=birth,
        gender=gender,
        address=_collapse(fields[5]),
        issued_on=issued,
        extra_fields=tuple(fields[_QR_FIELDS:]),
        advisories=id_notes + issue_notes,
    )


def _issue_date(text: str, birth: date, today: date) -> tuple[date | None, tuple[Advisory, ...]]:
    """Read the issue date leniently: the 2024 card's field order is not published."""
    if not text.strip():
        return None, ()
    try:
        issued = parse_date(text, field="issued_on")
    except ValidationError:
        return None, (_advisory("qr_issued_unreadable", "issued_on"),)
    if issued < birth:
        return issued, (_advisory("qr_issued_before_birth", "issued_on"),)
    if issued > today:
        return issued, (_advisory("qr_issued_in_future", "issued_on"),)
    return issued, ()


def _advisory(code: str, field: str) -> Advisory:
    return Advisory(code, MESSAGES[code], field)


def _collapse(text: str) -> str:
    """NFC and single spaces: scanners and cards differ in both."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
