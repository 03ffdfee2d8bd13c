"""Sealing is all or nothing: a fault at any step leaves no file, no row and no gap in the
code sequence; a file another dossier committed is never erased."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kiosk.domain.codes import DossierCode, SequenceBlock
from kiosk.domain.draft import Helper
from kiosk.store.db import Database, StoreError
from kiosk.store.files import FileStore
from kiosk.store.queue import DossierQueue, Sealing
from kiosk.store.records import AttachmentInput
from kiosk.store.retention import Retention
from tests.support.kiosk import birth_draft, open_kiosk

NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def sealing(procedure: str = "1.001193") -> Sealing:
    return Sealing("000.00.00.H23", SequenceBlock(1000, 1999), NOW, NOW + timedelta(days=3),
                   procedure)


def doc(data: bytes, name: str = "giay-to.pdf") -> AttachmentInput:
    return AttachmentInput("GT", "Giấy tờ", name, "application/pdf", data, 1)


def build(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    return {"MaHoSo": str(code), "ChuHoSo": {"HoTen": "Trần Văn Bình"},
            "TaiLieuNop": list(documents)}


def on_disk(files: FileStore) -> list[str]:
    if not files.root.exists():
        return []
    return sorted(str(p.relative_to(files.root)) for p in files.root.rglob("*") if p.is_file())


def rows(db: Database) -> tuple[int, int, int]:
    with db.engine.connect() as c:
        return tuple(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # type: ignore[return-value]
                     for t in ("dossiers", "attachments", "code_counters"))


def assert_nothing_left(db: Database, files: FileStore) -> None:
    assert on_disk(files) == []
    assert rows(db) == (0, 0, 0)


def assert_no_gap(queue: DossierQueue) -> None:
    """The next seal takes the first number: the failed one gave its number back."""
    assert queue.seal(sealing(), [doc(b"%PDF-1.4 next")], build).code.endswith("-1000")


def two_docs_in_two_folders() -> tuple[bytes, bytes]:
    first = b"%PDF-1.4 first"
    n = 0
    while True:
        second = b"%%PDF-1.4 second %d" % n
        if hashlib.sha256(second).hexdigest()[:2] != hashlib.sha256(first).hexdigest()[:2]:
            return first, second
        n += 1


def test_a_failing_payload_builder_writes_no_file_and_no_row(db: Database, files: FileStore
                                                             ) -> None:
    queue = DossierQueue(db, files)
    seen: list[list[str]] = []

    def broken(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
        seen.append(on_disk(files))  # the builder runs before any file is written
        raise RuntimeError("builder bug")

    with pytest.raises(RuntimeError):
        queue.seal(sealing(), [doc(b"%PDF-1.4 a"), doc(b"%PDF-1.4 b")], broken)
    assert seen == [[]]
    assert_nothing_left(db, files)
    assert_no_gap(queue)


def test_a_lone_surrogate_in_the_payload_is_a_typed_refusal_with_nothing_written(
    db: Database, files: FileStore
) -> None:
    queue = DossierQueue(db, files)

    def hostile(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
        return {**build(code, documents), "NguoiHoTro": "Cán bộ \udcff (CB-01)"}

    with pytest.raises(StoreError) as caught:
        queue.seal(sealing(), [doc(b"%PDF-1.4 a")], hostile)
    assert caught.value.code == "payload_invalid"
    assert "chưa được lưu" in caught.value.message
    assert_nothing_left(db, files)
    assert_no_gap(queue)


def test_a_database_error_on_insert_writes_no_file(db: Database, files: FileStore) -> None:
    with db.engine.begin() as c:
        c.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON attachments "
                       "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    queue = DossierQueue(db, files)
    with pytest.raises(DBAPIError, match="disk says no"):
        queue.seal(sealing(), [doc(b"%PDF-1.4 a")], build)
    assert_nothing_left(db, files)
    with db.engine.begin() as c:
        c.execute(text("DROP TRIGGER refuse"))
    assert_no_gap(queue)


def test_a_folder_that_cannot_be_written_mid_way_erases_the_files_already_written(
    db: Database, files: FileStore
) -> None:
    first, second = two_docs_in_two_folders()
    files.root.mkdir(parents=True)
    # A plain file where the second document's folder should be: mkdir fails for real.
    (files.root / hashlib.sha256(second).hexdigest()[:2]).write_bytes(b"in the way")
    queue = DossierQueue(db, files)
    with pytest.raises(StoreError) as caught:
        queue.seal(sealing(), [doc(first), doc(second)], build)
    assert caught.value.code == "io"
    assert on_disk(files) == [hashlib.sha256(second).hexdigest()[:2]]  # only the obstacle
    assert rows(db) == (0, 0, 0)
    (files.root / hashlib.sha256(second).hexdigest()[:2]).unlink()
    assert_no_gap(queue)


class FolderLostAfterFirstFile(FileStore):
    """The attachments folder is swapped for a file after the first write (a USB disk
    unplugged, a mount gone read-only): every later write fails for real."""

    def put_new(self, data: bytes) -> tuple[Any, bool]:
        result = super().put_new(data)
        for shard in list(self.root.iterdir()):
            if shard.is_dir() and not any(shard.iterdir()):
                shard.rmdir()
        blocked = self.root.with_name("lost")
        if not blocked.exists():
            self.root.rename(blocked)
            self.root.write_bytes(b"")  # now the folder is a file
        return result


def test_files_written_before_the_folder_went_away_are_erased_when_it_comes_back(
    tmp_path: Path, db: Database
) -> None:
    first, second = two_docs_in_two_folders()
    files = FolderLostAfterFirstFile(tmp_path / "files")
    queue = DossierQueue(db, files)
    with pytest.raises(StoreError) as caught:
        queue.seal(sealing(), [doc(first), doc(second)], build)
    assert caught.value.code == "data_dir_unusable"  # the folder is a file now
    assert rows(db) == (0, 0, 0)
    # The first file went away with the folder; once it is back, the sweep clears it.
    files.root.unlink()
    (tmp_path / "lost").rename(files.root)
    assert Retention(db, FileStore(files.root)).sweep_orphans() == 1
    assert on_disk(files) == []


def fail_at_commit(db: Database, procedure: str = "FAIL-COMMIT") -> None:
    """A deferred foreign key broken by a trigger: every step succeeds, COMMIT fails."""
    with db.engine.begin() as c:
        c.execute(text("CREATE TABLE fault_probe (id INTEGER PRIMARY KEY, ref INTEGER "
                       "REFERENCES dossiers(id) DEFERRABLE INITIALLY DEFERRED)"))
        c.execute(text(f"CREATE TRIGGER fault_commit AFTER INSERT ON dossiers "
                       f"WHEN NEW.procedure_code = '{procedure}' "
                       f"BEGIN INSERT INTO fault_probe(ref) VALUES (-1); END"))


def test_a_failed_commit_erases_the_files_it_wrote_and_gives_the_code_back(
    db: Database, files: FileStore
) -> None:
    fail_at_commit(db)
    queue = DossierQueue(db, files)
    with pytest.raises(DBAPIError, match="FOREIGN KEY"):
        queue.seal(sealing("FAIL-COMMIT"), [doc(b"%PDF-1.4 a"), doc(b"%PDF-1.4 b")], build)
    assert_nothing_left(db, files)
    assert_no_gap(queue)


def test_a_failed_seal_never_erases_a_file_a_committed_dossier_shares(
    db: Database, files: FileStore
) -> None:
    fail_at_commit(db)
    queue = DossierQueue(db, files)
    shared = b"%PDF-1.4 the same CCCD scan"
    kept = queue.seal(sealing(), [doc(shared)], build)
    with pytest.raises(DBAPIError):
        queue.seal(sealing("FAIL-COMMIT"), [doc(shared), doc(b"%PDF-1.4 own")], build)
    assert on_disk(files) == [_rel(shared)]
    assert files.read(hashlib.sha256(shared).hexdigest()) == shared
    assert rows(db) == (1, 1, 1)
    assert queue.find(kept.code) is not None


class OtherProcessSealsMeanwhile(DossierQueue):
    """Between the failed commit and the clean-up, another kiosk process (its own engine,
    its own connections) seals the same bytes and commits."""

    def __init__(self, db: Database, files: FileStore, other: DossierQueue, data: bytes) -> None:
        super().__init__(db, files)
        self._other, self._data = other, data
        self.other_code: str | None = None

    def _discard(self, created: Sequence[str]) -> None:
        self.other_code = self._other.seal(sealing(), [doc(self._data)], build).code
        super()._discard(created)


def test_a_file_another_process_committed_after_the_failure_survives_the_clean_up(
    tmp_path: Path, db: Database, files: FileStore
) -> None:
    fail_at_commit(db)
    other_db = Database(db.path)
    try:
        data = b"%PDF-1.4 scanned twice"
        queue = OtherProcessSealsMeanwhile(db, files, DossierQueue(other_db, files), data)
        with pytest.raises(DBAPIError):
            queue.seal(sealing("FAIL-COMMIT"), [doc(data)], build)
        assert queue.other_code is not None and queue.other_code.endswith("-1000")
        assert files.read(hashlib.sha256(data).hexdigest()) == data
        assert rows(db) == (1, 1, 1)
    finally:
        other_db.dispose()


def test_the_sweep_keeps_named_files_and_clears_orphans_and_interrupted_writes(
    db: Database, files: FileStore
) -> None:
    queue = DossierQueue(db, files)
    named = b"%PDF-1.4 sealed"
    queue.seal(sealing(), [doc(named)], build)
    orphan = files.put(b"%PDF-1.4 left by a crash")
    (orphan.path.parent / ".tmp-abc123").write_bytes(b"half a file")
    assert Retention(db, files).sweep_orphans() == 2
    assert on_disk(files) == [_rel(named)]


def _rel(data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    return f"{sha[:2]}/{sha}"


def test_the_reported_case_a_lone_surrogate_in_assisted_by_seals_nothing(tmp_path: Path
                                                                         ) -> None:
    """The issue's reproduction, through the real Submitter: the tờ khai is rendered and
    the documents are ready, the payload cannot be encoded; nothing reaches the disk."""
    kiosk = open_kiosk(tmp_path)
    try:
        draft = replace(birth_draft(kiosk.catalogue, kiosk.clock()),
                        assisted_by=Helper("Cán bộ \udcff", "CB-01"))
        with pytest.raises(StoreError) as caught:
            kiosk.submitter.seal(draft)
        assert caught.value.code == "payload_invalid"
        assert on_disk(kiosk.queue.files) == []
        assert rows(kiosk.db) == (0, 0, 0)
        sealed = kiosk.submitter.seal(birth_draft(kiosk.catalogue, kiosk.clock()))
        assert sealed.code.endswith("-" + str(kiosk.runtime.config.kiosk.sequence_start))
    finally:
        kiosk.close()
