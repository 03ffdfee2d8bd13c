"""The sync lease: one owner at a time, taken over only from an owner that is gone."""

from __future__ import annotations

import subprocess
import threading
from datetime import UTC, datetime, timedelta

from kiosk.store.db import Database
from kiosk.store.syncstate import LeaseOwner, SyncHealthLog, SyncLease, process_alive

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def lease(db: Database, clock: Clock, name: str, pid: int | None = None) -> SyncLease:
    owner = LeaseOwner.of_this_process(name)
    if pid is not None:
        owner = LeaseOwner(owner.id, owner.host, pid)
    return SyncLease(db, owner, seconds=30, clock=clock)


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_second_owner_waits_while_the_first_is_alive(db: Database) -> None:
    clock = Clock()
    first, second = lease(db, clock, "kiosk"), lease(db, clock, "cli")
    assert first.acquire()
    assert not second.acquire()
    assert not second.held
    holder = second.holder()
    assert holder is not None and holder.owner == first.owner.id
    clock.now += timedelta(seconds=29)
    assert not second.acquire()


def test_an_expired_lease_is_taken_over_and_the_old_owner_learns_it(db: Database) -> None:
    clock = Clock()
    first, second = lease(db, clock, "kiosk"), lease(db, clock, "cli")
    assert first.acquire()
    clock.now += timedelta(seconds=31)
    assert second.acquire()
    assert not first.renew()
    assert not first.held and second.held
    assert not first.acquire()


def test_the_lease_of_a_process_that_died_here_is_taken_at_once(db: Database) -> None:
    clock = Clock()
    gone = lease(db, clock, "killed", pid=dead_pid())
    assert gone.acquire()
    assert not process_alive(gone.owner.pid)
    assert lease(db, clock, "cli").acquire()


def test_renewing_keeps_the_lease_past_its_first_expiry(db: Database) -> None:
    clock = Clock()
    first, second = lease(db, clock, "kiosk"), lease(db, clock, "cli")
    assert first.acquire()
    for _ in range(5):
        clock.now += timedelta(seconds=20)
        assert first.renew()
        assert not second.acquire()


def test_a_released_lease_is_free_for_the_next_owner(db: Database) -> None:
    clock = Clock()
    first, second = lease(db, clock, "kiosk"), lease(db, clock, "cli")
    assert first.acquire()
    first.release()
    assert second.acquire()
    first.release()  # releasing what another holds changes nothing
    assert second.renew()


def test_the_heartbeat_thread_renews_and_releases_at_the_end(db: Database) -> None:
    clock = Clock()
    first, second = lease(db, clock, "kiosk"), lease(db, clock, "cli")
    before = {t.name for t in threading.enumerate()}
    with first.kept(every=0.01):
        assert first.acquire()
        clock.now += timedelta(seconds=25)
        renewed = threading.Event()
        for _ in range(500):
            holder = first.holder()
            if holder is not None and holder.heartbeat_at == clock.now:
                renewed.set()
                break
            renewed.wait(0.01)
        assert renewed.is_set()
        clock.now += timedelta(seconds=25)  # past the first expiry: renewed, so still held
        assert not second.acquire()
    assert {t.name for t in threading.enumerate()} == before
    assert second.acquire()


def test_sync_health_keeps_the_last_contact_and_the_last_failure(db: Database) -> None:
    health = SyncHealthLog(db)
    assert health.read().last_pass_at is None
    health.passed(NOW, contacted=True)
    health.failed(NOW + timedelta(minutes=1), "connection", "Không kết nối được tới cổng")
    health.failed(NOW + timedelta(minutes=2), "crash", "Lỗi nội bộ")
    seen = health.read()
    assert seen.last_contact_at == NOW
    assert seen.last_failure_at == NOW + timedelta(minutes=2)
    assert (seen.last_failure_code, seen.failures_in_row) == ("crash", 2)
    health.passed(NOW + timedelta(minutes=3), contacted=False)
    assert health.read().failures_in_row == 0
    assert health.read().last_contact_at == NOW
