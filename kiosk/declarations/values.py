"""What goes in each blank of a tờ khai: the draft's values, formatted as the form writes them.

A blank the kiosk cannot know stays empty here and prints as the form's dotted
line.  Works from a sealed ``Draft`` (cleaned values) and from the wizard's raw
strings alike: dates are read in either form, numbers as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kiosk.declarations.texts import TEXTS
from kiosk.domain.dates import parse_date
from kiosk.domain.draft import Draft
from kiosk.domain.errors import DomainError
from kiosk.domain.words import date_in_words

# spec key -> (form field, how it is written): "text", "date", "words" (the date
# in words), "moment" ("…… giờ …… phút, ngày … tháng … năm …": the hour is not
# asked, the office fills it in) or "id" (a personal number as the identity line).
_Map = dict[str, tuple[str, str]]


def _party(prefix: str, suffix: str, *, birth: str = "ngay_sinh", sex: str = "gioi_tinh",
           ident: str = "so_dinh_danh") -> _Map:
    return {f"{prefix}.ho_ten": (f"ho_ten_{suffix}", "text"),
            f"{prefix}.ngay_sinh": (f"{birth}_{suffix}", "date"),
            f"{prefix}.gioi_tinh": (f"{sex}_{suffix}", "text"),
            f"{prefix}.dan_toc": (f"dan_toc_{suffix}", "text"),
            f"{prefix}.quoc_tich": (f"quoc_tich_{suffix}", "text"),
            f"{prefix}.noi_cu_tru": (f"noi_cu_tru_{suffix}", "text"),
            f"{prefix}.giay_to": (f"{ident}_{suffix}", "id")}


def _parent(prefix: str) -> _Map:
    return {f"{prefix}.ho_ten": (f"ho_ten_{prefix}", "text"),
            f"{prefix}.giay_to": (f"so_dinh_danh_{prefix}", "id"),
            f"{prefix}.nam_sinh": (f"nam_sinh_{prefix}", "text"),
            f"{prefix}.dan_toc": (f"dan_toc_{prefix}", "text"),
            f"{prefix}.quoc_tich": (f"quoc_tich_{prefix}", "text"),
            f"{prefix}.noi_cu_tru": (f"noi_cu_tru_{prefix}", "text")}


MAPS: dict[str, _Map] = {
    "1.001193": {
        "tre.ho_ten": ("ho_ten_tre", "text"), "tre.ngay_sinh": ("ngay_sinh", "date"),
        "tre.ngay_sinh_chu": ("ngay_sinh", "words"), "tre.gioi_tinh": ("gioi_tinh", "text"),
        "tre.dan_toc": ("dan_toc", "text"), "tre.quoc_tich": ("quoc_tich", "text"),
        "tre.noi_sinh": ("noi_sinh", "text"), "tre.que_quan": ("que_quan", "text"),
        **_parent("me"), **_parent("cha"),
        "quan_he": ("quan_he_nguoi_khai", "text"), "so_ban_sao": ("so_ban_sao", "text"),
    },
    "1.000656": {
        **_party("chet", "nguoi_chet"),
        "chet.noi_cu_tru": ("noi_cu_tru_cuoi_cung", "text"),
        "chet.ngay_chet": ("ngay_chet", "moment"), "chet.noi_chet": ("noi_chet", "text"),
        "chet.nguyen_nhan": ("nguyen_nhan_chet", "text"),
        "chet.giay_bao_tu": ("so_giay_bao_tu", "text"),
        "quan_he": ("quan_he_nguoi_khai", "text"), "so_ban_sao": ("so_ban_sao", "text"),
    },
    "1.000894": {
        **_party("nu", "nu"), **_party("nam", "nam"),
        "nu.lan_ket_hon": ("lan_ket_hon_nu", "text"),
        "nam.lan_ket_hon": ("lan_ket_hon_nam", "text"),
        "so_ban_sao": ("so_ban_sao", "text"),
    },
    "1.004873": {
        "xn.tinh_trang": ("tinh_trang_hon_nhan", "text"),
        "xn.muc_dich": ("muc_dich_su_dung", "text"),
        "xn.noi_cu_tru_truoc_day": ("noi_cu_tru_truoc_day", "text"),
    },
    "1.001022": {
        **_party("nhan", "nguoi_nhan"), **_party("duoc_nhan", "nguoi_duoc_nhan"),
        "quan_he_nhan": ("quan_he", "text"), "so_ban_sao": ("so_ban_sao", "text"),
    },
    "2.000635": {
        **_party("tl", "nguoi_co_su_kien"),
        "tl.loai": ("loai_trich_luc", "text"), "tl.noi_dang_ky": ("noi_da_dang_ky", "text"),
        "tl.so_ban": ("so_ban", "text"),
    },
    "1.004837": {
        **_party("gh", "nguoi_giam_ho"), **_party("dgh", "nguoi_duoc_giam_ho"),
        "ly_do": ("ly_do", "text"),
    },
    "1.004859": {
        **_party("tc", "nguoi_co_thong_tin"),
        "tc.loai": ("loai_yeu_cau", "text"), "tc.giay_to_can_sua": ("giay_to_can_sua", "text"),
        "tc.hien_tai": ("noi_dung_hien_tai", "text"), "tc.de_nghi": ("noi_dung_de_nghi", "text"),
        "ly_do": ("ly_do", "text"),
    },
}
# The marital-status certificate is the requester's own (the catalogue asks for no
# other person): the person's blanks are the requester's.
_SELF = {"1.004873": "xn"}


@dataclass(frozen=True)
class DeclarationInput:
    """Everything a tờ khai is written from, whichever way the dossier came in."""

    procedure_code: str
    requester: Mapping[str, str]  # APPLICANT_FIELDS names: ho_ten, dia_chi, so_dinh_danh…
    form: Mapping[str, object]
    authority: str  # the commune People's Committee, e.g. "UBND xã Cộng Lạc"
    province: str
    made_on: date
    signature_png: bytes | None = None


def input_from_draft(draft: Draft, authority: str, province: str, made_on: date
                     ) -> DeclarationInput:
    a = draft.applicant
    requester = {"ho_ten": a.full_name, "dia_chi": a.address, "so_dinh_danh": a.personal_id,
                 "ngay_sinh": a.birth_date.isoformat(), "gioi_tinh": a.gender}
    return DeclarationInput(draft.procedure.code, requester, draft.form, authority, province,
                            made_on, draft.signature_png)


def clean_text(value: object) -> str:
    """One line of printable text: control characters out, spaces collapsed, NFC."""
    if value is None or isinstance(value, bool):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    return " ".join(kept.split())


def _date(value: str) -> date | None:
    try:
        return parse_date(value)
    except (DomainError, ValueError):
        return None


def _written(value: object, how: str) -> str:
    text = clean_text(value)
    if not text or how == "text":
        return text
    if how == "id":
        return TEXTS["identity_value"].format(number=text)
    day = _date(text)
    if day is None:  # not a date after all: printed as typed rather than lost
        return text if how in ("date", "moment") else ""
    if how == "moment":
        return TEXTS["moment"].format(day=f"{day.day:02d}", month=f"{day.month:02d}",
                                      year=day.year)
    return day.strftime("%d/%m/%Y") if how == "date" else date_in_words(day)


def place_of(authority: str) -> str:
    """"UBND xã Cộng Lạc" -> "xã Cộng Lạc"."""
    name = clean_text(authority)
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def declaration_values(source: DeclarationInput) -> dict[str, str]:
    """Every blank's text, keyed as kiosk/declarations/forms.py names them."""
    r = source.requester
    place = place_of(source.authority)
    authority = TEXTS["authority"].format(place=place) if place else ""
    values = {
        "kinh_gui": ", ".join(p for p in (authority, clean_text(source.province)) if p),
        "nguoi_yeu_cau": clean_text(r.get("ho_ten")),
        "noi_cu_tru": clean_text(r.get("dia_chi")),
        "giay_to": _written(r.get("so_dinh_danh"), "id"),
        "lam_tai": place,
        # Administrative style (Nghị định 30/2020/NĐ-CP): days below 10 and months 1, 2
        # are written with a leading zero.
        "ngay": f"{source.made_on.day:02d}",
        "thang": f"{source.made_on.month:02d}" if source.made_on.month < 3
        else str(source.made_on.month),
        "nam": str(source.made_on.year),
    }
    prefix = _SELF.get(source.procedure_code)
    if prefix:
        values |= {f"{prefix}.ho_ten": values["nguoi_yeu_cau"],
                   f"{prefix}.ngay_sinh": _written(r.get("ngay_sinh"), "date"),
                   f"{prefix}.gioi_tinh": clean_text(r.get("gioi_tinh")),
                   f"{prefix}.noi_cu_tru": values["noi_cu_tru"],
                   f"{prefix}.giay_to": values["giay_to"]}
    for key, (name, how) in MAPS.get(source.procedure_code, {}).items():
        values[key] = _written(source.form.get(name), how)
    return values
