"""``kiosk db-restore BACKUP [--force]``: roll the database back to a backup.

The way back from an update (README «Cập nhật và quay lại phiên bản cũ»): stop the
kiosk and the sync worker, install the old version, then restore the backup the
update made (``<data dir>/backups/kiosk-<revision>-<time>.sqlite3``), within
``[retention] days`` of it: older backups are erased with the residents' data they hold
(``kiosk.store.backup.expire``), and asking for one says so.  The checks and
the replacing are ``kiosk.store.restore``'s; this module says what happened.

Exit codes: 0 restored, 5 refused or failed (the message says why; nothing replaced).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_STORE = 5

MESSAGES: Mapping[str, str] = {
    "help": "khôi phục cơ sở dữ liệu từ một bản sao lưu (quay lại phiên bản cũ); kiosk phải dừng",
    "backup": "tệp sao lưu, thường trong <thư mục dữ liệu>/backups/",
    "force": "khôi phục cả khi cơ sở dữ liệu hiện tại có hồ sơ không có trong bản sao lưu",
    "done": "Đã khôi phục cơ sở dữ liệu từ {backup} (phiên bản lược đồ {rev}).",
    "kept": "Cơ sở dữ liệu trước khi khôi phục được giữ nguyên ở {path}.",
    "lost": "{count} hồ sơ nộp sau lần sao lưu không còn trong hàng đợi: {codes}.",
    "missing": ("{count} tệp đính kèm mà bản sao lưu nhắc đến không còn trên máy (đã được xoá "
                "theo hạn lưu giữ sau khi cổng nhận hồ sơ)."),
}


def add_restore(sub: Any) -> None:
    p = sub.add_parser("db-restore", help=MESSAGES["help"])
    p.add_argument("backup", type=Path, help=MESSAGES["backup"])
    p.add_argument("--force", action="store_true", help=MESSAGES["force"])
    p.set_defaults(handler=_cmd_restore)


def _cmd_restore(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from datetime import UTC, datetime

    from kiosk.services import ATTACHMENTS_DIR, DATABASE_FILE, resolve_runtime
    from kiosk.store.migrate import is_known
    from kiosk.store.restore import restore

    runtime = resolve_runtime(args.data_dir, args.config, env)
    data_dir = runtime.data_dir
    # the configured retention: a backup it erased is told as such, not as a wrong path
    result = restore(args.backup, data_dir / DATABASE_FILE, data_dir / ATTACHMENTS_DIR,
                     datetime.now(UTC), known=is_known, force=args.force,
                     retention_days=runtime.config.retention.days)
    print(MESSAGES["done"].format(backup=args.backup, rev=result.backup.revision))
    if result.replaced is not None:
        print(MESSAGES["kept"].format(path=result.replaced))
    if result.lost_codes:
        print(MESSAGES["lost"].format(count=len(result.lost_codes),
                                      codes=", ".join(result.lost_codes)))
    if result.missing_files:
        print(MESSAGES["missing"].format(count=result.missing_files))
    return EXIT_OK
