"""Reading and writing the procedure catalogue as JSON, strictly.

The catalogue ships as ``resources/catalogue/procedures.json`` and is
refreshed from the portal (``GET /api/v1/procedures``).  Both sources go
through the same strict parser: a malformed entry is a ``DataError`` whose
Vietnamese message names the JSON path at fault, never a half-loaded catalogue.
The entries themselves and the catalogue's lookup live in ``catalogue``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from kiosk.domain.catalogue import (
    DEFAULT_DOCUMENT_KINDS,
    LEVEL_NAMES,
    Catalogue,
    DocumentComponent,
    Level,
    Procedure,
    TimeLimit,
)
from kiosk.domain.errors import DataError, error_from_table
from kiosk.domain.fees import FEE_KINDS, Fee, FeeKind, fee_to_dict
from kiosk.domain.forms import (
    DATE_RULES,
    FIELD_TYPES,
    DateRule,
    FieldType,
    FormField,
    form_field_to_dict,
)

MAX_FILE_BYTES = 5 * 1024 * 1024

MESSAGES: dict[str, str] = {
    "located": "{where}: {message}",
    "not_object": "{where}: cần một đối tượng JSON {{…}}, nhưng nhận được {got}.",
    "not_list": "{where}: cần một danh sách JSON […], nhưng nhận được {got}.",
    "not_text": "{where}: cần một chuỗi chữ, nhưng nhận được {got}.",
    "not_integer": "{where}: cần một số nguyên, nhưng nhận được {got}.",
    "not_bool": "{where}: cần true hoặc false, nhưng nhận được {got}.",
    "integer_range": "{where}: số {value} nằm ngoài khoảng cho phép.",
    "empty_text": "{where}: không được để trống.",
    "too_long": "{where}: dài quá {limit} ký tự.",
    "control_chars": "{where}: có ký tự điều khiển không hợp lệ.",
    "too_many": "{where}: có quá nhiều phần tử (tối đa {limit}).",
    "missing_key": "{where}: thiếu mục bắt buộc «{key}».",
    "bad_choice": "{where}: giá trị «{value}» không hợp lệ; được phép: {allowed}.",
    "bad_level": "{where}: mức độ «{level}» không hợp lệ; chỉ được «3» hoặc «4».",
    "unknown_key": "{where}: có mục «{key}» không được hỗ trợ (có thể viết sai tên mục).",
    "duplicate_code": "{where}: mã thủ tục «{value}» xuất hiện nhiều lần.",
    "file_unreadable": "Không đọc được tệp danh mục {path}.",
    "file_too_big": "Tệp danh mục {path} quá lớn (tối đa {limit} byte).",
    "file_encoding": "Tệp danh mục {path} không được lưu theo bảng mã UTF-8.",
    "file_json": "Tệp danh mục {path} không phải JSON hợp lệ (dòng {line}, cột {column}).",
    "file_nesting": "Tệp danh mục {path} lồng quá sâu.",
    "json_duplicate_key": "Trong một đối tượng JSON, mục «{key}» xuất hiện hai lần.",
    "json_constant": "JSON có giá trị «{value}» không phải là số hợp lệ.",
}

_JSON_KIND_NAMES = {
    str: "một chuỗi chữ",
    bool: "true/false",
    int: "một số nguyên",
    float: "một số thập phân",
    list: "một danh sách",
    dict: "một đối tượng",
    type(None): "null",
}


# --- reading JSON strictly -----------------------------------------------------------


def _json_error(code: str, where: str, **params: object) -> DataError:
    return error_from_table(DataError, MESSAGES, code, field=where, where=where, **params)


def _kind_of(value: object) -> str:
    return _JSON_KIND_NAMES.get(type(value), "một giá trị không hợp lệ")


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Prefix the JSON path to a DataError raised by a constructor's own checks."""
    try:
        yield
    except DataError as error:
        if error.field is not None and error.field.startswith(where):
            raise
        message = MESSAGES["located"].format(where=where, message=error.message)
        raise DataError(error.code, message, field=where) from None


