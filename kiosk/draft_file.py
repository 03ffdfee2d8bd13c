"""``kiosk submit FILE.json``: a dossier draft from a JSON file, checked like the wizard's.

The file names the procedure, the applicant (or the raw CCCD QR text), the
form values, the document files (paths relative to the JSON file), result
delivery, payment and the declaration; ``examples/`` has one per procedure.
Every problem is collected and reported at once; nothing is queued unless the
whole draft is valid.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.dates import format_moment
from kiosk.domain.draft import (
    Delivery,
    Draft,
    DraftDocument,
    Helper,
    Payment,
    applicant_values_from_card,
    check_applicant,
    check_choices,
    check_documents,
)
from kiosk.domain.errors import DomainError, Problems, ValidationError
from kiosk.domain.forms import validate_form
from kiosk.domain.identity import parse_cccd_qr
from kiosk.draft_schema import check_form_keys, check_shape, parse
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.regularfile import read_regular
from kiosk.scanner.usb import import_file
from kiosk.services import (
    Runtime,
    active_catalogue,
    build_calendar,
    build_queue,
    open_database,
)
from kiosk.submission import Submitter

MAX_DRAFT_BYTES = 1024 * 1024
_log = logging.getLogger(__name__)

MESSAGES = {
    "unreadable": "Không đọc được tệp hồ sơ {path}.",
    "not_regular": "Tệp hồ sơ {path} không phải một tệp thông thường.",
    "unreadable_file": "Không đọc được tệp đính kèm «{name}» ({reason}).",
    "too_large": "Tệp hồ sơ {path} quá lớn (tối đa 1 MB; tài liệu đính kèm để ở tệp riêng).",
    "not_json": "Tệp hồ sơ không phải JSON hợp lệ (dòng {line}, cột {column}).",
    "not_object": "Tệp hồ sơ phải là một đối tượng JSON {{ … }}.",
    "bad_value": "Mục «{key}» không hợp lệ: {reason}.",
}


@dataclass(frozen=True)
class DraftResult:
    draft: Draft | None
    problems: Problems


def read_draft_file(path: Path, catalogue: Catalogue, now: datetime) -> DraftResult:
    """A checked Draft from ``path``, or every problem found."""
    try:
        raw = _load(path)
        return _check(raw, path.parent, catalogue, now)
    except DomainError as error:  # one problem that stops the reading (unknown procedure …)
        as_validation = ValidationError(error.code, error.message, field=error.field)
        return DraftResult(None, Problems((as_validation,)))


def _load(path: Path) -> dict[str, Any]:
    text = _read_bounded(path)
    try:
        raw = parse(text)
    except json.JSONDecodeError as exc:
        raise _error("not_json", line=exc.lineno, column=exc.colno) from exc
    if not isinstance(raw, dict):
        raise _error("not_object")
    check_shape(raw)
    return raw


def _read_bounded(path: Path) -> str:
    """The file's text: a regular file (never a FIFO that blocks), at most MAX_DRAFT_BYTES."""
    try:
        data = read_regular(path, MAX_DRAFT_BYTES, follow_links=True)
    except CaptureError as exc:
        raise _error(_READ_CODES.get(exc.code, "unreadable"), path=path) from exc
    try:
        return data.decode("utf-8-sig")
    except ValueError as exc:
        raise _error("unreadable", path=path) from exc


_READ_CODES = {"file_not_regular": "not_regular", "file_too_big": "too_large"}


def _check(raw: Mapping[str, Any], base: Path, catalogue: Catalogue, now: datetime) -> DraftResult:
    today = now.date()
    procedure = catalogue.get(_text(raw, "procedure"))
    check_form_keys(_mapping(raw, "form"), {f.name for f in procedure.fields})
    applicant, found = check_applicant(_applicant_values(raw, today), today)
    form, form_problems = validate_form(procedure.fields, _mapping(raw, "form"), today)
    documents = tuple(d for item in _list(raw, "documents") for d in _documents(item, base))
    delivery = _enum(Delivery, raw, "delivery", {"office": 1, "post": 2})
    payment = _enum(Payment, raw, "payment", {"office": 1, "online": 2})
    address = raw.get("delivery_address")
    address = address if isinstance(address, str) else None
    declared = raw.get("declaration") is True
    problems = [found, form_problems, check_documents(procedure, documents),
                check_choices(procedure, delivery, address, payment, declared)]
    merged = Problems(tuple(e for p in problems for e in p.errors),
                      tuple(a for p in problems for a in p.advisories))
    if not merged.ok or applicant is None:
        return DraftResult(None, merged)
    draft = Draft(procedure, applicant, form, documents, delivery, address, payment, now,
                  assisted_by=_helper(raw))
    return DraftResult(draft, merged)


