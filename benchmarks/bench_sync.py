"""Sync throughput and memory, against the real portal simulator on loopback.

    .venv/bin/python -m benchmarks.bench_sync                 # both measurements
    .venv/bin/python -m benchmarks.bench_sync --big 200 --small 2000   # quicker
    .venv/bin/python -m benchmarks.bench_sync --json          # one JSON object

1. Drain N dossiers with a 1 MB attachment (and the kiosk's declaration) each:
   dossiers per second, and the sync's upload throughput divided by a bare
   ``requests`` loop uploading files of the same sizes to the same simulator
   in the same run, the two alternated in rounds so that a busy machine slows
   both alike.
2. Drain M small dossiers and sample the process's resident memory every
   1,000 sends: the worker must not grow with the queue.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.sync.client import PortalClient
from tests.support.kiosk import Kiosk, birth_draft, open_kiosk, tiny_pdf

CLIENT_ID, SECRET = next(iter(DEMO_CREDENTIALS.items()))
MB = 1024 * 1024


def big_pdf(index: int, size: int = MB) -> bytes:
    """A file of ``size`` bytes the simulator accepts as PDF, different for every index."""
    head = tiny_pdf(f"big {index}")
    filler = hashlib.sha256(str(index).encode()).digest() * (size // 32 + 1)
    return head + b"%" + filler[: size - len(head) - 1]


def seal_big(kiosk: Kiosk, count: int) -> list[list[int]]:
    """Seal ``count`` dossiers whose supporting document is 1 MB; the sizes of their files.

    The declaration (the first document) is replaced at sealing by the PDF the
    kiosk generates, so the large file goes in the second; the sizes are taken
    from what the queue holds, which is exactly what the worker uploads.
    """
    sizes = []
    for i in range(count):
        draft = birth_draft(kiosk.catalogue, kiosk.clock(), f"b{i}")
        *rest, last = draft.documents
        dossier = kiosk.submitter.seal(replace(draft, documents=(
            *rest, replace(last, data=big_pdf(i)))))
        detail = kiosk.queue.find(dossier.code)
        assert detail is not None
        sizes.append([a.size for a in detail.attachments])
    return sizes


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


class BareLoop:
    """The anchor: a plain ``requests`` loop, hashing then uploading files of the same sizes
    as the dossiers' (new bytes: the portal keeps files by hash)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        token = self.session.post(url + "/api/v1/token", json={
            "client_id": CLIENT_ID, "client_secret": SECRET}, timeout=30).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.sent = 0

    def upload(self, dossiers: list[list[int]]) -> tuple[float, int]:
        # Made before the clock starts: the kiosk's files are already on disk too.
        files = []
        for size in (size for sizes in dossiers for size in sizes):
            files.append(big_pdf(10_000_000 + self.sent, size))
            self.sent += 1
        total, started = 0, time.perf_counter()
        for data in files:
            digest = hashlib.sha256(data).hexdigest()
            response = self.session.post(self.url + "/api/v1/files", headers=self.headers,
                                         timeout=60, data={"sha256": digest},
                                         files={"file": ("x.pdf", data, "application/pdf")})
            response.raise_for_status()
            total += len(data)
        return time.perf_counter() - started, total


def bench_big(count: int, rounds: int, work: Path) -> dict[str, float]:
    """Drain ``count`` dossiers in ``rounds`` slices, each slice followed (or preceded, every
    other round) by the bare loop uploading as many files: both see the same machine."""
    kiosk = open_kiosk(work / "big")
    kiosk.clock.now = datetime.now(UTC)
    sizes = seal_big(kiosk, count)
    payload_bytes = sum(map(sum, sizes))
    per_round = max(1, count // rounds)
    sync_seconds = bare_seconds = 0.0
    bare_bytes = 0
    with PortalSimulator(work / "portal-big.sqlite3", step_seconds=0) as portal:
        client = PortalClient(portal.url, CLIENT_ID, SECRET, timeout=60)
        worker = kiosk.sync_worker(client)
        worker.acquire()
        bare = BareLoop(portal.url)
        sent, turn = 0, 0
        while sent < count:
            batch = sizes[turn * per_round:(turn + 1) * per_round]
            if turn % 2:
                seconds, size = bare.upload(batch)
                bare_seconds, bare_bytes = bare_seconds + seconds, bare_bytes + size
            started = time.perf_counter()
            sent += worker.send_due(limit=per_round).sent
            sync_seconds += time.perf_counter() - started
            if not turn % 2:
                seconds, size = bare.upload(batch)
                bare_seconds, bare_bytes = bare_seconds + seconds, bare_bytes + size
            turn += 1
            if turn > 10 * rounds:
                raise SystemExit(f"the worker stopped sending after {sent} dossiers")
        client.close()
        bare.session.close()
    kiosk.close()
    sync_rate = payload_bytes / sync_seconds / MB
    bare_rate = bare_bytes / bare_seconds / MB
    return {"dossiers": count, "dossiers_per_second": count / sync_seconds,
            "sync_mb_per_second": sync_rate, "bare_requests_mb_per_second": bare_rate,
            "ratio_to_bare": sync_rate / bare_rate, "target_ratio": 0.8}


def bench_small(count: int, work: Path) -> dict[str, float]:
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
    return {"small_dossiers": count, "small_dossiers_per_second": count / seconds,
            "rss_first_mb": samples[0], "rss_last_mb": samples[-1],
            "rss_growth_mb": samples[-1] - samples[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10, help="alternations with the anchor")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as folder:
        if args.big:
            figures |= bench_big(args.big, args.rounds, Path(folder))
        if args.small:
            figures |= bench_small(args.small, Path(folder))
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.big:
        print(f"drain {args.big} dossiers x 1 MB in {args.rounds} rounds alternated with a bare "
              f"requests upload loop: {figures['dossiers_per_second']:.1f} dossiers/s, "
              f"{figures['sync_mb_per_second']:.1f} MB/s; bare loop "
              f"{figures['bare_requests_mb_per_second']:.1f} MB/s; ratio "
              f"{figures['ratio_to_bare']:.2f} (target >= 0.8)")
    if args.small:
        print(f"drain {args.small} small dossiers: {figures['small_dossiers_per_second']:.1f} "
              f"dossiers/s; RSS {figures['rss_first_mb']:.0f} -> {figures['rss_last_mb']:.0f} MB "
              f"({figures['rss_growth_mb']:+.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