# Control characters (newlines aside) would garble the screen and the receipt: C0 but
# "\n", DEL and C1.  One regex search, not a Python loop over every character.
_CONTROL_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _check_text(value: object, where: str, limit: int, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise _json_error("not_text", where, got=_kind_of(value))
    if len(value) > limit:
        raise _json_error("too_long", where, limit=limit)
    if _CONTROL_CHARS.search(value) is not None:
        raise _json_error("control_chars", where)
    if not allow_empty and not value.strip():
        raise _json_error("empty_text", where)
    return value


def _check_list(value: object, where: str, limit: int) -> list[tuple[str, object]]:
    """The elements of a JSON list, each paired with its own path."""
    if not isinstance(value, list):
        raise _json_error("not_list", where, got=_kind_of(value))
    if len(value) > limit:
        raise _json_error("too_many", where, limit=limit)
    return [(f"{where}[{index}]", item) for index, item in enumerate(value)]


class _Object:
    """A JSON object being read: known keys only, and every accessor checks type and size."""

    def __init__(self, value: object, where: str, required: str, optional: str = "") -> None:
        if not isinstance(value, dict):
            raise _json_error("not_object", where, got=_kind_of(value))
        for key in required.split():
            if key not in value:
                raise _json_error("missing_key", where, key=key)
        allowed = set(required.split()) | set(optional.split())
        for key in value:
            if key not in allowed:
                raise _json_error("unknown_key", where, key=str(key)[:64])
        self._value: dict[object, object] = value
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}"

    def value(self, key: str) -> object:
        return self._value[key]

    def has(self, key: str) -> bool:
        return self._value.get(key) is not None

    def text(self, key: str, limit: int) -> str:
        return _check_text(self._value[key], self.path(key), limit)

    def optional_text(self, key: str, limit: int, default: str = "") -> str:
        if key not in self._value:
            return default
        return _check_text(self._value[key], self.path(key), limit, allow_empty=True)

    def nullable_text(self, key: str, limit: int) -> str | None:
        return self.text(key, limit) if self.has(key) else None

    def integer(self, key: str) -> int:
        value, where = self._value[key], self.path(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _json_error("not_integer", where, got=_kind_of(value))
        # Domain ranges are the dataclasses' business; this bound only keeps
        # absurd numbers (10**1000) out of formatting and arithmetic.
        if not -(10**9) <= value <= 10**9:
            raise _json_error("integer_range", where, value=str(value)[:20])
        return value

    def optional_integer(self, key: str, default: int = 0) -> int:
        return self.integer(key) if key in self._value else default

    def nullable_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) else None

    def boolean(self, key: str, default: bool) -> bool:
        value = self._value.get(key, default)
        if not isinstance(value, bool):
            raise _json_error("not_bool", self.path(key), got=_kind_of(value))
        return value

    def items(self, key: str, limit: int) -> list[tuple[str, object]]:
        """A list's elements with their paths; a missing optional list is empty."""
        return _check_list(self._value.get(key, []), self.path(key), limit)

    def texts(self, key: str, limit: int, each: int) -> tuple[str, ...]:
        return tuple(_check_text(item, path, each) for path, item in self.items(key, limit))

    def code_map(self, key: str, limit: int) -> dict[str, str]:
        value, where = self._value.get(key, {}), self.path(key)
        if not isinstance(value, dict):
            raise _json_error("not_object", where, got=_kind_of(value))
        if len(value) > limit:
            raise _json_error("too_many", where, limit=limit)
        codes: dict[str, str] = {}
        for old, new in value.items():
            path = f"{where}.{str(old)[:40]}"
            codes[_check_text(old, path, 40)] = _check_text(new, path, 40)
        return codes


# --- parsing -------------------------------------------------------------------------


def parse_catalogue(obj: object) -> Catalogue:
    """A whole catalogue: ``{"version": …, "aliases": {old: new}, "procedures": […]}``."""
    top = _Object(obj, "catalogue", "version procedures", "aliases")
    version = top.text("version", 64)
    aliases = top.code_map("aliases", 5000)
    procedures = _parse_items(top.items("procedures", 5000))
    with _at("catalogue.aliases"):
        return Catalogue(procedures, aliases, version)


