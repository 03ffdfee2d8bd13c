"""Data kept only as long as needed: once the portal holds a dossier and its retention has
passed, its personal data leaves the disk (the raw database, its WAL and the attachments
folder), while Track and the receipt reprint still work on what is kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kiosk.config import Config
from kiosk.domain.codes import DossierCode, SequenceBlock
from kiosk.domain.states import DossierState
from kiosk.receipts.data import receipt_from_dossier
from kiosk.store.audit import AuditLog
from kiosk.store.db import Database, StoreError
from kiosk.store.files import FileStore
from kiosk.store.queue import DossierQueue, Sealing
from kiosk.store.records import AttachmentInput, StatusEvent
from kiosk.store.retention import Housekeeper, Retention

SEALED = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
SENT = SEALED + timedelta(minutes=5)
LATER = SENT + timedelta(days=8)  # past the 7 days of retention
OWNER = "sync@kiosk:1:test"

NAME = "Nguyễn Văn Khiêm"
PERSONAL_ID = "030090012345"
PHONE = "0912345678"
ADDRESS = "Số 17 ngõ Hoà Bình, thôn Đông Xá"
EMAIL = "khiem.nguyen@example.vn"
SECRETS = (NAME, PERSONAL_ID, PHONE, ADDRESS, EMAIL, "Lê Thị Hương")


@pytest.fixture
def queue(db: Database, tmp_path: Path) -> DossierQueue:
    return DossierQueue(db, FileStore(tmp_path / "files"))


@pytest.fixture
def retention(db: Database, queue: DossierQueue) -> Retention:
    return Retention(db, queue.files)


def build(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    return {
        "MaHoSo": str(code), "MaKiosk": "KIOSK-01", "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh", "NgayTiepNhan": "20261124093000",
        "NgayHenTra": "20261127170000",
        "ChuHoSo": {"HoTen": NAME, "SoDinhDanh": PERSONAL_ID, "NgaySinh": "01011990",
                    "GioiTinh": 1, "DiaChi": ADDRESS, "SoDienThoai": PHONE, "Email": EMAIL},
        "TrichYeuHoSo": f"Đăng ký khai sinh — {NAME}",
        # Long enough to spill onto overflow pages, the ones a delete frees.
        "DuLieuBieuMau": {"ho_ten_me": "Lê Thị Hương", "ghi_chu": (ADDRESS + "; ") * 300},
        "TaiLieuNop": list(documents), "HinhThucNhanKetQua": 2, "DiaChiNhanKetQua": ADDRESS,
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 8000, "HinhThucThanhToan": 1}],
        "CamKet": {"DongY": True, "ThoiDiem": "20261124092900"},
        "NguoiHoTro": "Trần Thị Mai (CB-01)",
    }


def scan(label: str) -> AttachmentInput:
    data = f"%PDF-1.4 CCCD {NAME} {PERSONAL_ID} {label}".encode()
    return AttachmentInput("CCCD", "Căn cước công dân", f"cccd-{PERSONAL_ID}.pdf",
                           "application/pdf", data, 1)


def seal(queue: DossierQueue, *files: AttachmentInput) -> str:
    sealing = Sealing("000.00.00.H23", SequenceBlock(1000, 1999), SEALED,
                      SEALED + timedelta(days=3), "1.001193")
    return queue.seal(sealing, list(files) or [scan("own")], build).code


def send(queue: DossierQueue, at: datetime = SENT) -> str:
    job = queue.claim_next(at, OWNER)
    assert job is not None
    queue.mark_sent(job, at, f"H23.{job.code}", 2)
    queue.apply_portal_status(job.code, 2, [StatusEvent(2, at, "Được tiếp nhận")], at)
    return job.code


def raw_bytes(db: Database, files: FileStore) -> bytes:
    """Everything on disk: the database file, its -wal and -shm, every attachment file."""
    paths = [db.path, *(db.path.with_name(db.path.name + s) for s in ("-wal", "-shm"))]
    if files.root.exists():
        paths += [p for p in files.root.rglob("*") if p.is_file()]
    return b"".join(p.read_bytes() for p in paths if p.exists())


def present(blob: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode() in blob]


def test_a_purged_dossier_leaves_no_personal_data_in_the_raw_files(
    db: Database, queue: DossierQueue, retention: Retention
) -> None:
    seal(queue)
    send(queue)
    assert present(raw_bytes(db, queue.files)) == list(SECRETS)  # the test can see them
    result = retention.purge(LATER, 7, "kiosk")
    assert (result.dossiers, result.files_erased) == (1, 1)
    assert present(raw_bytes(db, queue.files)) == []
    assert not db.path.with_name(db.path.name + "-wal").stat().st_size  # emptied


def test_a_checkpoint_a_reader_blocked_is_done_at_the_next_purge(
    db: Database, queue: DossierQueue
) -> None:
    seal(queue)
    send(queue)
    retention = Retention(db, queue.files, checkpoint_wait_ms=0)
    reader = Database(db.path)
    try:
        with reader.read() as session:  # a screen reading meanwhile holds its snapshot
            session.execute(text("SELECT count(*) FROM dossiers")).scalar_one()
            assert retention.purge(LATER, 7, "kiosk").dossiers == 1
        assert present(raw_bytes(db, queue.files)) != []  # the WAL still holds the old pages
    finally:
        reader.dispose()
    assert retention.purge(LATER, 7, "kiosk").dossiers == 0
    assert present(raw_bytes(db, queue.files)) == []


def test_track_and_the_reprint_still_work_on_a_purged_dossier(
    queue: DossierQueue, retention: Retention
) -> None:
    code = seal(queue)
    send(queue)
    retention.purge(LATER, 7, "kiosk")
    detail = queue.find(f"H23.{code}")  # the portal's code finds it too
    assert detail is not None and detail.dossier.purged_at == LATER
    assert detail.dossier.state is DossierState.SENT
    assert [e.status for e in detail.timeline] == [2]
    assert detail.attachments == ()
    assert detail.payload["TenTTHC"] == "Đăng ký khai sinh"
    receipt = receipt_from_dossier(detail, Config())
    assert (receipt.applicant_name, receipt.applicant_id_masked) == ("Nguyễn V. K.",
                                                                     "********2345")
    assert (receipt.code, receipt.procedure_name) == (code, "Đăng ký khai sinh")
    assert [d.name for d in receipt.documents] == ["Căn cước công dân"]
    assert receipt.fee_total == 8000 and receipt.assisted_by == "Trần Thị Mai (CB-01)"
    assert receipt.delivery is not None and ADDRESS not in receipt.delivery


def test_only_dossiers_the_portal_holds_past_their_retention_are_purged(
    queue: DossierQueue, retention: Retention
) -> None:
    recent = seal(queue, scan("recent"))
    send(queue, LATER - timedelta(days=6))  # sent 6 days before: still kept
    failed = seal(queue, scan("failed"))
    job = queue.claim_next(SENT, OWNER)
    assert job is not None
    queue.mark_failed(job, SENT, "rejected", "Cổng từ chối")
    sending = seal(queue, scan("sending"))
    assert queue.claim_next(SENT, OWNER) is not None
    pending = seal(queue, scan("pending"))
    assert retention.purge(LATER, 7, "kiosk").dossiers == 0
    for code in (recent, failed, sending, pending):
        detail = queue.find(code)
        assert detail is not None and detail.dossier.purged_at is None
        assert detail.payload["ChuHoSo"]["SoDinhDanh"] == PERSONAL_ID
        assert len(detail.attachments) == 1
        queue.files.read(detail.attachments[0].sha256)
    assert retention.purge(LATER, 6, "kiosk").codes == (recent,)


def test_purging_twice_changes_nothing_the_second_time(
    db: Database, queue: DossierQueue, retention: Retention
) -> None:
    seal(queue)
    send(queue)
    first = retention.purge(LATER, 7, "cli:root")
    kept = queue.find(first.codes[0])
    again = retention.purge(LATER + timedelta(days=1), 7, "cli:root")
    assert (again.dossiers, again.files_erased) == (0, 0)
    assert queue.find(first.codes[0]) == kept
    assert AuditLog(db).count() == 1


def test_each_purge_is_one_audit_row_and_the_chain_still_holds(
    db: Database, queue: DossierQueue, retention: Retention
) -> None:
    codes = [seal(queue, scan(str(n))) for n in range(2)]
    send(queue)
    send(queue)
    retention.purge(LATER, 7, "cli:root")
    log = AuditLog(db)
    entries = log.entries()
    assert sorted(e.target or "" for e in entries) == sorted(codes)
    assert {(e.actor, e.action) for e in entries} == {("cli:root", "dossier_purge")}
    assert all(e.detail == {"attachments": 1} for e in entries)
    assert log.verify() is None


def test_a_file_shared_with_a_dossier_not_yet_purged_stays(
    queue: DossierQueue, retention: Retention
) -> None:
    shared = scan("shared")
    first = seal(queue, shared, scan("first's own"))
    send(queue)
    second = seal(queue, shared)  # PENDING: the portal does not hold it yet
    result = retention.purge(LATER, 7, "kiosk")
    assert (result.codes, result.files_erased, result.files_kept) == ((first,), 1, 1)
    detail = queue.find(second)
    assert detail is not None
    assert queue.files.read(detail.attachments[0].sha256) == shared.data
    send(queue, LATER)
    later = retention.purge(LATER + timedelta(days=8), 7, "kiosk")
    assert (later.codes, later.files_erased) == ((second,), 1)
    assert not any(p.is_file() for p in queue.files.root.rglob("*"))


def test_a_database_error_mid_purge_rolls_the_dossier_back_whole(
    tmp_path: Path, db: Database, queue: DossierQueue, retention: Retention
) -> None:
    code = seal(queue)
    send(queue)
    with db.engine.begin() as c:
        c.execute(text("CREATE TRIGGER refuse BEFORE DELETE ON attachments "
                       "BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END"))
    with pytest.raises(DBAPIError, match="disk I/O error"):
        retention.purge(LATER, 7, "kiosk")
    detail = queue.find(code)
    assert detail is not None and detail.dossier.purged_at is None
    assert detail.payload["ChuHoSo"]["HoTen"] == NAME
    assert queue.files.read(detail.attachments[0].sha256).startswith(b"%PDF")
    assert AuditLog(db).count() == 0


def test_a_locked_database_is_a_typed_error(tmp_path: Path, queue: DossierQueue) -> None:
    seal(queue)
    send(queue)
    slow = Database(tmp_path / "k.sqlite3")
    holder = Database(tmp_path / "k.sqlite3")
    try:
        with holder.write() as session:  # another process holds the write lock
            session.execute(text("SELECT 1"))
            with pytest.raises(StoreError) as caught:
                _locked_purge(slow, queue.files)
        assert caught.value.code == "store_unwritable"
    finally:
        slow.dispose()
        holder.dispose()


def _locked_purge(db: Database, files: FileStore) -> None:
    raw = db.engine.raw_connection()  # the pooled connection, with no busy wait
    raw.cursor().execute("PRAGMA busy_timeout = 0")
    raw.close()
    Retention(db, files).purge(LATER, 7, "kiosk")


def test_the_days_of_retention_are_checked(retention: Retention) -> None:
    for days in (-1, 3651):
        with pytest.raises(StoreError) as caught:
            retention.purge(LATER, days, "kiosk")
        assert caught.value.code == "bad_retention"


def test_the_housekeeper_purges_with_the_configured_days_at_most_every_ten_minutes(
    queue: DossierQueue, retention: Retention
) -> None:
    code = seal(queue)
    send(queue)
    housekeeping = Housekeeper(retention, days=7)
    early = housekeeping(SENT + timedelta(days=6))
    assert early is not None and early.dossiers == 0  # ran: nothing due yet
    assert housekeeping(SENT + timedelta(days=6, minutes=9)) is None  # too soon to run again
    done = housekeeping(LATER)
    assert done is not None and done.codes == (code,)
    assert housekeeping(LATER + timedelta(minutes=5)) is None
