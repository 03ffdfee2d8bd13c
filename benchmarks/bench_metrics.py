"""One Prometheus scrape of a kiosk with 10,000 dossiers, against a bare exporter, same run.

    python -m benchmarks.bench_metrics [--dossiers N] [--scrapes N] [--json]

A data dir is filled with ``--dossiers`` sealed dossiers (one sealed the real
way, the rest copies of its row under new codes: 90 % SENT, the rest PENDING,
FAILED and SENDING) and as many ratings, half of them today.  The kiosk's
exporter serves it on 127.0.0.1; the anchor is prometheus_client's own
endpoint with one gauge and the same process collector.  They are scraped
alternately over real HTTP, so a busy machine slows both alike.  The figure
that matters: a scrape takes a small fraction of Prometheus' 15 s interval.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from prometheus_client import CollectorRegistry, Gauge, ProcessCollector, start_http_server

from kiosk.config import MetricsConfig
from kiosk.domain.dates import to_vietnam_time, utc_now
from kiosk.metrics import start_exporter
from kiosk.services import DATABASE_FILE, Runtime, open_database
from kiosk.store.metrics_queries import read_figures
from tests.support.kiosk import birth_draft, configured_config, open_kiosk

SCRAPE_INTERVAL_S = 15.0


def fill(data_dir: Path, dossiers: int) -> None:
    """``dossiers`` rows in the real table (copies of one sealed the real way), and ratings."""
    site = open_kiosk(data_dir)
    now = utc_now()
    site.clock.now = now
    site.submitter.seal(birth_draft(site.catalogue, now, "seed"))
    site.close()
    with sqlite3.connect(data_dir / DATABASE_FILE) as raw:
        columns = [r[1] for r in raw.execute("PRAGMA table_info(dossiers)") if r[1] != "id"]
        row = dict(zip(columns, raw.execute(f"SELECT {', '.join(columns)} FROM dossiers")
                       .fetchone(), strict=True))
        raw.executemany(
            f"INSERT INTO dossiers ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})",
            (tuple(_copy(row, i, now)[c] for c in columns) for i in range(1, dossiers)))
        raw.executemany(
            "INSERT INTO ratings (idempotency_key, at, level, reasons, state, attempts, "
            "next_attempt_at) VALUES (?, ?, ?, '[]', 'PENDING', 0, ?)",
            ((f"bench-{i}", _stamp(now - timedelta(days=i % 2, minutes=i % 600)),
              5 - i % 5, _stamp(now)) for i in range(dossiers)))


def _copy(row: dict[str, object], i: int, now: datetime) -> dict[str, object]:
    state = "SENT" if i % 10 else ("PENDING", "FAILED", "SENDING", "PENDING")[i // 10 % 4]
    received = now - timedelta(minutes=i // 4)  # about 2,900 a working day: a busy kiosk
    agency = str(row["code"]).rsplit("-", 2)[0]
    code = f"{agency}-{to_vietnam_time(received):%y%m%d}-{i:06d}"  # as sealing names it
    return {**row, "code": code, "idempotency_key": f"bench-{i}", "draft_key": None,
            "state": state, "received_at": _stamp(received)}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # the store's format


def timed_scrape(url: str) -> float:
    began = time.perf_counter()
    response = requests.get(url, timeout=30)
    response.raise_for_status()
    return (time.perf_counter() - began) * 1000


def bare_endpoint(port: int) -> object:
    registry = CollectorRegistry(auto_describe=False)
    Gauge("bare_gauge", "one figure", registry=registry).set(1)
    ProcessCollector(registry=registry)
    server, _thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    return server


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(dossiers: int, scrapes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        fill(data_dir, dossiers)
        port, bare_port = free_port(), free_port()
        config = replace(configured_config(), metrics=MetricsConfig(f"127.0.0.1:{port}"))
        runtime = Runtime(config, data_dir)
        db = open_database(runtime)
        exporter = start_exporter(runtime, db, role="sync")
        assert exporter is not None
        bare = bare_endpoint(bare_port)
        ours, anchor, collect = [], [], []
        try:
            for _ in range(3):  # warm both up: first connections, first queries
                timed_scrape(f"http://127.0.0.1:{port}/metrics")
                timed_scrape(f"http://127.0.0.1:{bare_port}/metrics")
            for _ in range(scrapes):
                ours.append(timed_scrape(f"http://127.0.0.1:{port}/metrics"))
                anchor.append(timed_scrape(f"http://127.0.0.1:{bare_port}/metrics"))
                began = time.perf_counter()
                read_figures(db, utc_now() - timedelta(hours=12), config.site.agency_code)
                collect.append((time.perf_counter() - began) * 1000)
        finally:
            exporter.stop()
            bare.shutdown()  # type: ignore[attr-defined]
            bare.server_close()  # type: ignore[attr-defined]
            db.dispose()
    median = statistics.median(ours)
    return {
        "dossiers": dossiers,
        "scrapes": scrapes,
        "scrape_median_ms": round(median, 2),
        "scrape_p95_ms": round(sorted(ours)[int(0.95 * (len(ours) - 1))], 2),
        "scrape_max_ms": round(max(ours), 2),
        "bare_scrape_median_ms": round(statistics.median(anchor), 2),
        "ratio_to_bare": round(median / statistics.median(anchor), 2),
        "database_read_median_ms": round(statistics.median(collect), 2),
        "share_of_15s_interval": round(median / (SCRAPE_INTERVAL_S * 1000), 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON object of the figures")
    args = parser.parse_args()
    figures = measure(args.dossiers, args.scrapes)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{figures['dossiers']} dossiers, {figures['scrapes']} scrapes over HTTP")
    print(f"  kiosk exporter: median {figures['scrape_median_ms']} ms, p95 "
          f"{figures['scrape_p95_ms']} ms, max {figures['scrape_max_ms']} ms "
          f"(database read alone: {figures['database_read_median_ms']} ms)")
    print(f"  bare exporter:  median {figures['bare_scrape_median_ms']} ms "
          f"→ {figures['ratio_to_bare']}× the bare one")
    print(f"  one scrape = {figures['share_of_15s_interval'] * 100:.3f} % of a 15 s interval")


if __name__ == "__main__":
    main()
