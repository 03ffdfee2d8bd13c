"""Dossier codes (mã số hồ sơ) per Circular 01/2018/TT-VPCP, Art. 19 (DOMAIN §2).

Our own codes are ``<agency>-YYMMDD-XXXX`` and are parsed strictly.  Codes the
portal hands back may have other shapes (yyyymmdd, 5–7-digit sequences), so a
code typed for lookup is only tidied, never refused for its shape.  Each kiosk
draws sequences from its own configured block so that several kiosks of one
office never issue the same code offline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

from kiosk.domain.errors import DataError, DomainError, ValidationError, error_from_table

MESSAGES: dict[str, str] = {
    "agency_empty": "Chưa có mã cơ quan (dạng 000.00.00.H49) trong cấu hình kiosk.",
    "agency_format": "Mã cơ quan phải có dạng 000.00.00.H49 (theo QCVN 102:2016/BTTTT).",
    "dossier_code_empty": "Xin nhập mã số hồ sơ ghi trên phiếu hẹn.",
    "dossier_code_format": (
        "Mã số hồ sơ chưa đúng dạng, ví dụ đúng: 000.00.00.H49-241125-1001. Xin kiểm tra lại."
    ),
    "dossier_code_date": "Ngày trong mã số hồ sơ không có trên lịch. Xin kiểm tra lại.",
    "dossier_code_sequence": "Số thứ tự trong mã số hồ sơ không hợp lệ.",
    "lookup_code_empty": "Xin nhập mã số hồ sơ ghi trên phiếu hẹn.",
    "lookup_code_too_long": "Mã số hồ sơ quá dài. Xin kiểm tra lại mã ghi trên phiếu hẹn.",
    "lookup_code_control": "Mã số hồ sơ có ký tự lạ. Xin nhập lại mã ghi trên phiếu hẹn.",
    "sequence_block_invalid": (
        "Dải số thứ tự của kiosk phải nằm trong khoảng 0–9999, số đầu không lớn hơn số cuối."
    ),
    "sequence_out_of_block": (
        "Số thứ tự đã dùng ({last_used}) nằm ngoài dải {start}–{end} của kiosk. "
        "Xin cán bộ kiểm tra cấu hình."
    ),
    "sequence_exhausted": (
        "Kiosk đã dùng hết số thứ tự hồ sơ của hôm nay ({start}–{end}). Xin mời gặp cán bộ."
    ),
}

MAX_LOOKUP_CHARS = 64
MAX_SEQUENCE = 9999

# QCVN 102:2016/BTTTT: four dot-separated groups, the last a letter (G ministry,
# H province …) with two digits, e.g. 000.00.00.H49.
_AGENCY = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}"
_AGENCY_CODE = re.compile(_AGENCY)
_DOSSIER_CODE = re.compile(rf"(?P<agency>{_AGENCY})-(?P<day>[0-9]{{6}})-(?P<seq>[0-9]{{4,}})")
_WHITESPACE = re.compile(r"\s+")


class SequenceExhaustedError(DomainError):
    """The kiosk's block has no number left today: an operating condition, not bad input."""


@dataclass(frozen=True)
class DossierCode:
    """A dossier code issued by this kiosk: ``<agency>-YYMMDD-XXXX``."""

    agency: str
    day: date
    sequence: int

    def __post_init__(self) -> None:
        # Stored exactly as printed, so a lower-case or padded agency is refused here.
        if validate_agency_code(self.agency) != self.agency:
            raise error_from_table(ValidationError, MESSAGES, "agency_format", field="agency")
        # YYMMDD can only say 2000–2099; a code for another year could not be read back.
        if not 2000 <= self.day.year <= 2099:
            raise error_from_table(ValidationError, MESSAGES, "dossier_code_date", field="day")
        if not _is_plain_int(self.sequence) or self.sequence < 0:
            raise error_from_table(
                ValidationError, MESSAGES, "dossier_code_sequence", field="sequence"
            )

    def __str__(self) -> str:
        return f"{self.agency}-{self.day:%y%m%d}-{self.sequence:04d}"


def validate_agency_code(text: str) -> str:
    """Return the agency code trimmed and upper-cased, or refuse a non-QCVN shape."""
    if len(text) > MAX_LOOKUP_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "agency_format", field="agency")
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if not code:
        raise error_from_table(ValidationError, MESSAGES, "agency_empty", field="agency")
    if not _AGENCY_CODE.fullmatch(code):
        raise error_from_table(ValidationError, MESSAGES, "agency_format", field="agency")
    return code


def parse_dossier_code(text: str) -> DossierCode:
    """Read back a code in our own format; anything else is refused (see normalise_lookup_code)."""
    if len(text) > MAX_LOOKUP_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "dossier_code_format", field="code")
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if not code:
        raise error_from_table(ValidationError, MESSAGES, "dossier_code_empty", field="code")
    match = _DOSSIER_CODE.fullmatch(code)
    if not match:
        raise error_from_table(ValidationError, MESSAGES, "dossier_code_format", field="code")
    digits = match["day"]
    try:
        day = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        raise error_from_table(
            ValidationError, MESSAGES, "dossier_code_date", field="code"
        ) from None
    parsed = DossierCode(match["agency"], day, int(match["seq"]))
    # Strict means it must round-trip: "…-01001" is not a code we would write.
    if str(parsed) != code:
        raise error_from_table(ValidationError, MESSAGES, "dossier_code_format", field="code")
    return parsed


def normalise_lookup_code(text: str) -> str:
    """Tidy a code typed or scanned for lookup: trim, drop spaces, upper-case.

    Any shape is accepted because the portal may re-key codes; only empty,
    over-long or control-character input is refused.
    """
    if len(text) > MAX_LOOKUP_CHARS * 4:
        raise error_from_table(ValidationError, MESSAGES, "lookup_code_too_long", field="code")
    # NFKC folds full-width letters and digits from some input methods.
    code = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in code):
        raise error_from_table(ValidationError, MESSAGES, "lookup_code_control", field="code")
    if not code:
        raise error_from_table(ValidationError, MESSAGES, "lookup_code_empty", field="code")
    if len(code) > MAX_LOOKUP_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "lookup_code_too_long", field="code")
    return code


@dataclass(frozen=True)
class SequenceBlock:
    """The range of daily sequence numbers one kiosk may issue, e.g. 1000–1999."""

    start: int
    end: int

    def __post_init__(self) -> None:
        # Comes from the site configuration an official edits, hence DataError.
        plain = _is_plain_int(self.start) and _is_plain_int(self.end)
        if not plain or not 0 <= self.start <= self.end <= MAX_SEQUENCE:
            raise error_from_table(DataError, MESSAGES, "sequence_block_invalid", field="sequence")

    def __contains__(self, number: object) -> bool:
        return _is_plain_int(number) and self.start <= number <= self.end


def _is_plain_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass, and True is not a sequence number.
    return isinstance(value, int) and not isinstance(value, bool)


def next_sequence(block: SequenceBlock, last_used: int | None) -> int:
    """The next number to issue today: the block's first if none used yet, else last + 1."""
    if last_used is None:
        return block.start
    if last_used not in block:
        raise error_from_table(
            DataError,
            MESSAGES,
            "sequence_out_of_block",
            field="sequence",
            last_used=last_used,
            start=block.start,
            end=block.end,
        )
    if last_used == block.end:
        raise error_from_table(
            SequenceExhaustedError,
            MESSAGES,
            "sequence_exhausted",
            field="sequence",
            start=block.start,
            end=block.end,
        )
    return last_used + 1