def parse_procedures(obj: object, *, where: str = "items") -> tuple[Procedure, ...]:
    """A list of procedures, e.g. the portal's ``items``; codes must be unique."""
    return _parse_items(_check_list(obj, where, 5000))


def _parse_items(items: list[tuple[str, object]]) -> tuple[Procedure, ...]:
    procedures: list[Procedure] = []
    seen: set[str] = set()
    for path, item in items:
        procedure = parse_procedure(item, where=path)
        if procedure.code in seen:
            raise _json_error("duplicate_code", path, value=procedure.code)
        seen.add(procedure.code)
        procedures.append(procedure)
    return tuple(procedures)


_PROCEDURE_KEYS = "code name field level time_limit fees documents fields result"
_FIELD_KEYS = (
    "required choices max_length min max date_rule pattern pattern_message help "
    "birth_date_field gender_field group default card derive_from"
)


def parse_procedure(obj: object, *, where: str = "procedure") -> Procedure:
    """One catalogue entry; any defect raises ``DataError`` naming its JSON path."""
    entry = _Object(obj, where, _PROCEDURE_KEYS, "aliases")
    level = entry.text("level", 2)
    if level not in LEVEL_NAMES:
        raise _json_error("bad_level", entry.path("level"), level=level)
    time_limit = _parse_time_limit(entry.value("time_limit"), entry.path("time_limit"))
    with _at(where):
        return Procedure(
            code=entry.text("code", 40),
            name=entry.text("name", 300),
            field=entry.text("field", 100),
            level=cast(Level, level),
            time_limit=time_limit,
            fees=tuple(_parse_fee(item, path) for path, item in entry.items("fees", 20)),
            documents=tuple(
                _parse_document(item, path) for path, item in entry.items("documents", 50)
            ),
            fields=tuple(_parse_field(item, path) for path, item in entry.items("fields", 100)),
            result=entry.text("result", 1000),
            aliases=entry.texts("aliases", 100, 200),
        )


def _parse_time_limit(value: object, where: str) -> TimeLimit:
    obj = _Object(value, where, "working_days", "extra_days_if_verification note")
    with _at(where):
        return TimeLimit(
            working_days=obj.integer("working_days"),
            extra_days_if_verification=obj.optional_integer("extra_days_if_verification"),
            note=obj.optional_text("note", 2000),
        )


def _parse_fee(value: object, where: str) -> Fee:
    obj = _Object(value, where, "name kind", "amount config_key per_copy note")
    kind = obj.text("kind", 32)
    if kind not in FEE_KINDS:
        raise _json_error("bad_choice", obj.path("kind"), value=kind, allowed=_listed(FEE_KINDS))
    with _at(where):
        return Fee(
            name=obj.text("name", 300),
            kind=cast(FeeKind, kind),
            amount=obj.optional_integer("amount"),
            config_key=obj.nullable_text("config_key", 64),
            per_copy=obj.boolean("per_copy", False),
            note=obj.optional_text("note", 2000),
        )


def _parse_document(value: object, where: str) -> DocumentComponent:
    obj = _Object(value, where, "code name", "required kinds note generated")
    kinds = obj.texts("kinds", 10, 8) if obj.has("kinds") else DEFAULT_DOCUMENT_KINDS
    with _at(where):
        return DocumentComponent(
            code=obj.text("code", 20),
            name=obj.text("name", 500),
            required=obj.boolean("required", True),
            kinds=kinds,
            note=obj.optional_text("note", 2000),
            generated=obj.boolean("generated", False),
        )


