"""The exporter of real `kiosk run` and `kiosk sync` processes, scraped over HTTP.

One data dir holds dossiers in every state, ratings and a sync health log; a
real `kiosk run` (offscreen, no portal: nothing sends) and a real `kiosk sync`
(standing by: this test holds the sync lease) serve it, each on its own port.
Their endpoints are parsed by Prometheus' own text parser and compared with
what the database holds.  Then: off by default, an address not on this
machine, a port already in use, an address that is no address.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.domain.dates import utc_now
from kiosk.domain.states import DossierState
from tests.metrics.support import (
    ROOT,
    Families,
    Populated,
    answers,
    child_env,
    free_port,
    lease_held_elsewhere,
    listening_ports,
    populate,
    query,
    scrape,
    started,
    value,
    wait_for,
    write_config,
)
from tests.support.kiosk import BIRTH_FORM

pytestmark = pytest.mark.soak

STANDBY = "Một tiến trình đồng bộ khác đang chạy"  # kiosk sync, waiting for the lease
IN_USE = "Không mở được cổng giám sát"


@dataclass
class Fleet:
    data_dir: Path
    populated: Populated
    run: subprocess.Popen[bytes]
    sync: subprocess.Popen[bytes]
    run_port: int
    sync_port: int
    logs: Path
    started_at: datetime

    def scrape(self, port: int) -> Families:
        return scrape(f"http://127.0.0.1:{port}/metrics")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    tmp = tmp_path_factory.mktemp("fleet")
    data_dir, logs = tmp / "kiosk", tmp / "logs"
    began = utc_now()
    populated = populate(data_dir)
    run_config = write_config(tmp / "run.toml")
    sync_config = write_config(tmp / "sync.toml", portal_url=f"http://127.0.0.1:{free_port()}")
    run_port, sync_port = free_port(), free_port()
    with lease_held_elsewhere(data_dir), \
            started(["run", "--windowed"], child_env(
                data_dir, run_config, KIOSK_METRICS_ADDRESS=f"127.0.0.1:{run_port}"),
                logs / "run") as run, \
            started(["sync"], child_env(
                data_dir, sync_config, KIOSK_METRICS_ADDRESS=f"127.0.0.1:{sync_port}"),
                logs / "sync") as sync:
        for process, port in ((run, run_port), (sync, sync_port)):
            wait_for(lambda port=port: answers(f"http://127.0.0.1:{port}/metrics"),  # type: ignore[misc]
                     f"the endpoint on port {port}", process)
        yield Fleet(data_dir, populated, run, sync, run_port, sync_port, logs, began)


def check_queue(families: Families, fleet: Fleet) -> None:
    counts = dict(query(fleet.data_dir, "SELECT state, count(*) FROM dossiers GROUP BY state"))
    for state in DossierState:  # every state, zero included
        assert value(families, "kiosk_dossiers", state=state.value) == counts.get(state.value, 0)
    assert counts == {"PENDING": 4, "SENDING": 1, "SENT": 3, "FAILED": 2}
    retrying = query(fleet.data_dir, "SELECT count(*) FROM dossiers WHERE state = 'PENDING' "
                                     "AND last_error_code IS NOT NULL")[0][0]
    assert value(families, "kiosk_dossiers_retrying") == retrying == 1
    assert value(families, "kiosk_dossiers_submitted_today") == fleet.populated.sealed_today
    age = value(families, "kiosk_oldest_unsent_dossier_age_seconds")
    oldest = fleet.populated.oldest_unsent_at
    assert (fleet.started_at - oldest).total_seconds() <= age <= (
        utc_now() - oldest).total_seconds()
    for level in range(1, 6):
        assert value(families, "kiosk_ratings_today", level=str(level)) == (
            fleet.populated.ratings_today.get(level, 0))


def check_sync_health(families: Families, fleet: Fleet) -> None:
    assert value(families, "kiosk_sync_last_success_timestamp_seconds") == pytest.approx(
        fleet.populated.last_success_at.timestamp(), abs=1e-3)
    assert value(families, "kiosk_sync_consecutive_failures", **{"class": "portal"}) == 3
    for other in ("network", "auth", "crash", "other"):
        assert value(families, "kiosk_sync_consecutive_failures", **{"class": other}) == 0
    assert value(families, "kiosk_database_up") == 1


def test_kiosk_run_serves_the_queue_figures_the_database_holds(fleet: Fleet) -> None:
    families = fleet.scrape(fleet.run_port)
    check_queue(families, fleet)
    check_sync_health(families, fleet)
    assert value(families, "kiosk_info", role="run", kiosk_id="KIOSK-01") == 1
    assert 0 < value(families, "kiosk_disk_free_ratio") <= 1
    assert value(families, "kiosk_disk_free_bytes") <= value(families, "kiosk_disk_size_bytes")
    assert value(families, "kiosk_uptime_seconds") > 0
    log = (fleet.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert f"Số liệu giám sát (Prometheus) tại http://127.0.0.1:{fleet.run_port}/metrics" in log


def test_kiosk_run_says_how_its_devices_are_and_leaves_out_an_unused_scanner(
    fleet: Fleet,
) -> None:
    families = fleet.scrape(fleet.run_port)
    devices = {s.labels["device"]: s.value for s in families["kiosk_device_up"].samples}
    assert devices == {"printer": 1, "camera": 1}  # receipts to files, the demo camera


def test_kiosk_sync_serves_the_same_figures_on_its_own_port_without_devices(
    fleet: Fleet,
) -> None:
    families = fleet.scrape(fleet.sync_port)
    check_queue(families, fleet)
    check_sync_health(families, fleet)
    assert value(families, "kiosk_info", role="sync", kiosk_id="KIOSK-01") == 1
    assert "kiosk_device_up" not in families  # sync knows no device: it does not guess
    assert fleet.sync.poll() is None and STANDBY in (fleet.logs / "sync.out").read_text()


def test_each_process_listens_only_on_the_address_it_was_given(fleet: Fleet) -> None:
    assert listening_ports(fleet.run.pid) == {fleet.run_port}
    assert listening_ports(fleet.sync.pid) == {fleet.sync_port}
    for port in (fleet.run_port, fleet.sync_port):
        with closing(socket.socket(socket.AF_INET6, socket.SOCK_STREAM)) as other:
            assert other.connect_ex(("::1", port)) != 0, "bound wider than 127.0.0.1"


def test_no_label_carries_a_dossier_code_or_a_name(fleet: Fleet) -> None:
    codes = {str(row[0]) for row in query(fleet.data_dir, "SELECT code FROM dossiers")}
    private = codes | {v for v in BIRTH_FORM.values() if len(v) > 4}
    for port in (fleet.run_port, fleet.sync_port):
        for family in fleet.scrape(port).values():
            for sample in family.samples:
                labels = set(sample.labels.values())
                assert not labels & private, (sample.name, labels & private)
                if "kiosk_id" in sample.labels:
                    assert sample.name == "kiosk_info"  # the kiosk id is on the info only
    assert len(codes) == 10


def kiosk_once(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    config = write_config(tmp_path / "kiosk.toml")
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, env=child_env(tmp_path / "data", config, **env),
                          timeout=100, check=False, cwd=str(ROOT))


def test_an_address_not_on_this_machine_is_said_in_vietnamese_and_the_kiosk_runs_on(
    tmp_path: Path,
) -> None:
    done = kiosk_once(tmp_path, "run", "--demo", "--quit-when-ready",
                      KIOSK_METRICS_ADDRESS="192.0.2.1:9108")  # TEST-NET-1: never ours
    assert done.returncode == 0, done.stderr[-3000:]
    assert "home_painted_ms=" in done.stdout  # the kiosk came all the way up
    assert f"{IN_USE} 192.0.2.1:9108 (địa chỉ không thuộc máy này)" in done.stderr
    assert "Kiosk vẫn chạy bình thường" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_said_in_vietnamese_and_the_kiosk_runs_on(tmp_path: Path) -> None:
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        done = kiosk_once(tmp_path, "run", "--demo", "--quit-when-ready",
                          KIOSK_METRICS_ADDRESS=address)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "home_painted_ms=" in done.stdout
    assert f"{IN_USE} {address}: cổng này đang có chương trình khác dùng" in done.stderr
    assert "Traceback" not in done.stderr


def test_kiosk_sync_on_a_port_in_use_says_so_and_keeps_syncing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = write_config(tmp_path / "sync.toml", portal_url=f"http://127.0.0.1:{free_port()}")
    with closing(socket.socket()) as taken, lease_held_elsewhere(data_dir):
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        env = child_env(data_dir, config, KIOSK_METRICS_ADDRESS=address)
        with started(["sync"], env, tmp_path / "logs" / "sync") as sync:
            out = tmp_path / "logs" / "sync.out"
            wait_for(lambda: STANDBY in out.read_text(), "kiosk sync standing by", sync)
            assert sync.poll() is None
            assert listening_ports(sync.pid) == set()
        err = (tmp_path / "logs" / "sync.err").read_text()
    assert f"{IN_USE} {address}: cổng này đang có chương trình khác dùng" in err
    assert "Traceback" not in err


def test_metrics_are_off_by_default_and_nothing_listens(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    config = write_config(tmp_path / "sync.toml", portal_url=f"http://127.0.0.1:{free_port()}")
    with lease_held_elsewhere(data_dir), \
            started(["sync"], child_env(data_dir, config), tmp_path / "logs" / "sync") as sync:
        out = tmp_path / "logs" / "sync.out"
        wait_for(lambda: STANDBY in out.read_text(), "kiosk sync standing by", sync)
        assert listening_ports(sync.pid) == set()
    done = kiosk_once(tmp_path, "run", "--quit-when-ready")
    assert done.returncode == 0, done.stderr[-3000:]
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Số liệu giám sát" not in log and "prometheus" not in log.lower()


def test_an_address_that_is_no_address_stops_the_start_with_a_vietnamese_message(
    tmp_path: Path,
) -> None:
    done = kiosk_once(tmp_path, "sync", KIOSK_METRICS_ADDRESS="[::1]:x")
    assert done.returncode != 0
    assert "Khoá 'metrics.address' không hợp lệ: phải có dạng máy:cổng" in done.stderr
    assert "Traceback" not in done.stderr
