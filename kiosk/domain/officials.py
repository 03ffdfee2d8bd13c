"""Officials of the one-stop office: who they are, what a PIN may be, what the audit log says.

Pure rules only; the accounts, the hashes and the log live in ``kiosk.store``.
A PIN is 6 to 8 ASCII digits (the PIN pad has only those keys; a Unicode digit
such as «٣» is refused rather than silently treated as 3).  After
``MAX_FAILURES`` wrong PINs in a row the pad locks for ``LOCK_SECONDS``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from itertools import pairwise

from kiosk.domain.errors import ValidationError
from kiosk.domain.textnorm import is_storable

ROLES = ("can_bo", "quan_tri")
ROLE_LABELS: Mapping[str, str] = {"can_bo": "Cán bộ", "quan_tri": "Quản trị"}
PIN_MIN, PIN_MAX = 6, 8
STAFF_ID_MAX = 32
NAME_MAX = 120
MAX_FAILURES = 5
LOCK_SECONDS = 300

MESSAGES: Mapping[str, str] = {
    "pin_format": f"Mã PIN phải gồm từ {PIN_MIN} đến {PIN_MAX} chữ số (0–9).",
    "pin_weak": "Mã PIN quá dễ đoán (các số giống nhau hoặc liên tiếp). Xin chọn mã khác.",
    "pin_taken": "Mã PIN này đã có cán bộ khác dùng. Xin chọn mã khác.",
    "staff_id_format": (f"Mã cán bộ gồm 1 đến {STAFF_ID_MAX} ký tự: chữ cái không dấu, "
                        "chữ số, dấu gạch ngang hoặc gạch dưới."),
    "name_format": f"Họ tên cán bộ phải có từ 1 đến {NAME_MAX} ký tự chữ, không có ký tự lạ.",
    "role_unknown": "Vai trò phải là «can_bo» (cán bộ) hoặc «quan_tri» (quản trị).",
    "staff_exists": "Đã có cán bộ mang mã {staff_id}.",
    "staff_unknown": "Không có cán bộ nào mang mã {staff_id}.",
    "wrong_pin": "Mã PIN không đúng. Còn {left} lần thử.",
    "signin_locked": "Đã nhập sai quá nhiều lần. Xin thử lại sau {until}.",
    "no_officials": "Chưa có tài khoản cán bộ nào trên kiosk này.",
}

# What each audit action is called where an official reads the log.
AUDIT_LABELS: Mapping[str, str] = {
    "signin_ok": "Đăng nhập",
    "signin_failed": "Nhập sai mã PIN",
    "signin_lock": "Khoá đăng nhập 5 phút",
    "signin_locked": "Thử đăng nhập khi đang khoá",
    "signout": "Đăng xuất",
    "official_add": "Thêm cán bộ",
    "official_disable": "Khoá tài khoản cán bộ",
    "official_enable": "Mở lại tài khoản cán bộ",
    "official_set_pin": "Đổi mã PIN",
    "dossier_retry": "Gửi lại hồ sơ",
    "receipt_reprint": "In lại phiếu",
    "declaration_view": "Xem tờ khai",
    "assisted_start": "Bắt đầu nộp hồ sơ giúp người dân",
    "help_call": "Người dân gọi cán bộ",
    "takeover": "Tiếp nhận yêu cầu hỗ trợ",
    "help_close": "Đóng yêu cầu hỗ trợ",
    "setting_change": "Đổi cài đặt",
    "exit_fullscreen": "Thoát toàn màn hình",
    "restart": "Khởi động lại ứng dụng",
    "shutdown": "Tắt ứng dụng",
    "rating_recorded": "Người dân đánh giá",
    "printer_test": "In trang thử máy in",
    "dossier_purge": "Xoá dữ liệu cá nhân của hồ sơ hết hạn lưu",
}


def validate_pin(pin: str) -> str:
    if not (PIN_MIN <= len(pin) <= PIN_MAX) or not all("0" <= c <= "9" for c in pin):
        raise ValidationError("pin_format", MESSAGES["pin_format"], field="pin")
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    if steps <= {0} or steps == {1} or steps == {-1}:
        raise ValidationError("pin_weak", MESSAGES["pin_weak"], field="pin")
    return pin


def validate_staff_id(staff_id: str) -> str:
    allowed = all(c.isascii() and (c.isalnum() or c in "-_.") for c in staff_id)
    if not (1 <= len(staff_id) <= STAFF_ID_MAX) or not allowed:
        raise ValidationError("staff_id_format", MESSAGES["staff_id_format"], field="staff_id")
    return staff_id.upper()


def validate_name(name: str) -> str:
    """A person's name as the receipt will print it: NFC, single spaces, letters first."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split()) if is_storable(name) else ""
    ok = (1 <= len(cleaned) <= NAME_MAX
          and all(unicodedata.category(c)[0] in "LMZ" or c in "-.'()" for c in cleaned)
          and any(c.isalpha() for c in cleaned))
    if not ok:
        raise ValidationError("name_format", MESSAGES["name_format"], field="name")
    return cleaned


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError("role_unknown", MESSAGES["role_unknown"], field="role")
    return role
