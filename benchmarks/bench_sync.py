"""Sync throughput and memory, against the real portal simulator on loopback.

    .venv/bin/python -m benchmarks.bench_sync                 # both measurements
    .venv/bin/python -m benchmarks.bench_sync --big 200 --small 2000   # quicker

1. Drain N dossiers with a 1 MB attachment each: dossiers per second, and the
   sync's upload throughput divided by a bare ``requests`` loop uploading the
   same number of bytes to the same simulator in the same run.
2. Drain M small dossiers and sample the process's resident memory every
   1,000 sends: the worker must not grow with the queue.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from kiosk.sync.client import PortalClient
from kiosk.sync.simulator import DEMO_CREDENTIALS, PortalSimulator
from tests.support.kiosk import Kiosk, birth_draft, open_kiosk, tiny_pdf

CLIENT_ID, SECRET = next(iter(DEMO_CREDENTIALS.items()))
MB = 1024 * 1024


def big_pdf(index: int) -> bytes:
    """A 1 MB file the simulator accepts as PDF, different for every index."""
    head = tiny_pdf(f"big {index}")
    filler = hashlib.sha256(str(index).encode()).digest() * (MB // 32)
    return head + b"%" + filler[: MB - len(head) - 1]


def seal_big(kiosk: Kiosk, count: int) -> int:
    total = 0
    for i in range(count):
        draft = birth_draft(kiosk.catalogue, kiosk.clock(), f"b{i}")
        first = replace(draft.documents[0], data=big_pdf(i))
        kiosk.submitter.seal(replace(draft, documents=(first, *draft.documents[1:])))
        total += sum(len(d.data) for d in (first, *draft.documents[1:]))
    return total


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def drain(kiosk: Kiosk, url: str, every: int | None = None) -> tuple[float, list[float]]:
    """Send everything with the worker's own path; sample RSS after each ``every`` sends."""
    client = PortalClient(url, CLIENT_ID, SECRET, timeout=60)
    kiosk.clock.now = datetime.now(UTC)  # every dossier is due
    worker = kiosk.sync_worker(client)
    worker.acquire()
    samples: list[float] = []
    started = time.perf_counter()
    while worker.send_due(limit=every).sent:
        if every:
            samples.append(rss_mb())
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed, samples


def bare_upload(url: str, count: int) -> tuple[float, int]:
    token = requests.post(url + "/api/v1/token", json={"client_id": CLIENT_ID,
                          "client_secret": SECRET}, timeout=30).json()["access_token"]
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    total, started = 0, time.perf_counter()
    for i in range(count):
        data = big_pdf(10_000_000 + i)
        digest = hashlib.sha256(data).hexdigest()
        response = session.post(url + "/api/v1/files", headers=headers, timeout=60,
                                files={"file": ("x.pdf", data, "application/pdf")},
                                data={"sha256": digest})
        response.raise_for_status()
        total += len(data)
    session.close()
    return time.perf_counter() - started, total


def bench_big(count: int, work: Path) -> None:
    kiosk = open_kiosk(work / "big")
    kiosk.clock.now = datetime.now(UTC)
    payload_bytes = seal_big(kiosk, count)
    with PortalSimulator(work / "portal-big.sqlite3", step_seconds=0) as portal:
        sync_seconds, _ = drain(kiosk, portal.url)
        bare_seconds, bare_bytes = bare_upload(portal.url, count)
    kiosk.close()
    sync_rate = payload_bytes / sync_seconds / MB
    bare_rate = bare_bytes / bare_seconds / MB
    print(f"drain {count} dossiers x 1 MB: {count / sync_seconds:.1f} dossiers/s, "
          f"{sync_rate:.1f} MB/s; bare requests upload loop {bare_rate:.1f} MB/s; "
          f"ratio {sync_rate / bare_rate:.2f}")


def bench_small(count: int, work: Path) -> None:
    kiosk = open_kiosk(work / "small")
    # A kiosk's block holds 1,000 codes a day: spread the dossiers over past days.
    per_day = 900
    kiosk.clock.now = datetime.now(UTC) - timedelta(days=count // per_day + 1)
    for start in range(0, count, per_day):
        kiosk.seal_births(min(per_day, count - start))
        kiosk.clock.advance(days=1)
    with PortalSimulator(work / "portal-small.sqlite3", step_seconds=0) as portal:
        seconds, samples = drain(kiosk, portal.url, every=max(1, count // 10))
    kiosk.close()
    series = ", ".join(f"{s:.0f}" for s in samples)
    print(f"drain {count} small dossiers: {count / seconds:.1f} dossiers/s; "
          f"RSS every {count // 10} sends (MB): {series}; growth first→last "
          f"{samples[-1] - samples[0]:+.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", type=int, default=1000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        if args.big:
            bench_big(args.big, Path(folder))
        if args.small:
            bench_small(args.small, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
