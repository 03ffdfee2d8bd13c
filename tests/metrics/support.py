"""What the metrics tests share: a data dir with dossiers in known states, real processes,
a scrape parsed by Prometheus' own text parser, and the sockets a process listens on."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import requests
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from kiosk.demo.simulator import DEMO_CREDENTIALS
from kiosk.domain.dates import to_vietnam_time, utc_now
from kiosk.services import DATABASE_FILE
from kiosk.store.ratings import Ratings
from kiosk.store.syncstate import LeaseOwner, SyncHealthLog, SyncLease
from tests.support.kiosk import birth_draft, open_kiosk
from tests.support.xserver import stop

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 90.0


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_env(data_dir: Path, config: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DATA_DIR": str(data_dir), "KIOSK_CONFIG": str(config), **extra}
    if "KIOSK_METRICS_ADDRESS" not in extra:
        env.pop("KIOSK_METRICS_ADDRESS", None)
    return env


def write_config(path: Path, *, portal_url: str | None = None, extra: str = "") -> Path:
    """Receipts as files, the demo camera; a portal only when ``portal_url`` is given."""
    text = '[printer]\nmode = "file"\n\n[camera]\ndevice = "demo"\n'
    if portal_url is not None:
        client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
        text += (f'\n[portal]\nurl = "{portal_url}"\nclient_id = "{client_id}"\n'
                 f'client_secret = "{secret}"\ntimeout_seconds = 2\n')
    path.write_text(text + extra, encoding="utf-8")
    return path


@contextmanager
def started(command: list[str], env: dict[str, str], logs: Path
            ) -> Iterator[subprocess.Popen[bytes]]:
    """A real process, its output in files (a full pipe would block it), killed at the end."""
    logs.parent.mkdir(parents=True, exist_ok=True)
    with open(logs.with_suffix(".out"), "wb") as out, open(logs.with_suffix(".err"), "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "kiosk", *command], env=env,
                                   stdout=out, stderr=err, cwd=str(logs.parent))
    try:
        yield process
    finally:
        stop(process, timeout_s=20)


def wait_for(condition: Callable[[], object], what: str,
             process: subprocess.Popen[bytes] | None = None,
             seconds: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before: {what}")
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


Families = dict[str, Metric]


def scrape(url: str) -> Families:
    """The endpoint's families by name, through Prometheus' own text-format parser."""
    response = requests.get(url, timeout=10)
    response.raise_for_status()
    assert response.headers["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def value(families: Families, name: str, **labels: str) -> float:
    """The one sample of ``name`` whose labels include ``labels``."""
    samples = [s for family in families.values() for s in family.samples if s.name == name]
    found = [s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) == 1, (name, labels, samples)
    return float(found[0])


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (its sockets, found in /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"file:{data_dir / DATABASE_FILE}?mode=ro", uri=True,
                                 timeout=10)) as raw:
        return raw.execute(sql).fetchall()


@dataclass(frozen=True)
class Populated:
    """What was put in the data dir, to compare the scrape with."""

    oldest_unsent_at: datetime
    sealed_today: int
    ratings_today: dict[int, int]
    last_success_at: datetime
    failures_in_row: int


def populate(data_dir: Path) -> Populated:
    """Dossiers in every state (one of them two hours old and unsent), ratings, and a sync
    health log that says the portal answered once and then failed three passes (HTTP 503)."""
    site = open_kiosk(data_dir)
    now = utc_now()
    site.clock.now = now
    sealed = [site.submitter.seal(birth_draft(site.catalogue, now, str(i))) for i in range(9)]
    queue = site.queue
    for target, count in (("SENT", 3), ("FAILED", 2), ("SENDING", 1), ("RETRY", 1)):
        for _ in range(count):
            job = queue.claim_next(now + timedelta(seconds=1), "test-owner")
            assert job is not None
            if target == "SENT":
                queue.mark_sent(job, now, f"H23.{job.dossier_id}", 1)
            elif target == "FAILED":
                queue.mark_failed(job, now, "invalid", "từ chối")
            elif target == "RETRY":
                queue.mark_retry(job, now, now + timedelta(hours=1), "http_503", "bận")
    site.clock.now = now - timedelta(hours=2)  # sealed last, so no claim above took it
    sealed.append(site.submitter.seal(birth_draft(site.catalogue, site.clock(), "old")))
    ratings = Ratings(site.db)
    for key, level in (("a", 5), ("b", 5), ("c", 4), ("d", 1)):
        ratings.record(f"rating-{key}", None, level, ["thai_do_ho_tro"] if level <= 3 else [], None,
                       now)
    health = SyncHealthLog(site.db)
    success = now - timedelta(minutes=30)
    health.passed(success, contacted=True)
    for _ in range(3):
        health.failed(now, "http_503", "Cổng bận")
    site.close()
    today = to_vietnam_time(now).date()
    return Populated(
        oldest_unsent_at=now - timedelta(hours=2),
        sealed_today=sum(to_vietnam_time(d.received_at).date() == today for d in sealed),
        ratings_today={5: 2, 4: 1, 1: 1},
        last_success_at=success,
        failures_in_row=3,
    )


@contextmanager
def lease_held_elsewhere(data_dir: Path) -> Iterator[None]:
    """The sync lease held by this test process: a ``kiosk sync`` waits and sends nothing."""
    site = open_kiosk(data_dir)
    lease = SyncLease(site.db, LeaseOwner.of_this_process("test-holder"))
    try:
        assert lease.acquire()
        with lease.kept(every=2.0):
            yield
    finally:
        site.close()
