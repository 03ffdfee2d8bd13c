"""``kiosk``: the command line for officials, technicians, integrators and tests.

The process's entry point: it reads the environment once and hands what it
found down.  ``kiosk`` alone starts the kiosk (``kiosk run``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.office_cli import add_audit, add_official, add_queue_retry
from kiosk.purge_command import add_purge

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_STORE = 5  # the data folder or the database cannot be used (the message says why)

if TYPE_CHECKING:  # loaded by the commands that can raise it: `kiosk --help` needs none
    from kiosk.domain.errors import DomainError

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]
_log = logging.getLogger("kiosk.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """The process's start (``kiosk``, ``python -m kiosk``: no ``argv``), or a command run
    in-process by a caller who passes ``argv`` and keeps its own umask (tests)."""
    from kiosk.paths import private_files  # light: `kiosk --help` loads no database layer

    if argv is None:
        private_files()  # before anything is created: the data dir 0700, its files 0600
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=command_of(given))
    args = parser.parse_args(given)
    handler: Handler = getattr(args, "handler", _cmd_run)
    try:
        return handler(args, os.environ)
    except Exception as exc:
        errors = sys.modules.get("kiosk.domain.errors")  # a DomainError only if it was loaded
        if errors is not None and isinstance(exc, errors.DomainError):
            return _failed(exc, EXIT_STORE if _is_store_error(exc) else EXIT_FAILED)
        # The store's modules are loaded only now (a fault can come only from them).
        from kiosk.logsetup import FILE_ONLY
        from kiosk.store.faults import FAULTS, as_store_error

        if not isinstance(exc, FAULTS):
            raise
        # A fault under the store that no command turned into words.
        if logging.getLogger().handlers:  # else the traceback would reach the screen
            _log.error("store fault", exc_info=True, extra=FILE_ONLY)
        return _failed(as_store_error(exc, _data_dir(args)), EXIT_STORE)


def _is_store_error(exc: DomainError) -> bool:
    store = sys.modules.get("kiosk.store.db")  # a StoreError exists only if it was loaded
    return store is not None and isinstance(exc, store.StoreError)


def _failed(exc: DomainError, code: int) -> int:
    from kiosk.logsetup import FILE_ONLY

    if logging.getLogger().handlers:  # run, sync and submit log to a file; others print only
        # A store's message names paths; another's may quote what a resident typed.
        # A refused input (a config, a draft) is the user's to fix: a warning, not an error.
        store = _is_store_error(exc)
        _log.log(logging.ERROR if store else logging.WARNING, "%s: %s", exc.code,
                 exc.message if store else "", extra=FILE_ONLY)  # the screen: the line below
    print(f"Lỗi: {exc.message}", file=sys.stderr)
    return code


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk.domain.errors import DomainError
    from kiosk.services import resolve_runtime

    try:
        return resolve_runtime(args.data_dir, args.config, os.environ).data_dir
    except DomainError:
        return Path(args.data_dir or ".")


def command_of(argv: Sequence[str]) -> str | None:
    """The command of ``kiosk [--data-dir D] [--config C] [COMMAND …]`` (``run`` if none
    is named), so that the parser holds that one alone: the others' modules and argparse's
    work for them cost every start (issue 13).  None (the whole parser) for anything
    else: help, the version, a word that names no command."""
    i = 0
    while i < len(argv) and argv[i] in ("--data-dir", "--config"):
        i += 2
    if i >= len(argv):
        return "run"
    return argv[i] if argv[i] in _commands() else None


def build_parser(*, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``only``: the same with that command alone."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Kiosk dịch vụ công tự phục vụ cho bộ phận một cửa cấp xã.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="thư mục dữ liệu (biến môi trường KIOSK_DATA_DIR)")
    parser.add_argument("--config", help="tệp cấu hình TOML (biến môi trường KIOSK_CONFIG)")
    parser.set_defaults(demo=False, windowed=False, quit_when_ready=False)
    sub = parser.add_subparsers(title="lệnh", metavar="LỆNH")
    commands = _commands()
    for add in [commands[only]] if only else dict.fromkeys(commands.values()):
        add(sub)
    return parser


def _commands() -> dict[str, Callable[[Any], None]]:
    """Each command and what adds it to the parser, in the order ``kiosk --help`` lists."""
    return {"run": _add_run, "catalog": _add_catalog, "doctor": _add_doctor,
            "queue": _add_queue, "sync": _add_sync, "submit": _add_submit,
            "portal-sim": _add_portal_sim, "decode": _add_capture, "detect": _add_capture,
            "scan": _add_capture, "receipt": _add_receipt, "official": add_official,
            "audit": add_audit, "purge": add_purge, "db-restore": _add_db_restore,
            "appliance": _add_appliance}


def _add_db_restore(sub: Any) -> None:
    from kiosk.restore_command import add_restore

    add_restore(sub)


def _add_run(sub: Any) -> None:
    p = sub.add_parser("run", help="mở kiosk (mặc định khi không có lệnh)")
    p.add_argument("--demo", action="store_true",
                   help="chế độ trình diễn: cổng giả lập, camera giả, phiếu hẹn lưu thành PDF "
                        "(cấu hình trình diễn có sẵn, trừ khi chỉ định --config)")
    p.add_argument("--windowed", action="store_true", help="mở trong cửa sổ thay vì toàn màn hình")
    p.add_argument("--quit-when-ready", action="store_true",
                   help="đo khởi động: in số mili giây đến khi trang chủ hiện và khi mọi màn "
                        "hình sẵn sàng, rồi thoát (benchmarks/bench_start.py)")
    p.set_defaults(handler=_cmd_run)


def _add_catalog(sub: Any) -> None:
    p = sub.add_parser("catalog", help="liệt kê, tìm kiếm thủ tục hành chính")
    p.add_argument("--search", default="",
                   help="từ khoá (không cần dấu, không phân biệt hoa thường)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_catalog)


def _add_doctor(sub: Any) -> None:
    p = sub.add_parser("doctor", help="kiểm tra máy: thư viện, phông chữ, dữ liệu, thiết bị")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_doctor)


def _add_queue(sub: Any) -> None:
    p = sub.add_parser("queue", help="xem hàng đợi hồ sơ: trạng thái, số lần gửi, lý do")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_queue)
    add_queue_retry(p)


def _add_sync(sub: Any) -> None:
    p = sub.add_parser("sync", help="gửi hồ sơ trong hàng đợi lên cổng, cập nhật trạng thái")
    p.add_argument("--once", action="store_true", help="gửi một lượt rồi thoát")
    p.add_argument("--demo", action="store_true",
                   help="gửi tới cổng giả lập của `kiosk portal-sim` (127.0.0.1:8765, tài khoản "
                        "trình diễn)")
    p.set_defaults(handler=_cmd_sync)


def _add_submit(sub: Any) -> None:
    p = sub.add_parser("submit", help="nộp hồ sơ từ tệp JSON (xem thư mục examples/)")
    p.add_argument("file", help="tệp JSON mô tả hồ sơ")
    p.set_defaults(handler=_cmd_submit)


def _add_portal_sim(sub: Any) -> None:
    p = sub.add_parser("portal-sim", help="chạy cổng dịch vụ công giả lập (máy chủ HTTP thật)")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765; 0: tự chọn)")
    p.add_argument("--step-seconds", type=float, default=30.0,
                   help="số giây giữa hai bước trạng thái hồ sơ (0: không tự chuyển)")
    p.set_defaults(handler=_cmd_portal_sim)


def _add_capture(sub: Any) -> None:
    p = sub.add_parser("decode", help="đọc mã QR / mã vạch (thẻ căn cước, phiếu hẹn) từ ảnh")
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--backend", choices=["zxing", "zbar"], default="zxing",
                   help="bộ đọc mã (mặc định zxing)")
    p.set_defaults(handler=_cmd_decode)
    p = sub.add_parser("detect", help="tìm trang giấy trong ảnh (bốn góc, chất lượng)")
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--warp", metavar="OUT_DIR", help="lưu trang đã làm phẳng vào thư mục này")
    p.set_defaults(handler=_cmd_detect)
    p = sub.add_parser("scan", help="quét giấy tờ bằng máy quét phẳng (SANE)")
    p.add_argument("--device", help="tên thiết bị SANE (mặc định: máy đầu tiên)")
    p.add_argument("--out", required=True, help="tệp ảnh kết quả (.png)")
    p.set_defaults(handler=_cmd_scan)


def _add_receipt(sub: Any) -> None:
    p = sub.add_parser("receipt", help="phiếu tiếp nhận và hẹn trả kết quả của một hồ sơ")
    p.add_argument("code", help="mã hồ sơ (mã của kiosk hoặc mã cổng cấp)")
    p.add_argument("--out", help="lưu phiếu ra tệp PDF")
    p.add_argument("--print", dest="do_print", action="store_true", help="in phiếu ra máy in")
    p.set_defaults(handler=_cmd_receipt)


def _add_appliance(sub: Any) -> None:
    from kiosk.appliance.install import add_command  # the standard library only

    add_command(sub)


def _no_demo() -> int | None:
    from kiosk.appliance import demo_missing  # an appliance has no kiosk/demo: say so

    return demo_missing()


def _cmd_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if args.demo and (code := _no_demo()) is not None:
        return code
    from kiosk.app import run_kiosk  # Qt is loaded only when the kiosk itself starts
    from kiosk.services import resolve_runtime

    runtime = resolve_runtime(args.data_dir, run_config(args.config, env, demo=args.demo), env)

    def open_log() -> None:  # on the start-up thread, once Home is painted
        from kiosk.logsetup import configure_logging

        configure_logging(runtime.data_dir, "kiosk")

    return run_kiosk(runtime, env, demo=args.demo, windowed=args.windowed,
                     quit_when_ready=args.quit_when_ready, prepare=open_log)


def run_config(chosen: str | None, env: Mapping[str, str], *, demo: bool) -> str | None:
    """The settings file ``kiosk run`` reads: --config, then KIOSK_CONFIG, then (demo) the
    shipped demo settings — receipts saved as PDF files — else the built-in defaults."""
    from kiosk.paths import demo_settings

    explicit = chosen or env.get("KIOSK_CONFIG")
    if explicit or not demo:
        return explicit
    return str(demo_settings())


def _cmd_catalog(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.domain.catalogue_json import procedure_to_dict
    from kiosk.domain.fees import describe_fee
    from kiosk.services import active_catalogue, resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    overrides = runtime.config.fees
    catalogue = active_catalogue(runtime)
    found = catalogue.search(args.search)
    if args.json:
        _print_json([procedure_to_dict(p) for p in found])
        return EXIT_OK
    if not found:
        print(f"Không tìm thấy thủ tục nào với từ khoá “{args.search}”.")
        return EXIT_OK
    for p in found:
        days = p.time_limit.working_days
        limit = "trong ngày" if days == 0 else f"{days} ngày làm việc"
        fees = "; ".join(describe_fee(f, overrides) for f in p.fees) or "Miễn phí"
        print(f"{p.code:10} {p.name} — {p.field} — {p.level_name} — {limit} — {fees}")
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.doctor import run_checks
    from kiosk.services import resolve_runtime

    checks = run_checks(resolve_runtime(args.data_dir, args.config, env))
    if args.json:
        _print_json([c.as_dict() for c in checks])
    else:
        for c in checks:
            mark = "OK " if c.ok else ("CẢNH BÁO" if not c.essential else "LỖI")
            print(f"[{mark}] {c.name}: {c.detail}")
    return EXIT_OK if all(c.ok or not c.essential for c in checks) else EXIT_FAILED


def _cmd_queue(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from datetime import UTC, datetime

    from kiosk.domain.states import STATE_LABELS
    from kiosk.services import build_queue, open_database, resolve_runtime
    from kiosk.sync.status import read_sync_status, status_lines

    runtime = resolve_runtime(args.data_dir, args.config, env)
    db = open_database(runtime)
    try:
        items = build_queue(runtime, db).recent()
        sync = read_sync_status(db)
    finally:
        db.dispose()
    if args.json:
        _print_json([_queue_item(q) for q in items])
        return EXIT_OK
    if not items:
        print("Hàng đợi trống: chưa có hồ sơ nào trên kiosk này.")
    for q in items:
        print(f"{q.code}  {STATE_LABELS[q.state]}{_queue_detail(q)}")
    print()
    for line in status_lines(sync, datetime.now(UTC)):
        print(line)
    return EXIT_OK


def _queue_detail(q: Any) -> str:
    """What an official needs next to the state: the portal's status, or why and when."""
    from kiosk.domain.dates import to_vietnam_time
    from kiosk.domain.states import PORTAL_STATUS_LABELS, DossierState

    if q.state is DossierState.SENT:
        status = PORTAL_STATUS_LABELS.get(q.portal_status or 0, "chưa có trạng thái")
        return f" — cổng: {status}"
    reason = f" — {q.last_error_message}" if q.last_error_message else ""
    if q.state is DossierState.PENDING and q.attempts:
        retry = to_vietnam_time(q.next_attempt_at).strftime("%d/%m %H:%M")
        return f" (đã thử {q.attempts} lần, thử lại lúc {retry}){reason}"
    return reason


