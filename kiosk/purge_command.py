"""``kiosk purge [--older-than DAYS] [--json]``: erase the personal data the kiosk no
longer needs (PDPL 91/2025/QH15, Decree 13/2023/NĐ-CP).

Every dossier the portal holds (state SENT) and sent at least DAYS days ago
(``[retention] days`` of the config, 7 by default) keeps only its code, procedure,
dates, documents' names and pages, fees and the applicant's masked name and ID; its
attachment files are overwritten and deleted; the database backups made before updates
(``<data dir>/backups``) DAYS days old or more are deleted too, as each holds every
resident's data of its day.  Dossiers not yet held by the portal are never touched;
running it twice changes nothing the second time.  Each dossier purged is one line of
the audit log (actor ``cli:<unix user>``), written in the same transaction as the
erase.  The sync worker does the same by itself (``kiosk.store.retention.Housekeeper``).

Exit codes: 0 done (also when nothing was due), 20 the number of days is out of range,
21 the database or the attachments folder could not be written (nothing half-erased:
the transaction rolled back; run it again), 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # the store (SQLAlchemy) is loaded by the command that opens it
    from kiosk.office_commands import Context, Streams
    from kiosk.store.retention import PurgeResult, Retention

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_CODES: Mapping[str, int] = {"bad_retention": 20, "store": 21}
MAX_DAYS = 3650

MESSAGES: Mapping[str, str] = {
    "help": ("xoá dữ liệu cá nhân và tệp đính kèm của hồ sơ cổng dịch vụ công đã nhận "
             "quá số ngày lưu giữ; ghi nhật ký"),
    "older_than": ("số ngày lưu giữ sau khi gửi, cũng là tuổi tối đa của bản sao lưu cơ sở dữ "
                   "liệu (mặc định: [retention] days trong cấu hình, 7)"),
    "json": "in dạng JSON",
    "bad_days": "phải là số nguyên từ 0 đến {max}",
    "nothing": ("Không có hồ sơ nào cần xoá dữ liệu: các hồ sơ đã gửi lên cổng đều còn trong "
                "hạn lưu {days} ngày, hoặc đã được xoá từ trước."),
    "done": ("Đã xoá dữ liệu cá nhân của {count} hồ sơ đã gửi lên cổng dịch vụ công quá "
             "{days} ngày (chỉ còn mã hồ sơ, thủ tục, ngày tháng, trạng thái, họ tên và số "
             "định danh đã che)."),
    "files": ("Tệp đính kèm: {erased} tệp đã xoá, {kept} tệp còn giữ vì hồ sơ khác chưa hết "
              "hạn cũng dùng."),
    "orphans": "Đã dọn {count} tệp thừa không thuộc hồ sơ nào (còn lại sau một lần mất điện).",
    "backups": ("Đã xoá {count} bản sao lưu cơ sở dữ liệu đã quá {days} ngày (bản sao lưu "
                "trước khi cập nhật cũng chứa dữ liệu cá nhân của người dân)."),
    "backups_stuck": ("Không xoá được {count} bản sao lưu đã quá hạn lưu giữ trong thư mục "
                      "backups (thư mục chỉ cho đọc?); kiosk sẽ thử lại ở lần dọn sau."),
    "code_line": "  • {code}",
    "store": "Không ghi được vào cơ sở dữ liệu hoặc thư mục tệp: {reason} Chưa xoá gì; "
             "xin chạy lại lệnh.",
}


def purge(retention: Retention, older_than_days: int, as_json: bool, ctx: Context,
          streams: Streams) -> int:
    """Run the purge once and say what it did; an exit code from EXIT_CODES."""
    from kiosk.domain.errors import DomainError

    try:
        result = retention.purge(ctx.now, older_than_days, ctx.actor)
    except DomainError as exc:  # the store's typed errors: bad days, a disk or lock fault
        log.warning("purge refused: %s", exc.code)
        if exc.code == "bad_retention":
            return _refuse(streams.err, "bad_retention", exc.message)
        return _refuse(streams.err, "store", MESSAGES["store"].format(reason=exc.message))
    log.info("purge by %s: %d dossier(s), %d file(s) erased, %d backup(s) erased, %d backup(s) "
             "could not be erased", ctx.actor, result.dossiers, result.files_erased,
             result.backups_erased, result.backups_stuck)
    if as_json:
        body: dict[str, Any] = {"older_than_days": older_than_days, **result.as_dict()}
        streams.out.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    else:
        print(describe(result, older_than_days), file=streams.out)
    return EXIT_OK


def describe(result: PurgeResult, days: int) -> str:
    """The Vietnamese lines an official reads after a purge."""
    if not result.dossiers:
        lines = [MESSAGES["nothing"].format(days=days)]
    else:
        lines = [MESSAGES["done"].format(count=result.dossiers, days=days),
                 MESSAGES["files"].format(erased=result.files_erased, kept=result.files_kept)]
        lines += [MESSAGES["code_line"].format(code=c) for c in result.codes]
    if result.orphans:
        lines.append(MESSAGES["orphans"].format(count=result.orphans))
    if result.backups_erased:
        lines.append(MESSAGES["backups"].format(count=result.backups_erased, days=days))
    if result.backups_stuck:
        lines.append(MESSAGES["backups_stuck"].format(count=result.backups_stuck))
    return "\n".join(lines)


def _refuse(err: TextIO, code: str, message: str) -> int:
    print(f"Lỗi: {message}", file=err)
    return EXIT_CODES[code]


# ---------------------------------------------------------------- argparse

def add_purge(sub: Any) -> None:
    """``kiosk purge``: registered by ``kiosk.cli.build_parser``."""
    epilog = ("mã thoát: 0 (xong), " + ", ".join(f"{v} ({k})" for k, v in EXIT_CODES.items())
              + f", {EXIT_OTHER} (lỗi khác)")
    p = sub.add_parser("purge", help=MESSAGES["help"], epilog=epilog)
    p.add_argument("--older-than", type=_days, default=None, metavar="SỐ_NGÀY",
                   help=MESSAGES["older_than"])
    p.add_argument("--json", action="store_true", help=MESSAGES["json"])
    p.set_defaults(handler=_cmd_purge)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(MESSAGES["bad_days"].format(max=MAX_DAYS)) from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(MESSAGES["bad_days"].format(max=MAX_DAYS))
    return value


def _cmd_purge(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from kiosk.domain.dates import utc_now
    from kiosk.logsetup import configure_logging
    from kiosk.office_commands import Context, Streams, cli_actor
    from kiosk.services import build_queue, open_database, resolve_runtime
    from kiosk.store.retention import Retention

    runtime = resolve_runtime(args.data_dir, args.config, env)
    configure_logging(runtime.data_dir, "cli")
    streams = Streams(sys.stdin.buffer, sys.stdout, sys.stderr, sys.stdin.isatty())
    days = args.older_than if args.older_than is not None else runtime.config.retention.days
    db = open_database(runtime)
    try:
        retention = Retention(db, build_queue(runtime, db).files)
        return purge(retention, days, args.json, Context(utc_now(), cli_actor(env)), streams)
    finally:
        db.dispose()
