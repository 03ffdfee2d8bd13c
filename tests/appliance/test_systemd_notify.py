"""sd_notify (issue 14, item 1): READY and the watchdog's pings reach a real socket.

A unix datagram socket bound by the test stands for systemd's; real ``kiosk sync``
and ``kiosk run --demo`` processes (offscreen) are given it as NOTIFY_SOCKET.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.systemd_notify import READY, WATCHDOG, Notifier, status, watchdog_interval

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(1.0)
    yield sock, str(path)
    sock.close()


def received(sock: socket.socket, want: int, within: float) -> list[str]:
    """The lines heard until ``want`` WATCHDOG=1 pings came after READY=1, or ``within`` s."""
    lines: list[str] = []
    deadline = time.monotonic() + within  # a bound on the test, not a figure it checks
    while time.monotonic() < deadline:
        try:
            lines += sock.recv(4096).decode().splitlines()
        except TimeoutError:
            continue
        if READY in lines and lines[lines.index(READY):].count(WATCHDOG) >= want:
            break
    return lines


def test_a_notifier_sends_each_state_on_a_line_to_a_path_socket(listener) -> None:
    sock, path = listener
    notifier = Notifier({"NOTIFY_SOCKET": path})
    assert notifier.send(READY, status("đang\nchạy  tốt"))
    assert sock.recv(4096).decode() == "READY=1\nSTATUS=đang chạy tốt"


def test_a_notifier_reaches_an_abstract_namespace_socket() -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).send(WATCHDOG)
        assert sock.recv(64) == b"WATCHDOG=1"


def test_without_a_socket_nothing_is_sent_and_nothing_fails(tmp_path: Path) -> None:
    assert not Notifier({}).send(READY)
    assert not Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")}).send(READY)
    assert not Notifier({}).active


def test_the_ping_interval_is_half_the_watchdog_period_of_this_process() -> None:
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}) \
        == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "soon"}) is None
    assert watchdog_interval({}) is None


def start(tmp_path: Path, path: str, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DATA_DIR": str(tmp_path / "data"), "NOTIFY_SOCKET": path,
           "WATCHDOG_USEC": "400000", **extra}  # a ping every 0.2 s
    env.pop("KIOSK_CONFIG", None)
    return subprocess.Popen([sys.executable, "-m", "kiosk", *args], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err.decode(errors="replace")


def test_kiosk_sync_says_ready_then_keeps_pinging_the_watchdog(tmp_path: Path, listener) -> None:
    sock, path = listener
    # A portal that is configured but out of reach: the worker holds the lease and waits.
    process = start(tmp_path, path, "sync", KIOSK_PORTAL_URL="http://127.0.0.1:9",
                    KIOSK_PORTAL_CLIENT_ID="kiosk", KIOSK_PORTAL_CLIENT_SECRET="secret")
    try:
        lines = received(sock, want=3, within=60)
    finally:
        err = stop(process)
    lines += received(sock, want=10**6, within=1)  # STOPPING=1, sent as it shuts down
    assert lines[-1] == "STOPPING=1", lines
    assert READY in lines, err[-2000:]
    assert lines[lines.index(READY):].count(WATCHDOG) >= 3, (lines, err[-2000:])


def test_kiosk_sync_once_tells_systemd_nothing(tmp_path: Path, listener) -> None:
    sock, path = listener
    process = start(tmp_path, path, "sync", "--once", KIOSK_PORTAL_URL="http://127.0.0.1:9",
                    KIOSK_PORTAL_CLIENT_ID="kiosk", KIOSK_PORTAL_CLIENT_SECRET="secret")
    process.communicate(timeout=120)
    sock.settimeout(0.1)
    with pytest.raises(TimeoutError):
        sock.recv(64)


def test_the_kiosk_ui_says_ready_once_home_is_painted_then_pings(tmp_path: Path, listener) -> None:
    sock, path = listener
    process = start(tmp_path, path, "run", "--demo")
    try:
        lines = received(sock, want=3, within=120)
    finally:
        err = stop(process)
    assert lines.count(READY) == 1, (lines, err[-2000:])
    assert lines[lines.index(READY):].count(WATCHDOG) >= 3, (lines, err[-2000:])
