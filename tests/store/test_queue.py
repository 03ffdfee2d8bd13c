"""The dossier queue: sealing is atomic, every state change is guarded, nothing is lost."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.codes import DossierCode, SequenceBlock
from kiosk.domain.errors import DomainError
from kiosk.domain.states import DossierState, IllegalTransition
from kiosk.store.db import Database
from kiosk.store.files import FileStore
from kiosk.store.migrate import upgrade
from kiosk.store.queue import DossierQueue, LostRace, Sealing
from kiosk.store.records import AttachmentInput, StatusEvent

NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
PDF = b"%PDF-1.4\n% test document\n%%EOF\n"
OWNER = "sync@kiosk:100:aaaa"


@pytest.fixture
def queue(tmp_path: Path) -> DossierQueue:
    db = Database(tmp_path / "k.sqlite3")
    upgrade(db)
    yield DossierQueue(db, FileStore(tmp_path / "files"))
    db.dispose()


def sealing(at: datetime = NOW, draft_key: str | None = None) -> Sealing:
    return Sealing(agency="000.00.00.H23", block=SequenceBlock(1000, 1999), received_at=at,
                   due_at=at + timedelta(days=3), procedure_code="1.001193",
                   draft_key=draft_key)


def attachment(data: bytes = PDF) -> AttachmentInput:
    return AttachmentInput("TK", "Tờ khai", "to-khai.pdf", "application/pdf", data, 1)


def build(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
    return {"MaHoSo": str(code), "ChuHoSo": {"HoTen": "Nguyễn Thị Ánh"},
            "TaiLieuNop": list(documents)}


def seal_one(queue: DossierQueue, at: datetime = NOW) -> str:
    return queue.seal(sealing(at), [attachment()], build).code


def test_sealing_queues_a_pending_dossier_with_its_code_and_files(queue: DossierQueue) -> None:
    code = seal_one(queue)
    detail = queue.find(code)
    assert detail is not None
    assert code == "000.00.00.H23-261124-1000"
    assert detail.dossier.state is DossierState.PENDING
    assert detail.payload["MaHoSo"] == code
    assert detail.payload["ChuHoSo"]["HoTen"] == "Nguyễn Thị Ánh"
    sha = hashlib.sha256(PDF).hexdigest()
    assert detail.payload["TaiLieuNop"][0]["HashTepTin"] == sha
    assert queue.files.read(sha) == PDF
    assert detail.attachments[0].sha256 == sha


def test_the_code_carries_the_vietnam_date_not_the_utc_date(queue: DossierQueue) -> None:
    late_evening_utc = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 01:30 on the 25th in Vietnam
    assert seal_one(queue, late_evening_utc) == "000.00.00.H23-261125-1000"


def test_the_frozen_payload_hashes_to_its_stored_hash(queue: DossierQueue) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    assert job is not None and job.code == code
    assert hashlib.sha256(job.payload).hexdigest() == queue.find(code).dossier.payload_sha256
    assert json.loads(job.payload)["MaHoSo"] == code


def test_a_failure_while_sealing_leaves_no_row_and_burns_no_code(queue: DossierQueue) -> None:
    def broken(code: DossierCode, documents: Sequence[Mapping[str, object]]) -> dict[str, Any]:
        raise RuntimeError("power cut half-way")

    with pytest.raises(RuntimeError):
        queue.seal(sealing(), [attachment()], broken)
    assert queue.recent() == []
    assert seal_one(queue).endswith("-1000")


def test_claim_moves_the_oldest_due_dossier_to_sending(queue: DossierQueue) -> None:
    first = seal_one(queue)
    seal_one(queue, NOW + timedelta(minutes=1))
    job = queue.claim_next(NOW + timedelta(minutes=5), OWNER)
    assert job is not None and job.code == first
    assert queue.find(first).dossier.state is DossierState.SENDING


def test_nothing_is_claimed_before_its_time(queue: DossierQueue) -> None:
    seal_one(queue)
    assert queue.claim_next(NOW - timedelta(seconds=1), OWNER) is None


def test_a_retry_goes_back_to_pending_with_the_reason_and_the_next_time(
    queue: DossierQueue,
) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    later = NOW + timedelta(seconds=40)
    queue.mark_retry(job, NOW, later, "http_503", "Cổng đang bảo trì")
    dossier = queue.find(code).dossier
    assert (dossier.state, dossier.attempts, dossier.next_attempt_at) == (
        DossierState.PENDING, 1, later)
    assert dossier.last_error_message == "Cổng đang bảo trì"
    assert queue.claim_next(NOW + timedelta(seconds=39), OWNER) is None
    assert queue.claim_next(later, OWNER) is not None


def test_one_failing_dossier_does_not_block_the_next(queue: DossierQueue) -> None:
    bad, good = seal_one(queue), seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_retry(job, NOW, NOW + timedelta(minutes=10), "timeout", "Hết giờ")
    assert queue.claim_next(NOW, OWNER).code == good
    assert job.code == bad


def test_sent_records_the_official_code_and_lookups_work_by_either(queue: DossierQueue) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_sent(job, NOW, "000.00.00.H23-261124-9001", 1)
    by_official = queue.find("000.00.00.h23-261124-9001 ")
    assert by_official is not None and by_official.dossier.code == code
    assert by_official.dossier.state is DossierState.SENT
    assert by_official.dossier.sent_at == NOW


def test_a_permanent_failure_keeps_the_dossier_and_its_reason(queue: DossierQueue) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_failed(job, NOW, "invalid", "Thiếu địa chỉ nhận kết quả")
    dossier = queue.find(code).dossier
    assert dossier.state is DossierState.FAILED
    assert dossier.last_error_code == "invalid"
    assert queue.claim_next(NOW + timedelta(days=30), OWNER) is None


def test_only_an_official_retry_revives_a_failed_dossier_and_it_resets_attempts(
    queue: DossierQueue,
) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_failed(job, NOW, "invalid", "x")
    queue.official_retry(code, NOW + timedelta(hours=1), actor="CB-01")
    dossier = queue.find(code).dossier
    assert (dossier.state, dossier.attempts, dossier.last_error_code) == (
        DossierState.PENDING, 0, None)
    with pytest.raises(IllegalTransition):
        queue.official_retry(code, NOW, actor="CB-01")


def test_guarded_updates_refuse_a_dossier_that_moved_on(queue: DossierQueue) -> None:
    seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_sent(job, NOW, "X-1", 1)
    with pytest.raises(LostRace):
        queue.mark_sent(job, NOW, "X-2", 1)
    with pytest.raises(LostRace):
        queue.mark_retry(job, NOW, NOW, "late", "late")
    assert queue.find("X-1").dossier.official_code == "X-1"


def test_restart_returns_interrupted_sends_to_pending(queue: DossierQueue) -> None:
    code = seal_one(queue)
    queue.claim_next(NOW, OWNER)
    assert queue.recover_interrupted(NOW, keep_owner="a later owner") == 1
    assert queue.find(code).dossier.state is DossierState.PENDING
    assert queue.recover_interrupted(NOW, keep_owner="a later owner") == 0


def test_portal_timeline_is_recorded_once_however_often_it_is_seen(queue: DossierQueue) -> None:
    code = seal_one(queue)
    job = queue.claim_next(NOW, OWNER)
    queue.mark_sent(job, NOW, code, 1)
    events = [StatusEvent(1, NOW, "Mới đăng ký"), StatusEvent(2, NOW + timedelta(hours=1),
                                                              "Được tiếp nhận", "Một cửa")]
    assert queue.apply_portal_status(code, 2, events, NOW)
    assert queue.apply_portal_status(code, 2, events, NOW)
    detail = queue.find(code)
    assert detail.dossier.portal_status == 2
    assert [e.status for e in detail.timeline] == [1, 2]
    assert not queue.apply_portal_status("UNKNOWN-1", 4, events, NOW)


def test_counts_by_state(queue: DossierQueue) -> None:
    for _ in range(3):
        seal_one(queue)
    queue.claim_next(NOW, OWNER)
    counts = queue.counts()
    assert counts[DossierState.PENDING] == 2 and counts[DossierState.SENDING] == 1
    assert counts[DossierState.SENT] == 0


def test_unknown_code_for_an_official_retry_is_a_clear_error(queue: DossierQueue) -> None:
    with pytest.raises(DomainError) as caught:
        queue.official_retry("000.00.00.H23-261124-4242", NOW, actor="CB-01")
    assert "Không có hồ sơ" in caught.value.message


def test_a_damaged_attachment_is_refused_rather_than_sent(queue: DossierQueue) -> None:
    seal_one(queue)
    sha = hashlib.sha256(PDF).hexdigest()
    queue.files.path_for(sha).write_bytes(b"garbage")
    with pytest.raises(DomainError) as caught:
        queue.files.read(sha)
    assert caught.value.code == "file_damaged"


def test_recovery_leaves_the_rows_its_own_owner_is_sending(queue: DossierQueue) -> None:
    mine, theirs = seal_one(queue), seal_one(queue)
    queue.claim_next(NOW, OWNER)
    queue.claim_next(NOW, "sync@kiosk:200:bbbb")
    assert queue.recover_interrupted(NOW, keep_owner=OWNER) == 1
    assert queue.find(mine).dossier.state is DossierState.SENDING
    assert queue.find(theirs).dossier.state is DossierState.PENDING


def test_a_result_for_a_row_another_owner_recovered_is_refused(queue: DossierQueue) -> None:
    code = seal_one(queue)
    stale = queue.claim_next(NOW, OWNER)
    # The lease passed on meanwhile, and the new owner recovered the row:
    queue.recover_interrupted(NOW, keep_owner="sync@kiosk:200:bbbb")
    fresh = queue.claim_next(NOW, "sync@kiosk:200:bbbb")
    with pytest.raises(LostRace):
        queue.mark_sent(stale, NOW, "X-1", 1)
    with pytest.raises(LostRace):
        queue.mark_retry(stale, NOW, NOW, "late", "late")
    queue.mark_sent(fresh, NOW, "X-2", 1)
    assert queue.find(code).dossier.official_code == "X-2"


def test_sealing_one_draft_twice_gives_back_the_same_dossier(queue: DossierQueue) -> None:
    first = queue.seal(sealing(draft_key="draft-1"), [attachment()], build)
    again = queue.seal(sealing(draft_key="draft-1"), [attachment()], build)
    other = queue.seal(sealing(draft_key="draft-2"), [attachment()], build)
    assert again == first
    assert other.code != first.code
    assert sum(queue.counts().values()) == 2


def test_drafts_sealed_at_once_from_many_threads_make_one_dossier_each(
    queue: DossierQueue,
) -> None:
    keys = ["a", "b", "a", "b", "a", "c"] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        sealed = list(pool.map(
            lambda key: queue.seal(sealing(draft_key=key), [attachment()], build), keys))
    codes = {key: {d.code for d, k in zip(sealed, keys, strict=True) if k == key}
             for key in set(keys)}
    assert all(len(found) == 1 for found in codes.values())
    assert sum(queue.counts().values()) == 3


def test_a_sent_dossier_can_claim_the_next_one_in_the_same_commit(queue: DossierQueue) -> None:
    first, second = seal_one(queue), seal_one(queue, NOW + timedelta(seconds=1))
    job = queue.claim_next(NOW + timedelta(minutes=1), OWNER)
    assert job is not None and job.code == first
    following = queue.mark_sent(job, NOW + timedelta(minutes=1), "H23.1", 1, claim_next=True)
    assert following is not None and following.code == second
    assert queue.find(first).dossier.state is DossierState.SENT
    assert queue.find(second).dossier.state is DossierState.SENDING
    assert queue.mark_sent(following, NOW + timedelta(minutes=1), "H23.2", 1,
                           claim_next=True) is None  # nothing else due


def test_a_lost_race_on_the_result_claims_nothing_either(queue: DossierQueue) -> None:
    first, second = seal_one(queue), seal_one(queue, NOW + timedelta(seconds=1))
    job = queue.claim_next(NOW + timedelta(minutes=1), OWNER)
    assert job is not None
    stranger = dataclasses.replace(job, owner="sync@kiosk:200:bbbb")
    with pytest.raises(LostRace):
        queue.mark_sent(stranger, NOW + timedelta(minutes=1), "H23.1", 1, claim_next=True)
    assert queue.find(first).dossier.state is DossierState.SENDING
    assert queue.find(second).dossier.state is DossierState.PENDING