def _applicant_values(raw: Mapping[str, Any], today: date) -> dict[str, str]:
    values: dict[str, str] = {}
    qr = raw.get("cccd_qr")
    if qr is not None:
        values.update(applicant_values_from_card(parse_cccd_qr(str(qr), today=today)))
    values.update({k: v for k, v in _mapping(raw, "applicant").items() if v not in ("", None)})
    return values


CONTENT_TYPES = {
    "pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png",
    "doc": "application/msword", "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _documents(item: object, base: Path) -> list[DraftDocument]:
    """The checked file(s) of one entry: a ZIP of scans gives each of its documents."""
    if not isinstance(item, Mapping) or not isinstance(item.get("file"), str):
        raise _error("bad_value", key="documents", reason="mỗi mục cần «component» và «file»")
    path = base / item["file"]
    try:
        found = import_file(path)
    except DomainError as error:
        raise ValidationError(error.code, error.message, field="documents") from error
    except (OSError, ValueError) as exc:  # unreadable, a folder, a name the system refuses
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "lỗi hệ thống"
        raise _error("unreadable_file", key="documents", name=path.name[:80],
                     reason=reason) from exc
    component = str(item.get("component", ""))
    return [DraftDocument(component, f.name, f.kind.value, CONTENT_TYPES[f.kind.value], f.data,
                          f.pages or 1) for f in found]


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _error("bad_value", key=key, reason="cần một chuỗi ký tự")
    return value.strip()


def _helper(raw: Mapping[str, Any]) -> Helper | None:
    """``"assisted_by": {"name": …, "staff_id": …}``; a plain name is still taken."""
    value = raw.get("assisted_by")
    if isinstance(value, Mapping):
        name = _optional_text(value, "name")
        return Helper(name, _optional_text(value, "staff_id") or "") if name else None
    name = _optional_text(raw, "assisted_by")
    return Helper(name, "") if name else None


def _optional_text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None


def _mapping(raw: Mapping[str, Any], key: str) -> dict[str, str]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise _error("bad_value", key=key, reason="cần một đối tượng { … }")
    return {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in value.items() if v is not None}


def _list(raw: Mapping[str, Any], key: str) -> list[object]:
    value = raw.get(key, [])
    if not isinstance(value, list) or len(value) > 50:
        raise _error("bad_value", key=key, reason="cần một danh sách [ … ] (tối đa 50 mục)")
    return value


_Choice = TypeVar("_Choice", Delivery, Payment)


def _enum(
    cls: type[_Choice], raw: Mapping[str, Any], key: str, names: Mapping[str, int]
) -> _Choice:
    value = raw.get(key, "office")
    if value not in names:
        raise _error("bad_value", key=key, reason="chỉ nhận " + " hoặc ".join(names))
    return cls(names[value])


def _error(code: str, **params: object) -> ValidationError:
    return ValidationError(code, MESSAGES[code].format(**params), field=str(params.get("key", "")))


def submit_command(runtime: Runtime, path: Path, now: datetime, out: TextIO, err: TextIO) -> int:
    """``kiosk submit``: seal the draft in ``path`` and print its code, or every problem."""
    result = read_draft_file(path, active_catalogue(runtime), now)
    for advisory in result.problems.advisories:
        print(f"Lưu ý: {advisory.message}", file=err)
    if result.draft is None:
        print("Hồ sơ chưa được nộp vì:", file=err)
        for error in result.problems.errors:
            print(f"  - {error.message}", file=err)
        return 1
    db = open_database(runtime)
    try:
        submitter = Submitter(build_queue(runtime, db), build_calendar(runtime.config),
                              runtime.config, lambda: now)
        dossier = submitter.seal(result.draft)
    finally:
        db.dispose()
    _log.info("dossier %s sealed from a draft file (%s, %d files)", dossier.code,
              result.draft.procedure.code, len(result.draft.documents))
    due = format_moment(dossier.due_at)
    print(dossier.code, file=out)
    print(f"Đã nhận hồ sơ {dossier.code}; hẹn trả kết quả {due}.", file=err)
    return 0
