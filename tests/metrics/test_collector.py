"""The collector's rules, in one process: error classes, office hours, the device board,
a database that cannot be read, and an exporter that stops and gives its port back."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from kiosk.config import CameraConfig, Config, MetricsConfig, PrinterConfig
from kiosk.metrics import start_exporter
from kiosk.metrics.collector import error_class
from kiosk.metrics.devices import DeviceBoard, initial_states, watch_call, watch_scanner
from kiosk.metrics.hours import OfficeHours
from kiosk.scanner.errors import CaptureError
from kiosk.scanner.sane import ScanDevice, Scanner
from kiosk.services import Runtime, build_calendar
from kiosk.store.db import Database
from kiosk.store.syncstate import SyncHealthLog
from tests.metrics.support import free_port, scrape, value
from tests.support.kiosk import open_kiosk

VN = timedelta(hours=7)


def vn(*args: int) -> datetime:
    """A Vietnam wall-clock moment, as the aware UTC moment the kiosk keeps."""
    return datetime(*args, tzinfo=UTC) - VN  # type: ignore[misc]


@pytest.mark.parametrize(("code", "kind"), [
    ("connection", "network"), ("timeout", "network"), ("reset", "network"),
    ("unauthorized", "auth"), ("token_rejected", "auth"),
    ("http_503", "portal"), ("http_429", "portal"), ("redirect", "portal"),
    ("answer_json", "portal"), ("not_json", "portal"), ("paused", "portal"),
    ("crash", "crash"), ("http", "other"), ("surprise", "other"), (None, "other"),
    ("crashed", "other"),
])
def test_each_sync_failure_code_falls_in_one_small_class(code: str | None, kind: str) -> None:
    assert error_class(code) == kind


@pytest.fixture
def hours() -> OfficeHours:
    return OfficeHours(build_calendar(Config()), time(7, 30), time(17, 0))


@pytest.mark.parametrize(("moment", "is_open"), [
    (vn(2026, 11, 24, 9, 30), True),  # a Tuesday morning
    (vn(2026, 11, 24, 7, 29), False),  # before opening
    (vn(2026, 11, 24, 17, 0), False),  # closing time
    (vn(2026, 11, 28, 10, 0), False),  # a Saturday
    (vn(2026, 9, 2, 10, 0), False),  # Quốc khánh, a Wednesday
])
def test_the_office_is_open_on_working_days_in_working_hours(
    hours: OfficeHours, moment: datetime, is_open: bool,
) -> None:
    assert hours.is_open(moment) is is_open


def test_working_seconds_skip_nights_weekends_and_holidays(hours: OfficeHours) -> None:
    friday_four, monday_nine = vn(2026, 11, 27, 16, 0), vn(2026, 11, 30, 9, 0)
    assert hours.working_seconds(friday_four, monday_nine) == 3600 + 90 * 60
    assert hours.working_seconds(vn(2026, 11, 24, 9, 0), vn(2026, 11, 24, 9, 10)) == 600
    assert hours.working_seconds(vn(2026, 11, 24, 18, 0), vn(2026, 11, 25, 7, 0)) == 0
    # 1 and 2 September 2026 (Tuesday, Wednesday) are days off: Monday 31 August counts
    assert hours.working_seconds(vn(2026, 8, 31, 7, 0), vn(2026, 9, 3, 7, 0)) == 9.5 * 3600
    assert hours.working_seconds(monday_nine, friday_four) == 0


def test_the_board_records_how_each_call_went_and_lets_errors_through() -> None:
    board = DeviceBoard({"camera": True})
    printed = watch_call(board, "printer", lambda pdf: len(pdf))
    assert printed(b"abc") == 3 and board.snapshot() == {"camera": True, "printer": True}

    def jammed(pdf: bytes) -> None:
        raise OSError("paper out")

    with pytest.raises(OSError, match="paper out"):
        watch_call(board, "printer", jammed)(b"abc")
    assert board.snapshot()["printer"] is False


class Flatbed:
    """A scanner that lists what it is told and fails scans when told (no SANE needed)."""

    def __init__(self, devices: list[ScanDevice], fails: bool = False) -> None:
        self.devices, self.fails = devices, fails

    def list_devices(self) -> list[ScanDevice]:
        return self.devices

    def scan(self, out_file: Path, *, device: str | None = None, dpi: int = 200,
             mode: str = "Gray") -> Path:
        if self.fails:
            raise CaptureError("scan_failed", "Máy quét không quét được.")
        return out_file


def test_the_scanner_is_up_when_listed_and_down_when_absent_or_failing(tmp_path: Path) -> None:
    board = DeviceBoard()
    flatbed = Flatbed([ScanDevice("test:0", "SANE", "Flatbed", "scanner")])
    opened: Scanner = watch_scanner(board, lambda: flatbed)()
    assert "scanner" not in board.snapshot()  # not asked yet: unknown, left out
    assert opened.list_devices() == flatbed.devices
    assert board.snapshot() == {"scanner": True}
    flatbed.fails = True
    with pytest.raises(CaptureError):
        opened.scan(tmp_path / "page.png")
    assert board.snapshot() == {"scanner": False}
    flatbed.devices = []
    flatbed.fails = False
    assert opened.list_devices() == []
    assert board.snapshot() == {"scanner": False}


def runtime_on(data_dir: Path, port: int) -> Runtime:
    return Runtime(replace(Config(), metrics=MetricsConfig(address=f"127.0.0.1:{port}")),
                   data_dir)


def test_an_exporter_in_process_serves_the_health_log_and_gives_its_port_back(
    tmp_path: Path,
) -> None:
    site = open_kiosk(tmp_path / "data")
    SyncHealthLog(site.db).failed(datetime.now(UTC), "connection", "mất mạng")
    port = free_port()
    exporter = start_exporter(runtime_on(site.runtime.data_dir, port), site.db, role="sync")
    assert exporter is not None and exporter.board is None and exporter.port == port
    try:
        families = scrape(f"http://127.0.0.1:{port}/metrics")
        assert value(families, "kiosk_sync_consecutive_failures", **{"class": "network"}) == 1
        assert value(families, "kiosk_sync_last_success_timestamp_seconds") == 0  # never
        assert "process_cpu_seconds" in families  # the parser drops "_total"
    finally:
        exporter.stop()
        site.close()
    with socket.socket() as again:  # free again once stopped (as a new server binds it)
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_a_database_that_cannot_be_read_is_a_figure_not_a_failed_scrape(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    db = Database(broken)
    port = free_port()
    exporter = start_exporter(runtime_on(tmp_path, port), db, role="run")
    assert exporter is not None and exporter.board is not None
    try:
        families = scrape(f"http://127.0.0.1:{port}/metrics")
    finally:
        exporter.stop()
        db.dispose()
    assert value(families, "kiosk_database_up") == 0
    assert "kiosk_dossiers" not in families
    assert value(families, "kiosk_disk_free_ratio") > 0
    assert value(families, "kiosk_info", role="run") == 1


def test_no_address_starts_nothing(tmp_path: Path) -> None:
    runtime = Runtime(Config(), tmp_path)
    assert start_exporter(runtime, Database(tmp_path / "unused.sqlite3"), role="run") is None


@pytest.mark.parametrize(("printer", "camera", "expected"), [
    (PrinterConfig(mode="file"), CameraConfig(device="demo"), {"printer": True, "camera": True}),
    (PrinterConfig(name="/dev/no-such-printer", mode="escpos-raster"), CameraConfig(device="97"),
     {"printer": False, "camera": False}),
    (PrinterConfig(name="", mode="escpos-raster"), CameraConfig(device="/no/such/file.mp4"),
     {"printer": False, "camera": False}),
])
def test_before_any_use_the_board_starts_from_what_can_be_checked_without_opening(
    printer: PrinterConfig, camera: CameraConfig, expected: dict[str, bool],
) -> None:
    assert initial_states(replace(Config(), printer=printer, camera=camera)) == expected


@pytest.mark.skipif(Path("/dev/video0").exists(), reason="this machine has a webcam 0")
def test_an_auto_camera_without_webcam_0_is_unknown_until_first_opened() -> None:
    states = initial_states(replace(Config(), printer=PrinterConfig(mode="file"),
                                    camera=CameraConfig(device="auto")))
    assert states == {"printer": True}
