"""sd_notify (issue 14, item 1): READY and the watchdog's pings reach a real socket.

A unix datagram socket bound by the test stands for systemd's; real ``kiosk sync``
and ``kiosk run --demo`` processes (offscreen) are given it as NOTIFY_SOCKET.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.services import DATABASE_FILE
from kiosk.sync.client import MESSAGES as CLIENT_MESSAGES
from kiosk.sync.command import COMMAND_MESSAGES
from kiosk.sync.progress import LOCAL_STEP_SECONDS
from kiosk.systemd_notify import READY, WATCHDOG, Notifier, status, watchdog_interval
from tests.support.kiosk import open_kiosk
from tests.support.notify import notify_listener
from tests.sync.hostile import TOKEN_PATH, DripServer, Reply, ScriptedPortal, Seen, token_reply

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    with notify_listener(tmp_path, 1.0) as bound:
        yield bound


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


# --- a pass that hangs (issue 15): the deadline ends what it can, the watchdog the rest ------


STUCK = "STATUS=" + COMMAND_MESSAGES["stuck"].split("«")[0]


def sealed_kiosk(data_dir: Path, portal_url: str, timeout: int = 1) -> Path:
    """One birth registration sealed in ``data_dir`` and a config naming ``portal_url``."""
    kiosk = open_kiosk(data_dir)
    try:
        kiosk.seal_births(1)
    finally:
        kiosk.close()
    config = data_dir.parent / "kiosk.toml"
    config.write_text(f'[portal]\nurl = "{portal_url}"\nclient_id = "kiosk"\n'
                      f'client_secret = "secret"\ntimeout_seconds = {timeout}\n')
    return config


def last_errors(data_dir: Path) -> list[tuple[str, str | None, str | None]]:
    """What the queue says of each dossier, read while ``kiosk sync`` runs (WAL: no lock)."""
    uri = (data_dir / DATABASE_FILE).as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
        return db.execute("SELECT state, last_error_code, last_error_message FROM dossiers"
                          ).fetchall()


def cut(data_dir: Path) -> bool:
    return [code for _state, code, _message in last_errors(data_dir)] == ["timeout"]


def test_a_portal_that_trickles_forever_is_cut_at_the_deadline_and_the_pings_go_on(
    tmp_path: Path, listener,
) -> None:
    sock, path = listener
    data = tmp_path / "data"
    with DripServer(interval=0.2, length=10**9) as server:
        config = sealed_kiosk(data, server.url)
        process = start(tmp_path, path, "--config", str(config), "sync")
        try:
            # Every call but the token's trickles: each one cut is a request the pass got past.
            lines = heard_until(sock, lambda got: READY in got and cut(data), 60)
            errors = last_errors(data)
            lines += heard_until(sock, lambda got: server.requests >= 4, 60)  # the catalogue
            lines += heard_until(sock, lambda got: got.count(WATCHDOG) >= 3, 60)
        finally:
            err = stop(process)
        dripped = server.requests - 1  # the first was the token
    assert dripped >= 3, err[-2000:]  # the upload, the status poll, the catalogue
    assert not any(STUCK in line for line in lines)
    assert lines[lines.index(READY):].count(WATCHDOG) >= 3, (lines, err[-2000:])
    # Put back in the queue with the reason an official reads, to be sent again later.
    assert errors == [(DossierState.PENDING.value, "timeout", CLIENT_MESSAGES["timeout"])]


@pytest.mark.soak
@pytest.mark.timeout(300)
def test_a_pass_stuck_where_no_deadline_reaches_stops_the_pings_for_systemd_to_restart(
    tmp_path: Path, listener,
) -> None:
    sock, path = listener
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal:
        config = sealed_kiosk(tmp_path / "data", portal.url)
        stored = [p for p in (tmp_path / "data" / "attachments").rglob("*") if p.is_file()]
        for file in stored:  # a read that never returns: a failing card, a hung mount
            file.unlink()
            os.mkfifo(file)
        process = start(tmp_path, path, "--config", str(config), "sync")
        try:
            # The step bound (60 s) passes; then the STATUS line, then no ping ever again.
            lines = heard_until(sock, lambda got: any(STUCK in line for line in got), 240)
            after = heard_until(sock, lambda _: False, 2.0)
            alive = process.poll() is None
        finally:
            process.kill()  # SIGTERM cannot end it: the read resumes after the handler
            _, err_bytes = process.communicate(timeout=60)
    err = err_bytes.decode(errors="replace")
    assert stored and READY in lines and WATCHDOG in lines, (lines, err[-2000:])
    assert any(STUCK in line for line in lines), (lines, err[-2000:])
    assert alive and WATCHDOG not in after
    logged = "".join(p.read_text() for p in (tmp_path / "data").rglob("*.log*"))
    assert "sync loop stuck in step 'attachment'" in logged + err


@pytest.mark.soak
@pytest.mark.timeout(300)
def test_an_hour_long_retry_after_keeps_kiosk_sync_pinging_past_the_step_bound(
    tmp_path: Path, listener,
) -> None:
    sock, path = listener

    def busy(seen: Seen) -> Reply:
        if seen.path == TOKEN_PATH:
            return token_reply("t1")
        return Reply(503, {"error": "busy"}, headers={"Retry-After": "3600"})

    beyond = int(LOCAL_STEP_SECONDS / 0.2) + 100  # pings every 0.2 s: well past the bound
    with ScriptedPortal(busy) as server:
        config = sealed_kiosk(tmp_path / "data", server.url)
        process = start(tmp_path, path, "--config", str(config), "sync")
        try:
            lines = heard_until(sock, lambda got: READY in got and server.count() >= 2, 60)
            later = heard_until(sock, lambda got: got.count(WATCHDOG) >= beyond
                                or any(STUCK in line for line in got), 240)
        finally:
            err = stop(process)
    assert server.count() == 2, server.seen  # the token, one refused call: then it waits
    assert not any(STUCK in line for line in lines + later), err[-2000:]
    assert later.count(WATCHDOG) >= beyond, (later[-5:], err[-2000:])


def heard_until(sock: socket.socket, done: Callable[[list[str]], bool], within: float
                ) -> list[str]:
    """The lines received until ``done`` of them, or ``within`` s (a bound, not a figure)."""
    lines: list[str] = []
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not done(lines):
        try:
            lines += sock.recv(4096).decode().splitlines()
        except TimeoutError:
            continue
    return lines