def _parse_field(value: object, where: str) -> FormField:
    obj = _Object(value, where, "name label type", _FIELD_KEYS)
    kind = obj.text("type", 32)
    if kind not in FIELD_TYPES:
        raise _json_error("bad_choice", obj.path("type"), value=kind, allowed=_listed(FIELD_TYPES))
    rule = obj.nullable_text("date_rule", 16)
    if rule is not None and rule not in DATE_RULES:
        path = obj.path("date_rule")
        raise _json_error("bad_choice", path, value=rule, allowed=_listed(DATE_RULES))
    with _at(where):
        return FormField(
            name=obj.text("name", 64),
            label=obj.text("label", 200),
            type=cast(FieldType, kind),
            required=obj.boolean("required", True),
            choices=obj.texts("choices", 200, 200),
            max_length=obj.nullable_integer("max_length"),
            min_value=obj.nullable_integer("min"),
            max_value=obj.nullable_integer("max"),
            date_rule=cast(DateRule | None, rule),
            pattern=obj.nullable_text("pattern", 500),
            pattern_message=obj.nullable_text("pattern_message", 300),
            help=obj.optional_text("help", 1000),
            birth_date_field=obj.nullable_text("birth_date_field", 64),
            gender_field=obj.nullable_text("gender_field", 64),
            group=obj.optional_text("group", 60),
            default=obj.optional_text("default", 200),
            card=obj.optional_text("card", 20),
            derive_from=obj.texts("derive_from", 4, 64),
        )


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


# --- files and serialisation ---------------------------------------------------------


def load_catalogue(path: Path) -> Catalogue:
    """Read and check the catalogue file; every defect is a ``DataError``."""
    return parse_catalogue(read_json_file(path))


def read_json_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> object:
    """Strict JSON: UTF-8 (a BOM from Windows Notepad is forgiven), no duplicate keys, no NaN."""
    shown = str(path)[-200:]
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError:
        raise error_from_table(DataError, MESSAGES, "file_unreadable", path=shown) from None
    if len(data) > limit:
        raise error_from_table(DataError, MESSAGES, "file_too_big", path=shown, limit=limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error_from_table(DataError, MESSAGES, "file_encoding", path=shown) from None
    return _loads(text, shown)


def _loads(text: str, shown: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise error_from_table(
            DataError, MESSAGES, "file_json", path=shown, line=error.lineno, column=error.colno
        ) from None
    except RecursionError:
        raise error_from_table(DataError, MESSAGES, "file_nesting", path=shown) from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json keeps the last of two equal keys silently; in a hand-edited file the
    # first one is usually the official's intent, so refuse to guess.
    obj: dict[str, object] = {}
    for key, value in pairs:
        if key in obj:
            raise error_from_table(DataError, MESSAGES, "json_duplicate_key", key=key[:64])
        obj[key] = value
    return obj


def _no_constant(name: str) -> object:
    raise error_from_table(DataError, MESSAGES, "json_constant", value=name)


def procedure_to_dict(procedure: Procedure) -> dict[str, object]:
    """The catalogue JSON of one procedure; ``parse_procedure`` reads it back unchanged."""
    limit = procedure.time_limit
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field,
        "level": procedure.level,
        "time_limit": {
            "working_days": limit.working_days,
            "extra_days_if_verification": limit.extra_days_if_verification,
            "note": limit.note,
        },
        "fees": [fee_to_dict(fee) for fee in procedure.fees],
        "documents": [_document_to_dict(document) for document in procedure.documents],
        "fields": [form_field_to_dict(spec) for spec in procedure.fields],
        "result": procedure.result,
        "aliases": list(procedure.aliases),
    }


def _document_to_dict(document: DocumentComponent) -> dict[str, object]:
    out: dict[str, object] = {
        "code": document.code,
        "name": document.name,
        "required": document.required,
        "kinds": list(document.kinds),
    }
    if document.note:
        out["note"] = document.note
    if document.generated:
        out["generated"] = True
    return out


def catalogue_to_dict(catalogue: Catalogue) -> dict[str, object]:
    """The whole catalogue as the shipped file holds it (for ``kiosk catalog --json``)."""
    return {
        "version": catalogue.version,
        "aliases": dict(catalogue.aliases),
        "procedures": [procedure_to_dict(p) for p in catalogue.procedures],
    }
