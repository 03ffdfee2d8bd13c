"""``kiosk purge [--older-than DAYS] [--json]``: Vietnamese lines or JSON, one exit code per
refusal, every purge audited with the command's actor."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kiosk.domain.codes import DossierCode, SequenceBlock
from kiosk.office_commands import Context, Streams
from kiosk.purge_command import EXIT_CODES, add_purge, purge
from kiosk.services import ATTACHMENTS_DIR, DATABASE_FILE
from kiosk.store.audit import AuditLog
from kiosk.store.backup import back_up, list_backups
from kiosk.store.db import Database
from kiosk.store.files import FileStore
from kiosk.store.migrate import head_revision, upgrade
from kiosk.store.queue import DossierQueue, Sealing
from kiosk.store.records import AttachmentInput
from kiosk.store.retention import Retention

SENT = datetime(2026, 11, 24, 2, 35, tzinfo=UTC)
NOW = SENT + timedelta(days=8)
PERSONAL_ID = "079201004321"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / DATABASE_FILE)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def queue(db: Database, tmp_path: Path) -> DossierQueue:
    return DossierQueue(db, FileStore(tmp_path / ATTACHMENTS_DIR))


def build(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    return {"MaHoSo": str(code), "TenTTHC": "Chứng thực bản sao",
            "ChuHoSo": {"HoTen": "Phạm Thị Lan", "SoDinhDanh": PERSONAL_ID},
            "TaiLieuNop": list(documents)}


def sealed_and_sent(queue: DossierQueue, sent_at: datetime = SENT) -> str:
    sealing = Sealing("000.00.00.H23", SequenceBlock(1000, 1999), sent_at, sent_at, "2.000815")
    data = f"%PDF-1.4 {PERSONAL_ID} {sent_at.isoformat()}".encode()
    code = queue.seal(sealing, [AttachmentInput("BS", "Bản sao", "ban-sao.pdf",
                                                "application/pdf", data, 1)], build).code
    job = queue.claim_next(sent_at, "sync@test")
    assert job is not None and job.code == code
    queue.mark_sent(job, sent_at, code, 2)
    return code


def run(retention: Retention, days: int, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    streams = Streams(io.BytesIO(), out, err, False)
    code = purge(retention, days, as_json, Context(NOW, "cli:kythuat"), streams)
    return code, out.getvalue(), err.getvalue()


def test_purge_says_in_vietnamese_what_it_erased_and_audits_it(
    db: Database, queue: DossierQueue
) -> None:
    code = sealed_and_sent(queue)
    status, out, err = run(Retention(db, queue.files), 7)
    assert (status, err) == (0, "")
    assert out.startswith("Đã xoá dữ liệu cá nhân của 1 hồ sơ đã gửi lên cổng dịch vụ công "
                          "quá 7 ngày")
    assert "Tệp đính kèm: 1 tệp đã xoá, 0 tệp còn giữ" in out
    assert f"  • {code}" in out
    (entry,) = AuditLog(db).entries()
    assert (entry.actor, entry.action, entry.target) == ("cli:kythuat", "dossier_purge", code)


def test_nothing_due_is_said_plainly_and_is_success(db: Database, queue: DossierQueue) -> None:
    sealed_and_sent(queue, NOW - timedelta(days=2))
    status, out, _ = run(Retention(db, queue.files), 7)
    assert status == 0
    assert out.strip() == ("Không có hồ sơ nào cần xoá dữ liệu: các hồ sơ đã gửi lên cổng đều "
                           "còn trong hạn lưu 7 ngày, hoặc đã được xoá từ trước.")


def test_json_gives_the_counts_and_the_codes(db: Database, queue: DossierQueue) -> None:
    old = sealed_and_sent(queue)
    sealed_and_sent(queue, NOW - timedelta(days=1))
    status, out, _ = run(Retention(db, queue.files), 7, as_json=True)
    assert status == 0
    assert json.loads(out) == {"older_than_days": 7, "dossiers": 1, "files_erased": 1,
                               "files_kept": 0, "orphans": 0, "backups_erased": 0,
                               "backups_stuck": 0, "codes": [old]}
    assert PERSONAL_ID not in out


def test_backups_past_the_retention_are_erased_said_and_counted_in_the_json(
    db: Database, queue: DossierQueue
) -> None:
    sealed_and_sent(queue, NOW - timedelta(days=1))  # nothing due among the dossiers
    old = back_up(db.path, head_revision(), NOW - timedelta(days=10))
    fresh = back_up(db.path, head_revision(), NOW - timedelta(days=1))
    status, out, _ = run(Retention(db, queue.files), 7)
    assert status == 0
    assert out.splitlines()[-1] == ("Đã xoá 1 bản sao lưu cơ sở dữ liệu đã quá 7 ngày (bản sao "
                                    "lưu trước khi cập nhật cũng chứa dữ liệu cá nhân của người "
                                    "dân).")
    assert list_backups(db.path) == [fresh] and not old.exists()
    status, out, _ = run(Retention(db, queue.files), 0, as_json=True)
    assert status == 0
    body = json.loads(out)
    assert (body["backups_erased"], body["backups_stuck"], body["dossiers"]) == (1, 0, 1)
    assert list_backups(db.path) == []


def test_days_out_of_range_and_an_unwritable_database_have_their_exit_codes(
    db: Database, queue: DossierQueue
) -> None:
    status, _, err = run(Retention(db, queue.files), -1)
    assert status == EXIT_CODES["bad_retention"]
    assert err.startswith("Lỗi: Số ngày lưu giữ phải là số nguyên")
    sealed_and_sent(queue)
    impatient, holder = Database(db.path), Database(db.path)
    try:
        raw = impatient.engine.raw_connection()  # its one pooled connection: no busy wait
        raw.cursor().execute("PRAGMA busy_timeout = 0")
        raw.close()
        with holder.write() as session:  # another process holds the write lock
            session.execute(text("SELECT 1"))
            status, out, err = run(Retention(impatient, queue.files), 7)
    finally:
        impatient.dispose()
        holder.dispose()
    assert (status, out) == (EXIT_CODES["store"], "")
    assert err.startswith("Lỗi: Không ghi được vào cơ sở dữ liệu hoặc thư mục tệp")
    assert run(Retention(db, queue.files), 7)[0] == 0  # run again: it goes on


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kiosk")
    add_purge(top.add_subparsers())
    return top


def test_older_than_is_checked_by_the_parser_and_defaults_to_the_config() -> None:
    assert parser().parse_args(["purge"]).older_than is None
    assert parser().parse_args(["purge", "--older-than", "0", "--json"]).older_than == 0
    for bad in ("-1", "3651", "bảy"):
        with pytest.raises(SystemExit):
            parser().parse_args(["purge", "--older-than", bad])


CHILD = """
import argparse, os, sys
from kiosk.purge_command import add_purge
top = argparse.ArgumentParser(prog="kiosk")
top.add_argument("--data-dir"); top.add_argument("--config")
add_purge(top.add_subparsers())
args = top.parse_args(sys.argv[1:])
sys.exit(args.handler(args, os.environ))
"""


def test_the_command_opens_the_data_dir_and_uses_the_configured_retention(
    tmp_path: Path, db: Database, queue: DossierQueue
) -> None:
    code = sealed_and_sent(queue, datetime.now(UTC) - timedelta(days=3))
    (tmp_path / "kiosk.toml").write_text("[retention]\ndays = 2\n", encoding="utf-8")
    env = dict(os.environ, LOGNAME="kythuat", HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--data-dir", str(tmp_path), "--config",
         str(tmp_path / "kiosk.toml"), "purge", "--json"],
        capture_output=True, text=True, check=False, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["codes"] == [code]
    assert json.loads(done.stdout)["older_than_days"] == 2
    assert AuditLog(db).entries()[0].actor == "cli:kythuat"
