"""One sync owner at a time, across real processes on one data dir.

Two real ``kiosk sync`` processes and a real kiosk (``kiosk run``, offscreen,
whose background sync is the GUI's own) start together on one data dir; the
one that is sending is killed with SIGKILL mid-send.  A survivor takes over,
every dossier reaches the portal exactly once, and no survivor exits.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import requests

from kiosk.demo.simulator import PortalSimulator
from kiosk.services import DATABASE_FILE
from tests.support.kiosk import open_kiosk
from tests.sync import faults
from tests.sync.test_crash import kiosk_command, write_config

pytestmark = pytest.mark.soak

ROOT = Path(__file__).resolve().parents[2]
DOSSIERS = 16
DEADLINE_SECONDS = 100.0


class SlowAnswer(faults.Fault):
    """The portal answers, but only after a while: each dossier stays SENDING that long."""

    name = "slow"

    def handle(self, proxy: faults.ProxyHandler, body: bytes) -> None:
        time.sleep(0.5)
        try:
            proxy.forward(body)
        except OSError:  # the portal closed at the end of the test: drop the client too
            proxy.abort()


def slow_dossiers(method: str, path: str) -> faults.Fault:
    return SlowAnswer() if method == "POST" and path == "/api/v1/dossiers" else faults.Fault()


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


@contextmanager
def processes(logs: Path, *commands: list[str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Started together; their output goes to files (a full pipe would block them)."""
    logs.mkdir(exist_ok=True)
    started = []
    for number, command in enumerate(commands):
        with open(logs / f"{number}.out", "wb") as out, open(logs / f"{number}.err", "wb") as err:
            started.append(subprocess.Popen(command, env=child_env(), stdout=out, stderr=err))
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


def output(logs: Path, running: list[subprocess.Popen[bytes]], process: subprocess.Popen[bytes],
           stream: str) -> str:
    return (logs / f"{running.index(process)}.{stream}").read_text(errors="replace")


def query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{data_dir / DATABASE_FILE}?mode=ro", uri=True,
                                 timeout=10)) as raw:
        return raw.execute(sql).fetchall()


def wait_for(condition: object, what: str, seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def sending_pid(data_dir: Path) -> int | None:
    """The pid of the lease holder while it has a dossier in flight."""
    rows = query(data_dir, "SELECT l.pid FROM sync_lease l JOIN dossiers d "
                           "ON d.claimed_by = l.owner WHERE d.state = 'SENDING'")
    return int(rows[0][0]) if rows else None  # type: ignore[call-overload]


def test_two_sync_processes_and_the_kiosk_share_one_queue_and_survive_a_kill(
    tmp_path: Path,
) -> None:
    data_dir, config = tmp_path / "kiosk", tmp_path / "kiosk.toml"
    site = open_kiosk(data_dir)
    sealed = {d.code for d in site.seal_births(DOSSIERS)}
    site.close()
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal, \
            faults.FaultProxy(portal.url, slow_dossiers) as proxy:
        write_config(config, proxy.url)
        logs = tmp_path / "logs"
        sync = kiosk_command(data_dir, config, "sync")
        gui = kiosk_command(data_dir, config, "run", "--windowed")
        with processes(logs, sync, sync, gui) as running:
            wait_for(lambda: sending_pid(data_dir) is not None, "a dossier in flight")
            victim_pid = sending_pid(data_dir)
            victim = next(p for p in running if p.pid == victim_pid)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
            wait_for(lambda: query(data_dir, "SELECT count(*) FROM dossiers WHERE state = 'SENT'")
                     == [(DOSSIERS,)], "every dossier sent")
            survivors = [p for p in running if p is not victim]
            assert [p.poll() for p in survivors] == [None, None], "a survivor exited"
            holder = query(data_dir, "SELECT pid FROM sync_lease")
            assert holder and holder[0][0] in {p.pid for p in survivors}
            for process in survivors:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
            errors = [output(logs, running, p, "err") for p in survivors]
        stats = requests.get(portal.url + "/_sim/stats", timeout=10).json()
    assert stats["dossiers_new"] == DOSSIERS
    assert {row[0] for row in query(data_dir, "SELECT code FROM dossiers")} == sealed
    for err in errors:
        assert "Traceback" not in err, err[-2000:]
    assert survivors[0].returncode == 0  # a sync process stops cleanly on SIGTERM
    assert query(data_dir, "SELECT count(*) FROM sync_lease WHERE pid = "
                 f"{survivors[0].pid}") == [(0,)], "the lease was not given up at a clean stop"


def test_a_second_sync_once_says_another_is_running_and_sends_nothing(tmp_path: Path) -> None:
    data_dir, config = tmp_path / "kiosk", tmp_path / "kiosk.toml"
    site = open_kiosk(data_dir)
    site.seal_births(2)
    site.close()
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal, \
            faults.FaultProxy(portal.url, slow_dossiers) as proxy:
        write_config(config, proxy.url)
        with processes(tmp_path / "logs", kiosk_command(data_dir, config, "sync")) as (first,):
            wait_for(lambda: sending_pid(data_dir) == first.pid, "the first one sending")
            second = subprocess.run(kiosk_command(data_dir, config, "sync", "--once"),
                                    env=child_env(), capture_output=True, text=True, timeout=60,
                                    check=False)
            assert first.poll() is None
    assert second.returncode == 3
    assert "Một tiến trình đồng bộ khác đang chạy" in second.stdout
    assert f"tiến trình {first.pid}" in second.stdout
    assert "Traceback" not in second.stderr
