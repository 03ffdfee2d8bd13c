"""VietQR (NAPAS 247) payment codes for paying a fee online (DOMAIN §8).

The payload is EMVCo TLV text: a 2-digit tag, a 2-digit length and the value,
with sub-fields nested inside some values, closed by a CRC-16/CCITT-FALSE over
everything before it including the "6304" that announces the CRC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kiosk.domain.errors import ValidationError, error_from_table

MESSAGES: dict[str, str] = {
    "vietqr_bin": "Mã ngân hàng (BIN) phải gồm đúng 6 chữ số.",
    "vietqr_account": "Số tài khoản nhận tiền chỉ gồm chữ và số, tối đa 19 ký tự.",
    "vietqr_amount": "Số tiền phải là số nguyên dương, tối đa 13 chữ số.",
    "vietqr_bill": "Mã hóa đơn chỉ gồm chữ, số và dấu, không dấu tiếng Việt, tối đa 25 ký tự.",
    "vietqr_field": "Một trường của mã thanh toán dài quá 99 ký tự.",
    "vietqr_empty": "Chưa đọc được mã thanh toán. Xin quét lại.",
    "vietqr_too_long": "Mã vừa quét quá dài, không phải mã thanh toán VietQR.",
    "vietqr_crc_missing": "Mã vừa quét không phải mã thanh toán VietQR (thiếu mã kiểm tra).",
    "vietqr_crc_mismatch": "Mã thanh toán bị đọc sai (mã kiểm tra không khớp). Xin quét lại.",
    "vietqr_truncated": "Mã thanh toán bị thiếu một phần. Xin quét lại.",
    "vietqr_length": "Mã thanh toán có độ dài trường không hợp lệ. Xin quét lại.",
    "vietqr_structure": "Mã thanh toán thiếu thông tin bắt buộc ({tag}). Xin quét lại.",
    "vietqr_not_napas": "Đây không phải mã thanh toán VietQR của NAPAS.",
    "vietqr_currency": "Mã thanh toán không dùng đồng Việt Nam.",
}

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_TEXT_FIELD = 25
# A VietQR payload is a few hundred characters; far longer input is not one.
MAX_PAYLOAD_CHARS = 512

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_AMOUNT = re.compile(r"[1-9][0-9]{0,12}")
_BILL = re.compile(r"[\x21-\x7e]{1,25}")
_TAG = re.compile(r"[0-9]{2}")
_CRC_TRAILER = re.compile(r"6304[0-9A-Fa-f]{4}")
# Banks' apps reject symbols in the transfer note, so the purpose keeps only
# ASCII letters, digits and single spaces.
_NOT_PURPOSE = re.compile(r"[^A-Za-z0-9 ]+")
_SPACES = re.compile(r" {2,}")


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def encode_tlv(fields: Iterable[tuple[str, str]]) -> str:
    """Join (tag, value) pairs as EMVCo TLV text."""
    parts = []
    for tag, value in fields:
        if not _TAG.fullmatch(tag) or len(value) > 99:
            raise error_from_table(ValidationError, MESSAGES, "vietqr_field", field=tag)
        parts.append(f"{tag}{len(value):02d}{value}")
    return "".join(parts)


def decode_tlv(text: str) -> tuple[tuple[str, str], ...]:
    """Split EMVCo TLV text into (tag, value) pairs, in order; refuses a cut or bad length."""
    fields: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        header = text[pos : pos + 4]
        if len(header) < 4:
            raise error_from_table(ValidationError, MESSAGES, "vietqr_truncated", field="vietqr")
        if not (_TAG.fullmatch(header[:2]) and _TAG.fullmatch(header[2:])):
            raise error_from_table(ValidationError, MESSAGES, "vietqr_length", field="vietqr")
        end = pos + 4 + int(header[2:])
        if end > len(text):
            raise error_from_table(ValidationError, MESSAGES, "vietqr_truncated", field="vietqr")
        fields.append((header[:2], text[pos + 4 : end]))
        pos = end
    return tuple(fields)


def fold_to_ascii(text: str) -> str:
    """Drop Vietnamese diacritics ("Lệ phí đăng ký" → "Le phi dang ky"); keep letters, digits."""
    # đ/Đ are letters of their own, not d plus a mark, so NFD leaves them alone.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _NOT_PURPOSE.sub(" ", bare)).strip()


def build_vietqr(
    *,
    bank_bin: str,
    account: str,
    amount: int | None = None,
    bill_number: str | None = None,
    purpose: str | None = None,
    to_card: bool = False,
) -> str:
    """Build a VietQR payload: static ("11") without an amount, dynamic ("12") with one."""
    _check_beneficiary(bank_bin, account)
    fields = [("00", "01"), ("01", "11" if amount is None else "12")]
    fields.append(("38", _merchant_account(bank_bin, account, to_card)))
    fields.append(("53", CURRENCY_VND))
    if amount is not None:
        fields.append(("54", _amount_text(amount)))
    fields.append(("58", COUNTRY_VN))
    additional = _additional_data(bill_number, purpose)
    if additional:
        fields.append(("62", additional))
    body = encode_tlv(fields) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def _check_beneficiary(bank_bin: str, account: str) -> None:
    if not _BIN.fullmatch(bank_bin):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_bin", field="bank_bin")
    if not _ACCOUNT.fullmatch(account):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_account", field="account")


def _merchant_account(bank_bin: str, account: str, to_card: bool) -> str:
    beneficiary = encode_tlv([("00", bank_bin), ("01", account)])
    service = SERVICE_TO_CARD if to_card else SERVICE_TO_ACCOUNT
    return encode_tlv([("00", NAPAS_GUID), ("01", beneficiary), ("02", service)])


def _amount_text(amount: int) -> str:
    # bool is an int subclass; True must not become "1 đồng".
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_amount", field="amount")
    text = str(amount)
    if not _AMOUNT.fullmatch(text):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_amount", field="amount")
    return text


def _additional_data(bill_number: str | None, purpose: str | None) -> str:
    fields = []
    if bill_number is not None:
        if not _BILL.fullmatch(bill_number):
            raise error_from_table(ValidationError, MESSAGES, "vietqr_bill", field="bill_number")
        fields.append(("01", bill_number))
    if purpose is not None:
        # Cut at 25 after folding: the note is informative, the bill number identifies.
        note = fold_to_ascii(purpose)[:MAX_TEXT_FIELD].rstrip()
        if note:
            fields.append(("08", note))
    return encode_tlv(fields)


@dataclass(frozen=True)
class VietQrPayload:
    """What a VietQR payload says, once its CRC and structure have been checked."""

    bank_bin: str
    account: str
    amount: int | None
    bill_number: str | None
    purpose: str | None
    to_card: bool
    dynamic: bool


def parse_vietqr(text: str) -> VietQrPayload:
    """Check the CRC and structure of a scanned VietQR payload and return its content."""
    payload = _checked_payload(text)
    # The last 8 characters are the CRC field itself ("6304" + 4 hex digits).
    top = _as_map(decode_tlv(payload[:-8]))
    if top.get("00") != "01" or top.get("01") not in ("11", "12"):
        raise _structure_error("00/01")
    if top.get("53") != CURRENCY_VND:
        raise error_from_table(ValidationError, MESSAGES, "vietqr_currency", field="vietqr")
    bank_bin, account, to_card = _parse_merchant_account(top.get("38"))
    extra = _as_map(decode_tlv(top.get("62", "")))
    return VietQrPayload(
        bank_bin=bank_bin,
        account=account,
        amount=_parse_amount(top.get("54")),
        bill_number=extra.get("01"),
        purpose=extra.get("08"),
        to_card=to_card,
        dynamic=top["01"] == "12",
    )


def _checked_payload(text: str) -> str:
    """Return the payload with its CRC verified, or refuse it."""
    if len(text) > MAX_PAYLOAD_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "vietqr_too_long", field="vietqr")
    # Scanners end the text with CR/LF; nothing else is trimmed.
    payload = text.strip(" \r\n\t\x00")
    if not payload:
        raise error_from_table(ValidationError, MESSAGES, "vietqr_empty", field="vietqr")
    if not _CRC_TRAILER.fullmatch(payload[-8:]):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_crc_missing", field="vietqr")
    expected = crc16_ccitt_false(payload[:-4].encode("utf-8"))
    if int(payload[-4:], 16) != expected:
        raise error_from_table(ValidationError, MESSAGES, "vietqr_crc_mismatch", field="vietqr")
    return payload


def _parse_merchant_account(value: str | None) -> tuple[str, str, bool]:
    merchant = _as_map(decode_tlv(value or ""))
    if merchant.get("00") != NAPAS_GUID:
        raise error_from_table(ValidationError, MESSAGES, "vietqr_not_napas", field="vietqr")
    beneficiary = _as_map(decode_tlv(merchant.get("01", "")))
    bank_bin, account = beneficiary.get("00", ""), beneficiary.get("01", "")
    if not _BIN.fullmatch(bank_bin) or not _ACCOUNT.fullmatch(account):
        raise _structure_error("38.01")
    service = merchant.get("02")
    if service not in (SERVICE_TO_ACCOUNT, SERVICE_TO_CARD):
        raise _structure_error("38.02")
    return bank_bin, account, service == SERVICE_TO_CARD


def _parse_amount(value: str | None) -> int | None:
    if value is None:
        return None
    if not _AMOUNT.fullmatch(value):
        raise error_from_table(ValidationError, MESSAGES, "vietqr_amount", field="amount")
    return int(value)


def _as_map(fields: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    # EMVCo forbids repeated tags; the first occurrence wins if a bank repeats one.
    found: dict[str, str] = {}
    for tag, value in fields:
        found.setdefault(tag, value)
    return found


def _structure_error(tag: str) -> ValidationError:
    return error_from_table(ValidationError, MESSAGES, "vietqr_structure", field="vietqr", tag=tag)
