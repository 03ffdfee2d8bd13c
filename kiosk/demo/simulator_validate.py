"""Checks a dossier body against PORTAL_API.md §3, as a strict portal would.

The simulator exists to catch the kiosk breaking the contract, so it is
stricter than most real portals: unknown keys, wrong types, impossible dates
and oversized texts are all refused with ``422 invalid``, every problem found
listed in ``details`` as ``{"field": "ChuHoSo.HoTen", "message": …}``.

A check is a plain function ``(report, where, value)``; the body's shape is a
table of them, so the contract reads as data.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from kiosk.demo.simulator_errors import Detail, detail, portal_error
from kiosk.domain.dates import from_wire
from kiosk.domain.errors import ValidationError

MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "not_json": "Nội dung không phải JSON hợp lệ (UTF-8).",
        "duplicate_key": "Mục «{key}» xuất hiện hai lần trong cùng một đối tượng.",
        "not_object": "Cần một đối tượng JSON {{…}}.",
        "not_list": "Cần một danh sách JSON […].",
        "missing": "Thiếu mục bắt buộc.",
        "unknown": "Mục này không có trong hợp đồng trao đổi (có thể viết sai tên).",
        "not_text": "Cần một chuỗi chữ.",
        "empty": "Không được để trống.",
        "too_long": "Dài quá {limit} ký tự.",
        "bad_chars": "Có ký tự điều khiển hoặc ký tự không hợp lệ.",
        "not_int": "Cần một số nguyên.",
        "range": "Cần một số nguyên từ {low} đến {high}.",
        "choice": "Chỉ nhận một trong các giá trị: {allowed}.",
        "stamp": "Cần thời điểm có thật dạng yyyyMMddHHmmss, ví dụ 20261124093012.",
        "too_many": "Có quá nhiều phần tử (tối đa {limit}).",
        "must_agree": "Người nộp phải đồng ý với cam kết (DongY = true).",
        "address": "Nhận kết quả qua bưu chính (HinhThucNhanKetQua = 2) thì phải có địa chỉ nhận.",
        "hash": "Cần mã băm SHA-256 dạng 64 ký tự hex.",
        "form_deep": "Dữ liệu biểu mẫu lồng quá sâu (tối đa {limit} cấp).",
        "form_big": "Dữ liệu biểu mẫu quá nhiều mục (tối đa {limit}).",
        "form_value": "Giá trị không hợp lệ trong dữ liệu biểu mẫu.",
        "repeated": "Giá trị này xuất hiện hai lần.",
        "reasons_level": "Chỉ được nêu lý do khi mức đánh giá từ {limit} trở xuống.",
    }
)

MAX_DETAILS = 50  # a hostile body must not make the answer bigger than itself
MAX_FIELD_CHARS = 120
FORM_DEPTH = 6
FORM_NODES = 2000
FORM_TEXT = 4000
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_WIRE = re.compile(r"[0-9]{14}")
# Line breaks and tabs are fair in an address or a summary; other controls are not.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


class Report:
    """Collects the problems of one body, capped at ``MAX_DETAILS``."""

    def __init__(self) -> None:
        self.details: list[Detail] = []

    def add(self, where: str, key: str, **params: object) -> None:
        if len(self.details) < MAX_DETAILS:
            self.details.append(detail(where[:MAX_FIELD_CHARS], MESSAGES[key].format(**params)))


Check = Callable[[Report, str, object], None]
Spec = Mapping[str, tuple[Check, bool]]  # key → (check, required)


def parse_json(body: bytes) -> Any:
    """Parse a request body strictly: UTF-8, no NaN, no duplicate keys; else ``422``."""
    try:
        return json.loads(
            body.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, _DuplicateKey) else MESSAGES["not_json"]
        raise portal_error("invalid", [detail("$", message)], count=1) from None


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(MESSAGES["duplicate_key"].format(key=key[:MAX_FIELD_CHARS]))
        result[key] = value
    return result


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity are not JSON, whatever Python accepts


def validate_dossier(body: object) -> None:
    """Raise ``422 invalid`` listing every problem of ``body``; return if it is sound."""
    report = Report()
    _object(DOSSIER)(report, "", body)
    if isinstance(body, dict):
        _check_delivery(report, body)
    if report.details:
        raise portal_error("invalid", report.details, count=len(report.details))


def _check_delivery(report: Report, body: Mapping[str, Any]) -> None:
    address = body.get("DiaChiNhanKetQua")
    if body.get("HinhThucNhanKetQua") == 2 and not (isinstance(address, str) and address.strip()):
        report.add("DiaChiNhanKetQua", "address")


# --- checks --------------------------------------------------------------------------


def text(limit: int, *, empty: bool = False) -> Check:
    """A string of at most ``limit`` characters, non-blank unless ``empty``."""

    def check(report: Report, where: str, value: object) -> None:
        if not isinstance(value, str):
            report.add(where, "not_text")
        elif not empty and not value.strip():
            report.add(where, "empty")
        elif len(value) > limit:
            report.add(where, "too_long", limit=limit)
        elif not clean_text(value):
            report.add(where, "bad_chars")

    return check


def clean_text(value: str) -> bool:
    """No control characters but line breaks and tabs, no lone surrogates."""
    return not any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS for ch in value
    )


def nullable(check: Check) -> Check:
    def nullable_check(report: Report, where: str, value: object) -> None:
        if value is not None:
            check(report, where, value)

    return nullable_check


def integer(low: int, high: int) -> Check:
    def check(report: Report, where: str, value: object) -> None:
        # bool is an int to Python, never to the contract
        if not isinstance(value, int) or isinstance(value, bool):
            report.add(where, "not_int")
        elif not low <= value <= high:
            report.add(where, "range", low=low, high=high)

    return check


def choice(*allowed: object) -> Check:
    shown = ", ".join(json.dumps(a) for a in allowed)

    def check(report: Report, where: str, value: object) -> None:
        # 1.0 == 1 and True == 1 to Python; the contract wants the exact type.
        if type(value) not in (int, str) or value not in allowed:
            report.add(where, "choice", allowed=shown)

    return check


def stamp(report: Report, where: str, value: object) -> None:
    """A real moment as ``yyyyMMddHHmmss`` (30 February is refused)."""
    if not isinstance(value, str) or not _WIRE.fullmatch(value):
        report.add(where, "stamp")
        return
    try:
        from_wire(value)
    except ValidationError:
        report.add(where, "stamp")


def sha256_hex(report: Report, where: str, value: object) -> None:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        report.add(where, "hash")


def agreed(report: Report, where: str, value: object) -> None:
    if value is not True:
        report.add(where, "must_agree")


def _object(spec: Spec) -> Check:
    def check(report: Report, where: str, value: object) -> None:
        if not isinstance(value, dict):
            report.add(where or "$", "not_object")
            return
        prefix = f"{where}." if where else ""
        for key in value:
            if key not in spec:
                report.add(prefix + key, "unknown")
        for key, (field_check, required) in spec.items():
            if key in value:
                field_check(report, prefix + key, value[key])
            elif required:
                report.add(prefix + key, "missing")

    return check


def _list_of(item: Check, limit: int) -> Check:
    def check(report: Report, where: str, value: object) -> None:
        if not isinstance(value, list):
            report.add(where, "not_list")
        elif len(value) > limit:
            report.add(where, "too_many", limit=limit)
        else:
            for index, element in enumerate(value):
                item(report, f"{where}[{index}]", element)

    return check


def _free_object(report: Report, where: str, value: object) -> None:
    """``NguoiHoTro``: the contract names no keys, so only short texts are asked for."""
    if not isinstance(value, dict):
        report.add(where, "not_object")
    elif len(value) > 10:
        report.add(where, "too_many", limit=10)
    else:
        for key, inner in value.items():
            text(100)(report, f"{where}.{key}", key)
            nullable(text(200, empty=True))(report, f"{where}.{key}", inner)


def _form(report: Report, where: str, value: object) -> None:
    """``DuLieuBieuMau``: free form fields, bounded in depth, size and content."""
    if not isinstance(value, dict):
        report.add(where, "not_object")
        return
    problem = _form_problem(value)
    if problem is not None:
        report.add(where, problem, limit=FORM_NODES if problem == "form_big" else FORM_DEPTH)


def _form_problem(root: dict[str, Any]) -> str | None:
    """The first problem of a form tree, walked with an explicit stack.

    Not recursive: the JSON parser allows deeper nesting than a recursive
    check could follow.
    """
    stack: list[tuple[object, int]] = [(root, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > FORM_NODES:
            return "form_big"
        if isinstance(node, dict | list) and depth > FORM_DEPTH:
            return "form_deep"
        if isinstance(node, dict):
            if not all(len(key) <= 100 and clean_text(key) for key in node):
                return "form_value"
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
        elif not _form_leaf_ok(node):
            return "form_value"
    return None


def _form_leaf_ok(node: object) -> bool:
    if isinstance(node, str):
        return len(node) <= FORM_TEXT and clean_text(node)
    return node is None or isinstance(node, bool | int | float)


_OWNER: Spec = {
    "HoTen": (text(200), True),
    "SoDinhDanh": (text(20), True),
    "NgaySinh": (nullable(text(10)), False),
    "GioiTinh": (nullable(text(10)), False),
    "DiaChi": (nullable(text(500, empty=True)), False),
    "SoDienThoai": (nullable(text(20, empty=True)), False),
    "Email": (nullable(text(254, empty=True)), False),
}
_DOCUMENT: Spec = {
    "MaThanhPhanHoSo": (text(40), True),
    "TenThanhPhan": (text(300), True),
    "IdTepTin": (text(100), True),
    "HashTepTin": (sha256_hex, False),
    "TenTepDinhKem": (nullable(text(255)), False),
    "SoTrang": (nullable(integer(0, 10_000)), False),
}
_FEE: Spec = {
    "TenPhiLePhi": (text(300), True),
    "Gia": (integer(0, 1_000_000_000), True),
    "HinhThucThanhToan": (choice(1, 2), True),
}
_PLEDGE: Spec = {"DongY": (agreed, True), "ThoiDiem": (stamp, True)}

DOSSIER: Spec = {
    "MaHoSo": (text(64), True),
    "MaKiosk": (text(64), True),
    "MaTTHC": (text(40), True),
    "TenTTHC": (text(300), True),
    "MucDo": (choice("3", "4"), True),
    "KenhThucHien": (choice(1, 2, 3), True),
    "NgayTiepNhan": (stamp, True),
    "NgayHenTra": (stamp, True),
    "ChuHoSo": (_object(_OWNER), True),
    "TrichYeuHoSo": (nullable(text(1000, empty=True)), False),
    "DuLieuBieuMau": (nullable(_form), False),
    "TaiLieuNop": (_list_of(_object(_DOCUMENT), 100), True),
    "HinhThucNhanKetQua": (choice(1, 2), True),
    "DiaChiNhanKetQua": (nullable(text(500, empty=True)), False),
    "DanhSachLePhi": (_list_of(_object(_FEE), 20), True),
    "CamKet": (_object(_PLEDGE), True),
    "NguoiHoTro": (nullable(_free_object), False),
}
