"""Phone numbers and e-mail addresses typed by residents.

Phone numbers are normalised to the domestic form ("0912345678") because that
is what officials dial and what the portal stores; e-mail is optional.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.domain.errors import ValidationError, error_from_table

MESSAGES: dict[str, str] = {
    "phone_empty": "Xin nhập số điện thoại để cán bộ có thể liên hệ với ông/bà.",
    "phone_chars": "Số điện thoại chỉ gồm các chữ số. Xin kiểm tra lại.",
    "phone_foreign": "Kiosk chỉ nhận số điện thoại Việt Nam (bắt đầu bằng số 0 hoặc +84).",
    "phone_length": "Số điện thoại phải có 10 chữ số, bắt đầu bằng số 0.",
    "phone_mobile_prefix": (
        "Đầu số {prefix} không phải đầu số di động ở Việt Nam. Xin kiểm tra lại số điện thoại."
    ),
    "phone_old_prefix": (
        "Số di động 11 chữ số (đầu 01) đã được đổi sang 10 chữ số từ năm 2018. Xin nhập số mới."
    ),
    "email_too_long": "Địa chỉ thư điện tử quá dài. Xin kiểm tra lại.",
    "email_accents": (
        "Địa chỉ thư điện tử không được có chữ có dấu. Xin tắt bộ gõ tiếng Việt rồi nhập lại."
    ),
    "email_space": "Địa chỉ thư điện tử không được có khoảng trắng.",
    "email_at": "Địa chỉ thư điện tử phải có đúng một dấu @, ví dụ ten@gmail.com.",
    "email_format": "Địa chỉ thư điện tử chưa đúng, ví dụ đúng: ten@gmail.com.",
    "email_domain": "Phần sau dấu @ chưa đúng (ví dụ đúng: gmail.com). Xin kiểm tra lại.",
}

# Real input is at most ~20 characters ("+84 (0) 912.345.678"); anything far
# longer is a mis-scan or a stuck key and is refused before doing any work.
_MAX_PHONE_CHARS = 40
# Separators people put in numbers; the Unicode dashes come from copy-paste.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()\u2010-\u2015\u2212]")
_MOBILE = re.compile(r"0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])[0-9]{7}")
# Landlines since 2017: a three-digit area code 02x plus an 8-digit subscriber.
_LANDLINE = re.compile(r"02[0-9]{9}")
_ASCII_DIGITS = re.compile(r"[0-9]+")

MAX_EMAIL_CHARS = 254
_MAX_LOCAL_CHARS = 64
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LEVEL = re.compile(r"[a-z]{2,63}")


def normalise_phone(text: str, *, field: str | None = None) -> str:
    """Return a Vietnamese number as domestic digits: "+84 912.345.678" → "0912345678"."""
    if len(text) > _MAX_PHONE_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "phone_length", field=field)
    # NFKC folds full-width digits; other scripts' digits stay and are refused below.
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not compact:
        raise error_from_table(ValidationError, MESSAGES, "phone_empty", field=field)
    digits = _domestic_digits(compact, field)
    return _check_phone_digits(digits, field)


def _domestic_digits(compact: str, field: str | None) -> str:
    """Turn +84 / 0084 / 84 prefixes into the leading 0 and refuse other countries."""
    for prefix in ("+84", "0084", "84"):
        if compact.startswith(prefix):
            rest = compact[len(prefix) :]
            # "+84 0912…" is common: people keep the 0 after the country code.
            compact = rest if rest.startswith("0") else "0" + rest
            break
    else:
        if compact.startswith(("+", "00")):
            raise error_from_table(ValidationError, MESSAGES, "phone_foreign", field=field)
    if not _ASCII_DIGITS.fullmatch(compact):
        raise error_from_table(ValidationError, MESSAGES, "phone_chars", field=field)
    return compact


def _check_phone_digits(digits: str, field: str | None) -> str:
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    if len(digits) == 10 and digits.startswith("0"):
        raise error_from_table(
            ValidationError, MESSAGES, "phone_mobile_prefix", field=field, prefix=digits[:3]
        )
    if len(digits) == 11 and digits.startswith("01"):
        raise error_from_table(ValidationError, MESSAGES, "phone_old_prefix", field=field)
    raise error_from_table(ValidationError, MESSAGES, "phone_length", field=field)


def normalise_email(text: str, *, field: str | None = None) -> str | None:
    """Return a checked e-mail address with a lower-case domain, or None when left empty."""
    if len(text) > MAX_EMAIL_CHARS * 4:
        raise error_from_table(ValidationError, MESSAGES, "email_too_long", field=field)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        return None
    _check_email_characters(cleaned, field)
    local, _, domain = cleaned.partition("@")
    if not local or len(local) > _MAX_LOCAL_CHARS or not _LOCAL_PART.fullmatch(local):
        raise error_from_table(ValidationError, MESSAGES, "email_format", field=field)
    domain = domain.lower()
    if not _is_valid_domain(domain):
        raise error_from_table(ValidationError, MESSAGES, "email_domain", field=field)
    return f"{local}@{domain}"


def _check_email_characters(cleaned: str, field: str | None) -> None:
    """Refuse, with the most helpful message first, what no address may contain."""
    if len(cleaned) > MAX_EMAIL_CHARS:
        raise error_from_table(ValidationError, MESSAGES, "email_too_long", field=field)
    if any(ch.isspace() for ch in cleaned):
        raise error_from_table(ValidationError, MESSAGES, "email_space", field=field)
    # A Vietnamese input method left on turns "nguyenvan" into "nguyễnvan":
    # say so plainly rather than report a generic format error.
    if any(unicodedata.category(ch).startswith("L") and not ch.isascii() for ch in cleaned):
        raise error_from_table(ValidationError, MESSAGES, "email_accents", field=field)
    if cleaned.count("@") != 1:
        raise error_from_table(ValidationError, MESSAGES, "email_at", field=field)


def _is_valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return False
    return bool(_TOP_LEVEL.fullmatch(labels[-1]))
