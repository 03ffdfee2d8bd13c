"""What the small ``kiosk`` commands do (each added to the parser by
``kiosk.cli_commands``): run, doctor, queue, sync, submit, portal-sim, decode,
detect, scan, receipt (catalog's is in ``kiosk.cli_catalogue``).

Loaded only once a command is named (``kiosk --help`` reads none of it); each
handler imports what its command needs inside itself, so one command costs no other's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from kiosk.cli import EXIT_FAILED, EXIT_OK
from kiosk.cli_catalogue import json_text

TYPE_CHECKING = False  # typing itself costs every command: mypy and ruff read the name
if TYPE_CHECKING:
    from typing import Any


def _no_demo() -> int | None:
    from kiosk.appliance import demo_missing  # an appliance has no kiosk/demo: say so

    return demo_missing()


def cmd_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
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


def cmd_doctor(args: argparse.Namespace, env: Mapping[str, str]) -> int:
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


def cmd_queue(args: argparse.Namespace, env: Mapping[str, str]) -> int:
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


def cmd_sync(args: argparse.Namespace, env: Mapping[str, str]) -> int:
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


def cmd_submit(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    from kiosk.draft_file import submit_command
    from kiosk.logsetup import configure_logging
    from kiosk.services import resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    configure_logging(runtime.data_dir, "submit")
    return submit_command(runtime, Path(args.file), datetime.now(UTC), sys.stdout, sys.stderr)


def cmd_portal_sim(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    if (code := _no_demo()) is not None:
        return code
    from kiosk.demo.simulator import run_simulator_cli
    from kiosk.services import resolve_runtime

    runtime = resolve_runtime(args.data_dir, args.config, env)
    return run_simulator_cli(args.host, args.port, runtime.data_dir, args.step_seconds)


def cmd_decode(args: argparse.Namespace, _env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import decode_command

    return decode_command([Path(i) for i in args.images], args.json, args.backend, sys.stdout)


def cmd_detect(args: argparse.Namespace, _env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import detect_command

    warp = Path(args.warp) if args.warp else None
    return detect_command([Path(i) for i in args.images], args.json, warp, sys.stdout)


def cmd_scan(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from pathlib import Path

    from kiosk.scanner.commands import scan_command

    return scan_command(args.device, Path(args.out), env, sys.stdout)


def cmd_receipt(args: argparse.Namespace, env: Mapping[str, str]) -> int:
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
    sys.stdout.write(json_text(data))
