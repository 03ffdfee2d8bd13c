"""The kiosk's figures for Prometheus, read from the database at scrape time.

A custom collector rather than counters kept in memory: the queue is shared by
``kiosk run`` and ``kiosk sync`` (and a crashed process forgets its counters),
so each scrape reads the figures from one short read transaction and they are
true whichever process serves them.  Labels are few and bounded (states, error
classes, devices, rating levels); no dossier code, name or other personal datum
is ever a label or a value.  The kiosk id appears once, on ``kiosk_info``.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from kiosk.domain.dates import VIETNAM_TZ, to_vietnam_time
from kiosk.domain.ratings import LEVELS
from kiosk.domain.states import DossierState
from kiosk.metrics.devices import DEVICES, DeviceBoard
from kiosk.metrics.hours import OfficeHours
from kiosk.store.db import Database
from kiosk.store.metrics_queries import QueueFigures, read_figures

log = logging.getLogger(__name__)

Metric = GaugeMetricFamily | InfoMetricFamily

# The sync health log's failure codes, by the class an operator acts on.
ERROR_CLASSES: Mapping[str, tuple[str, ...]] = {
    "network": ("connection", "timeout", "reset"),
    "auth": ("unauthorized", "token_rejected"),
    "portal": ("http_", "redirect", "not_json", "answer_", "too_large", "paused"),
    "crash": ("crash",),
}
OTHER = "other"


def error_class(code: str | None) -> str:
    """The class of a sync failure code ("http_503" → "portal"); unknown codes: "other"."""
    for name, prefixes in ERROR_CLASSES.items():
        if code and any(code == p or (p.endswith("_") and code.startswith(p))
                        for p in prefixes):
            return name
    return OTHER


@dataclass(frozen=True)
class Identity:
    kiosk_id: str
    agency: str  # the agency code this kiosk's dossier codes start with
    version: str
    role: str  # "run" (the kiosk) or "sync" (``kiosk sync``)
    started_at: float  # the process start, seconds since the epoch


class KioskCollector(Collector):
    """Yields every ``kiosk_*`` family on each scrape; a database fault costs only its part."""

    def __init__(
        self, db: Database, identity: Identity, hours: OfficeHours, data_dir: Path, *,
        board: DeviceBoard | None = None, clock: Callable[[], datetime],
    ) -> None:
        self._db, self._identity, self._hours = db, identity, hours
        self._data_dir, self._board, self._clock = data_dir, board, clock

    def collect(self) -> Iterator[Metric]:
        now = self._clock()
        yield from self._process(now)
        figures = self._read(now)
        yield _gauge("kiosk_database_up", "1 when the last scrape could read the database",
                     1 if figures is not None else 0)
        if figures is not None:
            yield from _queue(figures, now)
            yield from self._sync(figures, now)
        yield from _disk(self._data_dir)
        if self._board is not None:
            yield _devices(self._board.snapshot())

    def _read(self, now: datetime) -> QueueFigures | None:
        local = to_vietnam_time(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            return read_figures(self._db, midnight, self._identity.agency)
        except Exception:  # a locked or broken database: say so in a figure, never fail
            log.warning("metrics: the database could not be read", exc_info=True)
            return None

    def _process(self, now: datetime) -> Iterator[Metric]:
        ident = self._identity
        info = InfoMetricFamily("kiosk", "The kiosk, its software version and this process's role",
                                labels=("kiosk_id", "version", "role"))
        info.add_metric((ident.kiosk_id, ident.version, ident.role), {})
        yield info
        yield _gauge("kiosk_process_start_time_seconds", "When this process started (Unix time)",
                     ident.started_at)
        yield _gauge("kiosk_uptime_seconds", "Seconds since this process started",
                     max(0.0, now.timestamp() - ident.started_at))
        yield _gauge("kiosk_office_open", "1 while the office is open (working day and hours)",
                     1 if self._hours.is_open(now) else 0)

    def _sync(self, figures: QueueFigures, now: datetime) -> Iterator[Metric]:
        health = figures.health
        success = health.last_contact_at
        yield _gauge("kiosk_sync_last_success_timestamp_seconds",
                     "When the portal last answered a sync pass (Unix time; 0: never)",
                     success.timestamp() if success else 0)
        yield _gauge("kiosk_sync_last_failure_timestamp_seconds",
                     "When a sync pass last failed (Unix time; 0: never)",
                     health.last_failure_at.timestamp() if health.last_failure_at else 0)
        since = success or datetime.fromtimestamp(self._identity.started_at, VIETNAM_TZ)
        yield _gauge("kiosk_sync_success_age_working_seconds",
                     "Office-hours seconds since the last successful sync (never: since this "
                     "process started)", self._hours.working_seconds(since, now))
        failing = GaugeMetricFamily("kiosk_sync_consecutive_failures",
                                    "Sync passes failed in a row, under the class of the "
                                    "latest failure (0 once a pass succeeds)", labels=("class",))
        current = error_class(health.last_failure_code) if health.failures_in_row else None
        for name in (*ERROR_CLASSES, OTHER):
            failing.add_metric((name,), health.failures_in_row if name == current else 0)
        yield failing


def _queue(figures: QueueFigures, now: datetime) -> Iterator[Metric]:
    states = GaugeMetricFamily("kiosk_dossiers", "Sealed dossiers in the queue, by state",
                               labels=("state",))
    for state in DossierState:
        states.add_metric((state.value,), figures.by_state.get(state, 0))
    yield states
    oldest = figures.oldest_unsent_at
    age = max(timedelta(0), now - oldest).total_seconds() if oldest else 0.0
    yield _gauge("kiosk_oldest_unsent_dossier_age_seconds",
                 "Age of the oldest dossier not yet at the portal (PENDING or SENDING; 0: none)",
                 age)
    yield _gauge("kiosk_dossiers_retrying",
                 "PENDING dossiers that failed to send at least once and wait to retry",
                 figures.retrying)
    yield _gauge("kiosk_dossiers_submitted_today",
                 "Dossiers sealed today (Vietnam time)", figures.sealed_since)
    ratings = GaugeMetricFamily("kiosk_ratings_today",
                                "Satisfaction ratings given today (Vietnam time), by level",
                                labels=("level",))
    for level in LEVELS:
        ratings.add_metric((str(level),), figures.ratings_since.get(level, 0))
    yield ratings


def _disk(data_dir: Path) -> Iterator[Metric]:
    folder = data_dir if data_dir.exists() else data_dir.parent
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        log.warning("metrics: the data dir's disk could not be measured", exc_info=True)
        return
    yield _gauge("kiosk_disk_free_bytes", "Free bytes on the data dir's filesystem", usage.free)
    yield _gauge("kiosk_disk_size_bytes", "Size in bytes of the data dir's filesystem",
                 usage.total)
    yield _gauge("kiosk_disk_free_ratio", "Free share (0–1) of the data dir's filesystem",
                 usage.free / usage.total if usage.total else 0)


def _devices(states: Mapping[str, bool]) -> GaugeMetricFamily:
    family = GaugeMetricFamily("kiosk_device_up", "1 when the device last worked, 0 when it "
                               "last failed; a device not yet used is left out",
                               labels=("device",))
    for device in DEVICES:
        if device in states:
            family.add_metric((device,), 1 if states[device] else 0)
    return family


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def process_start_time() -> float:
    """This process's start in Unix time (from /proc where there is one, else now)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text()
                    .splitlines() if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()

