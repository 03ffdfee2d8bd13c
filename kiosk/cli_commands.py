"""The ``kiosk`` commands: each one's line in ``kiosk --help`` and what adds it to the parser.

A command is a line in ``command_adders()`` (what adds it, in ``kiosk --help``'s order)
and one in ``SUMMARIES`` (its line in ``kiosk --help``).  ``kiosk --help`` reads this
module and calls no adder, so nothing here loads at the top but what ``kiosk.cli``
already has: each adder imports its command's module, handlers included, when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

TYPE_CHECKING = False  # typing itself costs every command: mypy and ruff read the name
if TYPE_CHECKING:
    from typing import Any

# Each command's line in `kiosk --help`, in its order (a command missing here makes
# `kiosk --help` build every command's parser: correct, but slower).
SUMMARIES: Mapping[str, str] = {
    "run": "mở kiosk (mặc định khi không có lệnh)",
    "catalog": "liệt kê, tìm kiếm thủ tục hành chính",
    "doctor": "kiểm tra máy: thư viện, phông chữ, dữ liệu, thiết bị",
    "queue": "xem hàng đợi hồ sơ: trạng thái, số lần gửi, lý do",
    "sync": "gửi hồ sơ trong hàng đợi lên cổng, cập nhật trạng thái",
    "submit": "nộp hồ sơ từ tệp JSON (xem thư mục examples/)",
    "portal-sim": "chạy cổng dịch vụ công giả lập (máy chủ HTTP thật)",
    "decode": "đọc mã QR / mã vạch (thẻ căn cước, phiếu hẹn) từ ảnh",
    "detect": "tìm trang giấy trong ảnh (bốn góc, chất lượng)",
    "scan": "quét giấy tờ bằng máy quét phẳng (SANE)",
    "receipt": "phiếu tiếp nhận và hẹn trả kết quả của một hồ sơ",
    "official": "tài khoản cán bộ: thêm, liệt kê, khoá, mở, đổi mã PIN",
    "audit": "nhật ký thao tác của cán bộ, mới nhất trước (chỉ đọc)",
    "purge": ("xoá dữ liệu cá nhân và tệp đính kèm của hồ sơ cổng dịch vụ công đã nhận "
              "quá số ngày lưu giữ; ghi nhật ký"),
    "db-restore": ("khôi phục cơ sở dữ liệu từ một bản sao lưu (quay lại phiên bản cũ); "
                   "kiosk phải dừng"),
    "appliance": "cài kiosk thành thiết bị (systemd, cage) trên Debian 12",
}


def command_adders() -> dict[str, Callable[[Any], None]]:
    """Each command and what adds it to the parser, in the order ``kiosk --help`` lists."""
    return {"run": _add_run, "catalog": _add_catalog, "doctor": _add_doctor,
            "queue": _add_queue, "sync": _add_sync, "submit": _add_submit,
            "portal-sim": _add_portal_sim, "decode": _add_capture, "detect": _add_capture,
            "scan": _add_capture, "receipt": _add_receipt, "official": _add_official,
            "audit": _add_audit, "purge": _add_purge, "db-restore": _add_db_restore,
            "appliance": _add_appliance}


def _add_official(sub: Any) -> None:
    from kiosk.office_cli import add_official

    add_official(sub)


def _add_audit(sub: Any) -> None:
    from kiosk.office_cli import add_audit

    add_audit(sub)


def _add_purge(sub: Any) -> None:
    from kiosk.purge_command import add_purge

    add_purge(sub)


def _add_db_restore(sub: Any) -> None:
    from kiosk.restore_command import add_restore

    add_restore(sub)


def _add_run(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_run

    p = sub.add_parser("run", help=SUMMARIES["run"])
    p.add_argument("--demo", action="store_true",
                   help="chế độ trình diễn: cổng giả lập, camera giả, phiếu hẹn lưu thành PDF "
                        "(cấu hình trình diễn có sẵn, trừ khi chỉ định --config)")
    p.add_argument("--windowed", action="store_true", help="mở trong cửa sổ thay vì toàn màn hình")
    p.add_argument("--quit-when-ready", action="store_true",
                   help="đo khởi động: in số mili giây đến khi trang chủ hiện và khi mọi màn "
                        "hình sẵn sàng, rồi thoát (benchmarks/bench_start.py)")
    p.set_defaults(handler=cmd_run)


def _add_catalog(sub: Any) -> None:
    from kiosk.cli_catalogue import cmd_catalog

    p = sub.add_parser("catalog", help=SUMMARIES["catalog"])
    p.add_argument("--search", default="",
                   help="từ khoá (không cần dấu, không phân biệt hoa thường)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_catalog)


def _add_doctor(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_doctor

    p = sub.add_parser("doctor", help=SUMMARIES["doctor"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_doctor)


def _add_queue(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_queue

    p = sub.add_parser("queue", help=SUMMARIES["queue"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_queue)
    from kiosk.office_cli import add_queue_retry

    add_queue_retry(p)


def _add_sync(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_sync

    p = sub.add_parser("sync", help=SUMMARIES["sync"])
    p.add_argument("--once", action="store_true", help="gửi một lượt rồi thoát")
    p.add_argument("--demo", action="store_true",
                   help="gửi tới cổng giả lập của `kiosk portal-sim` (127.0.0.1:8765, tài khoản "
                        "trình diễn)")
    p.set_defaults(handler=cmd_sync)


def _add_submit(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_submit

    p = sub.add_parser("submit", help=SUMMARIES["submit"])
    p.add_argument("file", help="tệp JSON mô tả hồ sơ")
    p.set_defaults(handler=cmd_submit)


def _add_portal_sim(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_portal_sim

    p = sub.add_parser("portal-sim", help=SUMMARIES["portal-sim"])
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765; 0: tự chọn)")
    p.add_argument("--step-seconds", type=float, default=30.0,
                   help="số giây giữa hai bước trạng thái hồ sơ (0: không tự chuyển)")
    p.set_defaults(handler=cmd_portal_sim)


def _add_capture(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_decode, cmd_detect, cmd_scan

    p = sub.add_parser("decode", help=SUMMARIES["decode"])
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--backend", choices=["zxing", "zbar"], default="zxing",
                   help="bộ đọc mã (mặc định zxing)")
    p.set_defaults(handler=cmd_decode)
    p = sub.add_parser("detect", help=SUMMARIES["detect"])
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--warp", metavar="OUT_DIR", help="lưu trang đã làm phẳng vào thư mục này")
    p.set_defaults(handler=cmd_detect)
    p = sub.add_parser("scan", help=SUMMARIES["scan"])
    p.add_argument("--device", help="tên thiết bị SANE (mặc định: máy đầu tiên)")
    p.add_argument("--out", required=True, help="tệp ảnh kết quả (.png)")
    p.set_defaults(handler=cmd_scan)


def _add_receipt(sub: Any) -> None:
    from kiosk.cli_handlers import cmd_receipt

    p = sub.add_parser("receipt", help=SUMMARIES["receipt"])
    p.add_argument("code", help="mã hồ sơ (mã của kiosk hoặc mã cổng cấp)")
    p.add_argument("--out", help="lưu phiếu ra tệp PDF")
    p.add_argument("--print", dest="do_print", action="store_true", help="in phiếu ra máy in")
    p.set_defaults(handler=cmd_receipt)


def _add_appliance(sub: Any) -> None:
    from kiosk.appliance.install import add_command  # the standard library only

    add_command(sub)

