"""``kiosk``: the command line for officials, technicians, integrators and tests.

The process's entry point: it reads the environment once and hands what it
found down.  ``kiosk`` alone starts the kiosk (``kiosk run``).

This module's top level loads argparse and the standard library only (issue 13:
``kiosk --help`` and ``kiosk catalog --json`` within 3× ``python -c pass``).  A
command is a line in ``_commands()`` (what adds it to the parser, in ``kiosk
--help``'s order) and one in ``SUMMARIES`` (its line in ``kiosk --help``); its
module is imported inside its functions.  A line naming one command gets a parser
holding that command alone; ``kiosk --help`` (and any line naming no command) gets
the commands' names and summaries only, without their options or modules.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kiosk import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_STORE = 5  # the data folder or the database cannot be used (the message says why)

TYPE_CHECKING = False  # typing itself costs every command: mypy and ruff read the name
if TYPE_CHECKING:
    from logging import Logger
    from typing import Any

    from kiosk.domain.errors import DomainError  # loaded by the commands that can raise it

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]

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


def _log() -> Logger:
    import logging  # with its threading and traceback: only where something is logged

    return logging.getLogger("kiosk.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """The process's start (``kiosk``, ``python -m kiosk``: no ``argv``), or a command run
    in-process by a caller who passes ``argv`` and keeps its own umask (tests)."""
    from kiosk.paths import private_files  # light: `kiosk --help` loads no database layer

    if argv is None:
        private_files()  # before anything is created: the data dir 0700, its files 0600
    given = sys.argv[1:] if argv is None else list(argv)
    args = parser_for(given).parse_args(given)
    handler: Handler = getattr(args, "handler", _cmd_run)
    try:
        return handler(args, os.environ)
    except Exception as exc:
        errors = sys.modules.get("kiosk.domain.errors")  # a DomainError only if it was loaded
        if errors is not None and isinstance(exc, errors.DomainError):
            return _failed(exc, EXIT_STORE if _is_store_error(exc) else EXIT_FAILED)
        # The store's modules are loaded only now (a fault can come only from them).
        import logging

        from kiosk.logsetup import FILE_ONLY
        from kiosk.store.faults import FAULTS, as_store_error

        if not isinstance(exc, FAULTS):
            raise
        # A fault under the store that no command turned into words.
        if logging.getLogger().handlers:  # else the traceback would reach the screen
            _log().error("store fault", exc_info=True, extra=FILE_ONLY)
        return _failed(as_store_error(exc, _data_dir(args)), EXIT_STORE)


def _is_store_error(exc: DomainError) -> bool:
    store = sys.modules.get("kiosk.store.db")  # a StoreError exists only if it was loaded
    return store is not None and isinstance(exc, store.StoreError)


def _failed(exc: DomainError, code: int) -> int:
    import logging

    from kiosk.logsetup import FILE_ONLY

    if logging.getLogger().handlers:  # run, sync and submit log to a file; others print only
        # A store's message names paths; another's may quote what a resident typed.
        # A refused input (a config, a draft) is the user's to fix: a warning, not an error.
        store = _is_store_error(exc)
        _log().log(logging.ERROR if store else logging.WARNING, "%s: %s", exc.code,
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


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser that reads ``argv`` exactly as the whole one does, at the least cost:
    the named command's alone; for a line that names no command anywhere (help, the
    version, a mistyped word), the commands' names and summaries alone — all argparse
    can show or refuse there; else the whole parser."""
    only = command_of(argv)
    if only is not None:
        return build_parser(only=only)
    commands = _commands()
    if commands.keys() <= SUMMARIES.keys() and not commands.keys() & set(argv):
        return build_parser(summaries_only=True)
    return build_parser()


