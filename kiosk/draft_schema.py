"""The strict shape of a ``kiosk submit`` draft file, checked before any value is used.

Every key is known, every value has its type and a bounded size; anything else is
refused with the key named (``documents[1].file``), never ignored and never a
traceback.  The text is bounded before it is parsed (size, nesting depth, no
NaN/Infinity, no repeated key), so a hostile file cannot exhaust the parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from kiosk.domain.draft import APPLICANT_FIELDS
from kiosk.domain.errors import ValidationError

MAX_DEPTH = 4  # {draft: {documents: [{file}]}} is three; one level of slack
MAX_TEXT = 2000  # characters in one value (an address, a QR text)
MAX_ITEMS = 50  # documents in one draft, keys in one form
MAX_PATH = 1024  # characters in an attachment's path
MAX_NAME_BYTES = 255  # bytes in one part of that path (the file system's limit)

MESSAGES = {
    "too_deep": "Tệp hồ sơ lồng nhau quá sâu (tối đa {depth} tầng {{ … }} hoặc [ … ]).",
    "bad_number": "Tệp hồ sơ có số không hợp lệ (NaN, Infinity hoặc quá dài).",
    "duplicate_key": "Khoá «{key}» xuất hiện hai lần trong tệp hồ sơ.",
    "unknown_key": "Khoá «{key}» không được hỗ trợ trong tệp hồ sơ.",
    "missing_key": "Tệp hồ sơ thiếu khoá «{key}».",
    "wrong_type": "Khoá «{key}» phải là {expected}.",
    "too_long": "Khoá «{key}» quá dài (tối đa {limit} ký tự).",
    "too_many": "Khoá «{key}» có quá nhiều mục (tối đa {limit}).",
    "bad_path": "Đường dẫn tệp «{key}» không hợp lệ: {reason}.",
    "bad_text": "Khoá «{key}» có ký tự không hợp lệ (ký tự rỗng hoặc mã Unicode lẻ).",
}

_TEXT = "một chuỗi ký tự"
_OBJECT = "một đối tượng { … }"
_LIST = "một danh sách [ … ]"


class _Bad(Exception):
    """Internal: a number the parser must not accept."""


def error(code: str, key: str = "", **params: object) -> ValidationError:
    return ValidationError(code, MESSAGES[code].format(key=key, **params), field=key or None)


def parse(text: str) -> object:
    """JSON ``text`` bounded in depth, without NaN, Infinity, huge numbers or repeated keys."""
    _check_depth(text)
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except _Bad as exc:
        raise error("bad_number") from exc
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise error("bad_number") from exc  # an integer of more than 4300 digits


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _check_depth(text: str) -> None:
    depth = 0
    for bracket in re.findall(r"[\[\]{}]", _STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            raise error("too_deep", depth=MAX_DEPTH)


def _refuse_constant(_name: str) -> object:
    raise _Bad


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise error("duplicate_key", key)
        found[key] = value
    return found


# ------------------------------------------------------------------ the shape


def check_shape(raw: Mapping[str, Any]) -> None:
    """Every top-level key known and of its type; nested ones too."""
    for key in raw:
        if key not in _TOP:
            raise error("unknown_key", key)
    if "procedure" not in raw:
        raise error("missing_key", "procedure")
    for key, value in raw.items():
        _TOP[key](key, value)


def _text(key: str, value: object, limit: int = MAX_TEXT, *, chars: bool = True) -> None:
    if not isinstance(value, str):
        raise error("wrong_type", key, expected=_TEXT)
    if len(value) > limit:
        raise error("too_long", key, limit=limit)
    if chars and _FORBIDDEN.search(value):
        raise error("bad_text", key)


_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _short(key: str, value: object) -> None:
    _text(key, value, 100)


def _bool(key: str, value: object) -> None:
    if not isinstance(value, bool):
        raise error("wrong_type", key, expected="true hoặc false")


def _choice(*names: str) -> Callable[[str, object], None]:
    def check(key: str, value: object) -> None:
        if value not in names:
            raise error("wrong_type", key, expected="«" + "» hoặc «".join(names) + "»")
    return check


def _object(key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise error("wrong_type", key, expected=_OBJECT)
    if len(value) > MAX_ITEMS:
        raise error("too_many", key, limit=MAX_ITEMS)
    return value


_APPLICANT_KEYS = frozenset(f.name for f in APPLICANT_FIELDS)


def _applicant(key: str, value: object) -> None:
    for name, item in _object(key, value).items():
        if name not in _APPLICANT_KEYS:
            raise error("unknown_key", f"{key}.{name}")
        if item is not None:
            _text(f"{key}.{name}", item)


def _form(key: str, value: object) -> None:
    """Values typed as text, or a whole number; which keys are known depends on the
    procedure, checked once it is found (``check_form_keys``)."""
    for name, item in _object(key, value).items():
        _text(f"{key}.{name}", name, 100)
        if item is None or (isinstance(item, int) and not isinstance(item, bool)
                            and abs(item) < 10**12):
            continue
        _text(f"{key}.{name}", item)


def check_form_keys(form: Mapping[str, Any], known: set[str]) -> None:
    for name in form:
        if name not in known:
            raise error("unknown_key", f"form.{name}")


def _documents(key: str, value: object) -> None:
    if not isinstance(value, list):
        raise error("wrong_type", key, expected=_LIST)
    if len(value) > MAX_ITEMS:
        raise error("too_many", key, limit=MAX_ITEMS)
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        entry = _object(where, item)
        for name in entry:
            if name not in ("component", "file"):
                raise error("unknown_key", f"{where}.{name}")
        for name in ("component", "file"):
            if name not in entry:
                raise error("missing_key", f"{where}.{name}")
        _short(f"{where}.component", entry["component"])
        _path(f"{where}.file", entry["file"])


def _path(key: str, value: object) -> None:
    _text(key, value, MAX_PATH, chars=False)
    assert isinstance(value, str)
    if not value.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise error("bad_path", key, reason="rỗng hoặc có ký tự điều khiển")
    if _FORBIDDEN.search(value):
        raise error("bad_path", key, reason="có mã Unicode lẻ")
    parts = PurePosixPath(value).parts
    if value.startswith("/") or ".." in parts:
        raise error("bad_path", key, reason=f"«{value[:80]}» phải nằm trong thư mục của tệp hồ sơ")
    if any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for p in parts):
        raise error("bad_path", key, reason=f"tên tệp dài quá {MAX_NAME_BYTES} byte")


def _assisted_by(key: str, value: object) -> None:
    if isinstance(value, str):
        _short(key, value)
        return
    entry = _object(key, value)
    for name, item in entry.items():
        if name not in ("name", "staff_id"):
            raise error("unknown_key", f"{key}.{name}")
        _short(f"{key}.{name}", item)


_TOP: Mapping[str, Callable[[str, Any], object]] = {
    "procedure": _short,
    "cccd_qr": _text,
    "applicant": _applicant,
    "form": _form,
    "documents": _documents,
    "delivery": _choice("office", "post"),
    "delivery_address": _text,
    "payment": _choice("office", "online"),
    "declaration": _bool,
    "assisted_by": _assisted_by,
}