def _cmd_sync(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if args.demo and (code := _no_demo()) is not None:
        return code
    from kiosk.logsetup import configure_logging
    from kiosk.services import resolve_runtime
    from kiosk.sync.command import sync_command, with_demo_portal

    runtime = resolve_runtime(args.data_dir, args.config, env)
    if args.demo:
        runtime = with_demo_portal(runtime)
    configure_logging(runtime.data_dir, "sync")
    return sync_command(runtime, once=args.once, out=sys.stdout, err=sys.stderr, env=env)


def _cmd_submit(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from kiosk.draft_file import submit_command
    from kiosk.logsetup import configure_logging
    from kiosk.services import resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    configure_logging(runtime.data_dir, "submit")
    return submit_command(runtime, Path(args.file), datetime.now(UTC), sys.stdout, sys.stderr)


def _cmd_portal_sim(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if (code := _no_demo()) is not None:
        return code
    from kiosk.demo.simulator import run_simulator_cli
    from kiosk.services import resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    return run_simulator_cli(args.host, args.port, runtime.data_dir, args.step_seconds)


def _cmd_decode(args: argparse.Namespace, _env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import decode_command

    return decode_command([Path(i) for i in args.images], args.json, args.backend, sys.stdout)


def _cmd_detect(args: argparse.Namespace, _env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import detect_command

    warp = Path(args.warp) if args.warp else None
    return detect_command([Path(i) for i in args.images], args.json, warp, sys.stdout)


def _cmd_scan(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import scan_command

    return scan_command(args.device, Path(args.out), env, sys.stdout)


def _cmd_receipt(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.receipts.commands import receipt_command
    from kiosk.services import build_queue, open_database, resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    printer = None
    if args.do_print:
        from kiosk.ui.printing import command_line_printer

        printer = command_line_printer(runtime.config.printer)
    db = open_database(runtime)
    try:
        detail = build_queue(runtime, db).find(args.code)
    finally:
        db.dispose()
    out = Path(args.out) if args.out else None
    return receipt_command(detail, args.code, runtime.config, out, args.do_print, sys.stdout,
                           printer=printer)


def _queue_item(q: Any) -> dict[str, object]:
    from kiosk.domain.dates import to_vietnam_time
    from kiosk.domain.states import STATE_LABELS

    return {
        "code": q.code, "official_code": q.official_code, "procedure": q.procedure_code,
        "state": q.state.value, "state_label": STATE_LABELS[q.state], "attempts": q.attempts,
        "next_attempt_at": to_vietnam_time(q.next_attempt_at).isoformat(),
        "last_error_code": q.last_error_code, "last_error": q.last_error_message,
        "portal_status": q.portal_status,
        "received_at": to_vietnam_time(q.received_at).isoformat(),
        "due_at": to_vietnam_time(q.due_at).isoformat(),
    }


def _print_json(data: object) -> None:
    import json

    # One write: json.dump would make thousands (a tenth of `kiosk catalog --json`'s time).
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover - ``python -m kiosk.cli``
    sys.exit(main())