def build_parser(*, only: str | None = None,
                 summaries_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; ``only``: the same with that command alone;
    ``summaries_only``: every command named, with its summary but not its options."""
    parser = _Parser(
        prog="kiosk",
        description="Kiosk dịch vụ công tự phục vụ cho bộ phận một cửa cấp xã.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="thư mục dữ liệu (biến môi trường KIOSK_DATA_DIR)")
    parser.add_argument("--config", help="tệp cấu hình TOML (biến môi trường KIOSK_CONFIG)")
    parser.set_defaults(demo=False, windowed=False, quit_when_ready=False)
    sub = parser.add_subparsers(title="lệnh", metavar="LỆNH")
    commands = _commands()
    if summaries_only:
        for name in commands:
            sub.add_parser(name, help=SUMMARIES[name])
        return parser
    for add in [commands[only]] if only else dict.fromkeys(commands.values()):
        add(sub)
    return parser


class _Formatter(argparse.HelpFormatter):
    """argparse's own, told the terminal's width as ``shutil`` would find it: argparse
    imports ``shutil`` (and its compression modules) for that alone, on every parser."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """Every parser of the command line (subcommands' too: argparse makes them of this
    class) formats with ``_Formatter`` unless told otherwise."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


def _commands() -> dict[str, Callable[[Any], None]]:
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
    p = sub.add_parser("run", help=SUMMARIES["run"])
    p.add_argument("--demo", action="store_true",
                   help="chế độ trình diễn: cổng giả lập, camera giả, phiếu hẹn lưu thành PDF "
                        "(cấu hình trình diễn có sẵn, trừ khi chỉ định --config)")
    p.add_argument("--windowed", action="store_true", help="mở trong cửa sổ thay vì toàn màn hình")
    p.add_argument("--quit-when-ready", action="store_true",
                   help="đo khởi động: in số mili giây đến khi trang chủ hiện và khi mọi màn "
                        "hình sẵn sàng, rồi thoát (benchmarks/bench_start.py)")
    p.set_defaults(handler=_cmd_run)


def _add_catalog(sub: Any) -> None:
    p = sub.add_parser("catalog", help=SUMMARIES["catalog"])
    p.add_argument("--search", default="",
                   help="từ khoá (không cần dấu, không phân biệt hoa thường)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_catalog)


def _add_doctor(sub: Any) -> None:
    p = sub.add_parser("doctor", help=SUMMARIES["doctor"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_doctor)


def _add_queue(sub: Any) -> None:
    p = sub.add_parser("queue", help=SUMMARIES["queue"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=_cmd_queue)
    from kiosk.office_cli import add_queue_retry

    add_queue_retry(p)


def _add_sync(sub: Any) -> None:
    p = sub.add_parser("sync", help=SUMMARIES["sync"])
    p.add_argument("--once", action="store_true", help="gửi một lượt rồi thoát")
    p.add_argument("--demo", action="store_true",
                   help="gửi tới cổng giả lập của `kiosk portal-sim` (127.0.0.1:8765, tài khoản "
                        "trình diễn)")
    p.set_defaults(handler=_cmd_sync)


def _add_submit(sub: Any) -> None:
    p = sub.add_parser("submit", help=SUMMARIES["submit"])
    p.add_argument("file", help="tệp JSON mô tả hồ sơ")
    p.set_defaults(handler=_cmd_submit)


def _add_portal_sim(sub: Any) -> None:
    p = sub.add_parser("portal-sim", help=SUMMARIES["portal-sim"])
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765; 0: tự chọn)")
    p.add_argument("--step-seconds", type=float, default=30.0,
                   help="số giây giữa hai bước trạng thái hồ sơ (0: không tự chuyển)")
    p.set_defaults(handler=_cmd_portal_sim)


def _add_capture(sub: Any) -> None:
    p = sub.add_parser("decode", help=SUMMARIES["decode"])
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--backend", choices=["zxing", "zbar"], default="zxing",
                   help="bộ đọc mã (mặc định zxing)")
    p.set_defaults(handler=_cmd_decode)
    p = sub.add_parser("detect", help=SUMMARIES["detect"])
    p.add_argument("images", nargs="+", help="tệp ảnh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--warp", metavar="OUT_DIR", help="lưu trang đã làm phẳng vào thư mục này")
    p.set_defaults(handler=_cmd_detect)
    p = sub.add_parser("scan", help=SUMMARIES["scan"])
    p.add_argument("--device", help="tên thiết bị SANE (mặc định: máy đầu tiên)")
    p.add_argument("--out", required=True, help="tệp ảnh kết quả (.png)")
    p.set_defaults(handler=_cmd_scan)


def _add_receipt(sub: Any) -> None:
    p = sub.add_parser("receipt", help=SUMMARIES["receipt"])
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
    from kiosk.services import resolve_runtime

    # The settings are read before Qt loads: PySide6 reads the source of every module
    # imported after it (its __feature__ hook), so what Home needs that is not Qt's
    # (the settings, TOML, dataclasses, logging) costs less imported before it.
    runtime = resolve_runtime(args.data_dir, run_config(args.config, env, demo=args.demo), env)
    import logging  # noqa: F401  (the screens' modules use it: loaded here, before Qt)

    from kiosk.app import run_kiosk  # Qt is loaded only when the kiosk itself starts

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
    if args.json:  # the catalogue as it is: the settings' fees do not change it
        sys.stdout.write(catalogue_json(data_dir_of(args.data_dir, env), args.search))
        return EXIT_OK
    from kiosk.domain.fees import describe_fee
    from kiosk.services import active_catalogue, resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    overrides = runtime.config.fees
    found = active_catalogue(runtime).search(args.search)
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
    sys.stdout.write(_json_text(data))


def _json_text(data: object) -> str:
    import json

    # One write: json.dump would make thousands (a tenth of `kiosk catalog --json`'s time).
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# `kiosk catalog --json`'s inputs: the shipped catalogue (what kiosk.services reads) and
# the portal's updates in the data dir (kiosk.catalogue_updates.UPDATES_FILE); its cache.
SHIPPED_CATALOGUE = ("catalogue", "procedures.json")
CATALOGUE_UPDATES = "catalogue-updates.json"
CATALOGUE_CACHE = "catalogue-json.cache"


def data_dir_of(chosen: str | None, env: Mapping[str, str]) -> Path:
    """The data dir as ``kiosk.services.resolve_runtime`` finds it (--data-dir, then
    KIOSK_DATA_DIR, then the default), without reading the settings."""
    from kiosk.paths import default_data_dir

    given = chosen or env.get("KIOSK_DATA_DIR")
    if given:
        return Path(given)
    return default_data_dir(Path(env.get("HOME", str(Path.home()))))


def catalogue_json(data_dir: Path, search: str = "") -> str:
    """What ``kiosk catalog --json`` prints: the active catalogue (the shipped one with the
    portal's updates laid over it, as the kiosk shows it), or what ``search`` finds in it.

    The whole list is kept in the data dir, if there is one, under a key of its inputs
    (``kiosk.domain.catalogue_cache``): while they stay the same it is printed from
    there, without loading and checking the catalogue again."""
    if search.strip():
        return _checked_catalogue_json(data_dir, search)[0]
    from kiosk.domain.catalogue_cache import cached_text, input_key
    from kiosk.paths import resource

    sources = (resource(*SHIPPED_CATALOGUE), data_dir / CATALOGUE_UPDATES)
    code = Path(__file__).parent  # this module, the services and the domain that print it

    def key() -> str:
        return input_key(sources, (code, code / "domain"), __version__)

    return cached_text(data_dir / CATALOGUE_CACHE, key,
                       lambda: _checked_catalogue_json(data_dir, ""))


def _checked_catalogue_json(data_dir: Path, search: str) -> tuple[str, bool]:
    """The catalogue read and checked (a fault in the shipped file is a DataError), and
    whether the text may be kept: not while a damaged updates file is being left out
    (the kiosk logs it each time, as it should)."""
    from kiosk.catalogue_updates import CatalogueUpdates
    from kiosk.domain.catalogue_json import load_catalogue, procedure_to_dict
    from kiosk.paths import resource

    updates = CatalogueUpdates(data_dir)
    stored = updates.load()  # a damaged file is logged and left out: the shipped one stands
    catalogue = load_catalogue(resource(*SHIPPED_CATALOGUE))
    if stored:
        catalogue = catalogue.merged(stored)
    text = _json_text([procedure_to_dict(p) for p in catalogue.search(search)])
    return text, bool(stored) or not updates.path.exists()


if __name__ == "__main__":  # pragma: no cover - ``python -m kiosk.cli``
    sys.exit(main())
