"""The argparse half of the official's commands (``kiosk official``, ``kiosk audit``,
``kiosk queue retry``): options, --help texts, and handlers that open the store and
hand it to ``kiosk.office_commands``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from typing import Any


def add_queue_retry(queue_parser: argparse.ArgumentParser) -> None:
    actions = queue_parser.add_subparsers(title="việc", metavar="VIỆC")
    retry = actions.add_parser(
        "retry", help="gửi lại một hồ sơ bị cổng từ chối (FAILED → chờ gửi); ghi nhật ký",
        epilog=_exit_epilog("dossier_unknown", "dossier_not_failed"))
    retry.add_argument("code", help="mã hồ sơ (mã của kiosk hoặc mã cổng cấp)")
    retry.set_defaults(handler=_cmd_queue_retry)


def add_official(sub: Any) -> None:
    p = sub.add_parser("official", help="tài khoản cán bộ: thêm, liệt kê, khoá, mở, đổi mã PIN")
    actions = p.add_subparsers(title="việc", metavar="VIỆC", required=True)
    pin_help = ("đọc mã PIN từ đầu vào chuẩn (một dòng) thay vì hỏi hai lần trên terminal; "
                "mã PIN không bao giờ nhận qua tham số dòng lệnh")
    pin_codes = ("pin_format", "pin_taken", "no_terminal")
    a = actions.add_parser("add", help="thêm cán bộ (mã PIN hỏi riêng, không hiện ra)",
                           epilog=_exit_epilog(*pin_codes, "staff_exists", "staff_id_format"))
    a.add_argument("--staff-id", required=True, help="mã cán bộ, ví dụ CB-012")
    a.add_argument("--name", required=True, help="họ tên cán bộ, như in trên phiếu")
    a.add_argument("--role", default="can_bo", help="can_bo (cán bộ, mặc định) hoặc quan_tri")
    a.add_argument("--pin-stdin", action="store_true", help=pin_help)
    a.set_defaults(handler=_cmd_official_add)
    li = actions.add_parser("list", help="liệt kê cán bộ (không bao giờ in mã PIN)")
    li.add_argument("--json", action="store_true", help="in dạng JSON")
    li.set_defaults(handler=_cmd_official_list)
    for name, text in (("disable", "khoá tài khoản (không đăng nhập được nữa)"),
                       ("enable", "mở lại tài khoản đã khoá")):
        d = actions.add_parser(name, help=text, epilog=_exit_epilog("staff_unknown"))
        d.add_argument("staff_id", metavar="MÃ_CÁN_BỘ", help="mã cán bộ")
        d.set_defaults(handler=_cmd_official_switch, disable=name == "disable")
    sp = actions.add_parser("set-pin", help="đổi mã PIN của một cán bộ",
                            epilog=_exit_epilog(*pin_codes, "staff_unknown"))
    sp.add_argument("staff_id", metavar="MÃ_CÁN_BỘ", help="mã cán bộ")
    sp.add_argument("--pin-stdin", action="store_true", help=pin_help)
    sp.set_defaults(handler=_cmd_official_set_pin)


def add_audit(sub: Any) -> None:
    p = sub.add_parser("audit", help="nhật ký thao tác của cán bộ, mới nhất trước (chỉ đọc)",
                       epilog=_exit_epilog("audit_broken"))
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--limit", type=_positive_int, default=200,
                   help="số dòng tối đa (mặc định 200)")
    p.add_argument("--verify", action="store_true",
                   help="kiểm tra chuỗi mã băm; nếu bị sửa, báo dòng đầu tiên hỏng")
    p.set_defaults(handler=_cmd_audit)


def _exit_epilog(*codes: str) -> str:
    from kiosk.office_commands import EXIT_CODES  # `kiosk --help` and `kiosk run`: not loaded

    return "mã thoát: " + ", ".join(f"{EXIT_CODES[c]} ({c})" for c in codes)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số: {text!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("phải từ 1 đến 1.000.000")
    return value


def _office_call(args: argparse.Namespace, env: Mapping[str, str],
                 command: Callable[..., int]) -> int:
    """Open the database and the office store, run ``command(office, queue, ctx, streams)``
    and turn its refusals into Vietnamese lines and exit codes."""
    from kiosk.domain.dates import utc_now
    from kiosk.logsetup import configure_logging
    from kiosk.office_commands import Context, Streams, cli_actor, run_refusable
    from kiosk.services import build_queue, open_database, resolve_runtime
    from kiosk.store.office import open_office

    runtime = resolve_runtime(args.data_dir, args.config, env)
    configure_logging(runtime.data_dir, "cli")
    streams = Streams(sys.stdin.buffer, sys.stdout, sys.stderr, sys.stdin.isatty())
    ctx = Context(utc_now(), cli_actor(env))
    db = open_database(runtime)
    try:
        office, queue = open_office(db), build_queue(runtime, db)
        return run_refusable(streams, lambda: command(office, queue, ctx, streams))
    finally:
        db.dispose()


def _cmd_official_add(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import official_add

    return _office_call(args, env, lambda office, _q, ctx, streams: official_add(
        office.officials, args.staff_id, args.name, args.role, args.pin_stdin, ctx, streams))


def _cmd_official_list(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import official_list

    return _office_call(args, env, lambda office, _q, _ctx, streams: official_list(
        office.officials, args.json, streams.out))


def _cmd_official_switch(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import official_switch

    return _office_call(args, env, lambda office, _q, ctx, streams: official_switch(
        office.officials, args.staff_id, args.disable, ctx, streams))


def _cmd_official_set_pin(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import official_set_pin

    return _office_call(args, env, lambda office, _q, ctx, streams: official_set_pin(
        office.officials, args.staff_id, args.pin_stdin, ctx, streams))


def _cmd_audit(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import audit_list, audit_verify

    if args.verify:
        return _office_call(args, env, lambda office, _q, _ctx, streams: audit_verify(
            office.audit, args.json, streams))
    return _office_call(args, env, lambda office, _q, _ctx, streams: audit_list(
        office.audit, office.officials, args.limit, args.json, streams.out))


def _cmd_queue_retry(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.office_commands import queue_retry

    return _office_call(args, env, lambda _o, queue, ctx, streams: queue_retry(
        queue, args.code, ctx, streams))
