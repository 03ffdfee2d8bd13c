"""Power cuts: a real ``kiosk sync`` process killed with SIGKILL at random moments.

Every dossier's POST is forwarded to the portal and its answer then held back
for a while, so most kills land in the worst window: the portal has accepted
the dossier and the kiosk has not recorded it.  After restarts, each dossier
must be on the portal exactly once and the database must be intact.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import requests

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.domain.states import DossierState
from kiosk.services import DATABASE_FILE
from tests.support.kiosk import open_kiosk
from tests.sync import faults

DOSSIERS = 12
KILLS = 10


def kiosk_command(data_dir: Path, config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "--config", str(config),
            *args]


def write_config(path: Path, url: str) -> None:
    client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
    path.write_text(f'[portal]\nurl = "{url}"\nclient_id = "{client_id}"\n'
                    f'client_secret = "{secret}"\ntimeout_seconds = 10\n', encoding="utf-8")


def stall_dossier_answers(method: str, path: str) -> faults.Fault:
    if method == "POST" and path.startswith("/api/v1/dossiers"):
        return faults.ForwardThenStall(0.4)
    return faults.Fault()


def test_sigkill_at_random_moments_never_loses_or_duplicates_a_dossier(tmp_path: Path) -> None:
    data_dir, config = tmp_path / "kiosk", tmp_path / "kiosk.toml"
    kiosk = open_kiosk(data_dir)
    sealed = kiosk.seal_births(DOSSIERS)
    kiosk.close()
    rng = random.Random(20261124)
    with PortalSimulator(tmp_path / "portal.sqlite3") as portal, \
            faults.FaultProxy(portal.url, stall_dossier_answers) as proxy:
        write_config(config, proxy.url)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        for _ in range(KILLS):
            process = subprocess.Popen(kiosk_command(data_dir, config, "sync"), env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.8, 2.0))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        write_config(config, portal.url)
        for _ in range(3):
            subprocess.run(kiosk_command(data_dir, config, "sync", "--once"), env=env, check=False,
                           capture_output=True, timeout=120)
        counters = requests.get(portal.url + "/_sim/stats", timeout=10).json()
    kiosk = open_kiosk(data_dir)
    try:
        states = [kiosk.queue.find(d.code).dossier.state for d in sealed]
    finally:
        kiosk.close()
    assert states == [DossierState.SENT] * DOSSIERS
    assert counters["dossiers_new"] == DOSSIERS
    assert counters["dossiers_replayed"] >= 1, "no kill landed after the portal accepted"
    with closing(sqlite3.connect(data_dir / DATABASE_FILE)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
