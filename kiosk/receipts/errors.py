"""Why a receipt could not be printed, in words an official can act on.

A print failure never loses the dossier: it is sealed before printing and the
screen keeps showing its code and QR.  These errors only say what went wrong.
"""

from __future__ import annotations

from kiosk.domain.errors import DomainError, error_from_table

MESSAGES: dict[str, str] = {
    "no_printer": (
        "Chưa có máy in nào được cài đặt. Xin báo cán bộ; mã hồ sơ vẫn hiện trên màn hình."
    ),
    "printer_not_found": (
        "Không tìm thấy máy in '{name}'. Xin báo cán bộ kiểm tra máy in; "
        "mã hồ sơ vẫn hiện trên màn hình."
    ),
    "printer_refused": (
        "Máy in '{name}' không nhận lệnh in. Xin báo cán bộ kiểm tra giấy và nguồn điện "
        "của máy in; mã hồ sơ vẫn hiện trên màn hình."
    ),
    "device_unwritable": (
        "Không gửi được dữ liệu tới máy in nhiệt {name}: {detail}. Xin báo cán bộ kiểm tra "
        "cáp nối và nguồn điện."
    ),
    "no_spooler": "Máy chưa cài hệ thống in CUPS (lệnh lp), không in được phiếu.",
    "spooler_timeout": "Hệ thống in không phản hồi. Xin báo cán bộ kiểm tra máy in.",
    "no_renderer": (
        "Máy chưa cài công cụ dựng ảnh phiếu (pdftoppm, gói poppler-utils). Xin báo kỹ thuật viên."
    ),
    "render_timeout": "Dựng ảnh phiếu quá lâu. Xin thử in lại.",
    "render_failed": "Không dựng được ảnh phiếu để in ({detail}). Xin thử in lại.",
    "empty": "Phiếu không có trang nào để in.",
}


class PrintError(DomainError):
    """The receipt could not be printed (the dossier itself is safe)."""


def print_error(code: str, **params: object) -> PrintError:
    params.setdefault("name", "")
    params.setdefault("detail", "")
    return error_from_table(PrintError, MESSAGES, code, field="printer", **params)
