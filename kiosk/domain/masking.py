"""Masking personal data for what stays on disk, in listings and in logs.

Decree 13/2023/NĐ-CP and the PDPL (91/2025/QH15) ask for minimisation: once the
portal holds a dossier, the kiosk keeps only what a reprint and the track screen
need.  These pure functions decide what that is:

- an ID number keeps its last 4 digits (``030090012345`` → ``********2345``), as
  the receipt has always printed it;
- a phone number keeps its last 3 (``0912345678`` → ``*******678``);
- a name keeps the family name and the initials of the others
  (``Nguyễn Văn An`` → ``Nguyễn V. A.``): enough for an official to tell two
  receipts apart at the desk, not enough to name the resident.

Every mask is idempotent (masking a masked value changes nothing), so a value
masked at purge time can be masked again by the receipt without harm.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

MASK = "*"
_LONG_NUMBER = re.compile(r"(?<!\d)\d{9,}(?!\d)", re.ASCII)
ID_VISIBLE = 4
PHONE_VISIBLE = 3


def mask_digits(value: str, visible: int) -> str:
    """Every character but the last ``visible`` becomes ``*``; a value too short to show
    a part without showing most of it is masked whole."""
    text = value.strip()
    if len(text) <= visible or visible <= 0:
        return MASK * len(text)
    return MASK * (len(text) - visible) + text[-visible:]


def mask_id(number: str) -> str:
    """A CCCD / ID number with only its last 4 digits showing."""
    return mask_digits(number, ID_VISIBLE)


def mask_phone(number: str) -> str:
    """A phone number with only its last 3 digits showing."""
    return mask_digits(number, PHONE_VISIBLE)


def mask_numbers_in(text: str) -> str:
    """Every run of 9 or more digits in free text (a portal's error echoing a field) masked:
    12 and more as an ID number, shorter as a phone number.  Shorter runs (dates, codes,
    sequence numbers) stay as they are."""
    return _LONG_NUMBER.sub(lambda m: mask_id(m.group()) if len(m.group()) >= 12
                            else mask_phone(m.group()), text)


def mask_name(name: str) -> str:
    """The family name, then the initial of every other word: ``Nguyễn V. A.``."""
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    return " ".join([words[0], *(_initial(w) for w in words[1:])])


def mask_email(address: str) -> str:
    """Only the first character of the mailbox and the domain: ``a***@gmail.com``."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return mask_digits(text, 0)
    return f"{local[0]}{MASK * 3}@{domain}"


def _initial(word: str) -> str:
    first = word[0]
    # "V." stays "V." (idempotent); a letter and its combining marks stay together.
    return f"{first}." if first.isalpha() else first


# What a purged dossier's payload keeps: what the receipt reprint and the track screen
# read (kiosk.receipts.data, kiosk.ui.screens.track), nothing else.  Dropped: birth
# date, gender, address, phone, e-mail, the form's answers, the summary (it holds the
# full name), the delivery address, the file names and hashes, the declaration's time.
KEPT_FIELDS = ("MaHoSo", "MaKiosk", "MaTTHC", "TenTTHC", "MucDo", "KenhThucHien",
               "NgayTiepNhan", "NgayHenTra", "HinhThucNhanKetQua")
KEPT_DOCUMENT_FIELDS = ("MaThanhPhanHoSo", "TenThanhPhan", "SoTrang")
KEPT_FEE_FIELDS = ("TenPhiLePhi", "Gia", "HinhThucThanhToan")


def minimal_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload a purged dossier keeps: code, procedure, dates, documents' names and
    pages, fees, the official who helped, and the applicant's masked name and ID."""
    kept: dict[str, Any] = {k: _plain(payload[k]) for k in KEPT_FIELDS if k in payload}
    applicant = payload.get("ChuHoSo")
    applicant = applicant if isinstance(applicant, Mapping) else {}
    kept["ChuHoSo"] = {"HoTen": mask_name(_str(applicant.get("HoTen"))),
                       "SoDinhDanh": mask_id(_str(applicant.get("SoDinhDanh")))}
    kept["TaiLieuNop"] = _entries(payload.get("TaiLieuNop"), KEPT_DOCUMENT_FIELDS)
    kept["DanhSachLePhi"] = _entries(payload.get("DanhSachLePhi"), KEPT_FEE_FIELDS)
    helper = payload.get("NguoiHoTro")  # the official, printed on the receipt
    kept["NguoiHoTro"] = _plain(helper) if isinstance(helper, str | Mapping) else None
    return kept


def _entries(raw: object, keys: Sequence[str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple):
        return []
    return [{k: _plain(item[k]) for k in keys if k in item}
            for item in raw if isinstance(item, Mapping)]


def _plain(value: object) -> Any:
    """Only JSON scalars and small objects of them survive (nothing nested deeper)."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items() if _scalar(v)}
    return value if _scalar(value) else None


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
