"""The kiosk's health as the dashboard shows it: one line per device, gathered off the GUI thread.

Nothing here opens the camera (a resident may need it a moment later, and
only one opener may hold it): the camera line says what is configured and
whether its device node exists.  The scanner is asked as the Documents step
asks it (``scanimage -L`` with its timeout); the portal counts as reachable
when the sync worker's last pass reached it and none failed since — and is
«chưa cấu hình» while the config has no portal address or credentials; the
sync worker is alive while its lease is renewed.  A device this kiosk does not
have (no camera, no scanner) is neither good nor bad: its line has no tick.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.config import Config
from kiosk.domain.dates import format_moment
from kiosk.scanner.availability import probe_scanner
from kiosk.scanner.sane import Scanner
from kiosk.sync.status import SyncStatus

TEXTS = {
    "camera": "Camera",
    "camera_none": "không lắp camera",
    "camera_demo": "camera thử (hình mẫu)",
    "camera_auto": "tự chọn camera (camera số 0, nếu không có thì hình mẫu)",
    "camera_device": "camera số {index}: {state}",
    "present": "đã cắm",
    "missing": "không thấy thiết bị",
    "camera_file": "phát từ tệp {path}",
    "scanner": "Máy quét",
    "scanner_none": "không lắp máy quét",
    "scanner_ok": "sẵn sàng",
    "scanner_missing": "không thấy máy quét",
    "printer": "Máy in",
    "printer_file": "không in giấy: phiếu lưu thành tệp PDF",
    "printer_system": "máy in {name} qua CUPS",
    "printer_default": "máy in mặc định",
    "printer_no_cups": "không có lệnh in lp (CUPS)",
    "printer_escpos": "máy in nhiệt {name}: {state}",
    "portal": "Cổng dịch vụ công",
    "portal_ok": "liên lạc được",
    "portal_down": "chưa liên lạc được ({message})",
    "portal_never": "chưa liên lạc được lần nào",
    "portal_unconfigured": "chưa cấu hình (hồ sơ vẫn được nhận và chờ gửi)",
    "disk": "Ổ đĩa",
    "disk_free": "còn trống {mb} MB",
    "last_sync": "Đồng bộ thành công gần nhất",
    "never": "chưa có",
    "worker": "Tiến trình đồng bộ",
    "worker_alive": "đang chạy (báo hiệu lúc {beat})",
    "worker_stale": "không còn báo hiệu từ {beat}",
    "worker_none": "không chạy",
}
LOW_DISK_MB = 200


@dataclass(frozen=True)
class DeviceLine:
    name: str
    state: str
    ok: bool | None  # None: nothing to check (a device this kiosk does not have)


@dataclass(frozen=True)
class DeviceProbe:
    """What the probe needs: plain data and functions, no widgets."""

    config: Config
    data_root: Path  # the disk the dossiers live on
    has_camera: bool
    open_scanner: Callable[[], Scanner] | None
    read_sync: Callable[[], SyncStatus] | None


def gather(probe: DeviceProbe, now: datetime) -> list[DeviceLine]:
    """Every line (runs on the BackgroundRunner: the scanner probe can take seconds)."""
    sync = probe.read_sync() if probe.read_sync is not None else None
    return [_camera(probe), _scanner(probe), _printer(probe.config),
            _portal(probe.config, sync),
            _disk(probe.data_root), _last_sync(sync), _worker(sync, now)]


def _camera(probe: DeviceProbe) -> DeviceLine:
    spec = probe.config.camera.device
    if not probe.has_camera:
        return DeviceLine(TEXTS["camera"], TEXTS["camera_none"], None)
    if spec == "demo":
        return DeviceLine(TEXTS["camera"], TEXTS["camera_demo"], True)
    if spec == "auto":
        return DeviceLine(TEXTS["camera"], TEXTS["camera_auto"], True)
    if spec.isdigit():
        present = Path(f"/dev/video{spec}").exists()
        state = TEXTS["present"] if present else TEXTS["missing"]
        return DeviceLine(TEXTS["camera"], TEXTS["camera_device"].format(index=spec, state=state),
                          present)
    exists = Path(spec).exists()
    return DeviceLine(TEXTS["camera"], TEXTS["camera_file"].format(path=spec), exists)


def _scanner(probe: DeviceProbe) -> DeviceLine:
    if probe.open_scanner is None:
        return DeviceLine(TEXTS["scanner"], TEXTS["scanner_none"], None)
    found = probe_scanner(probe.open_scanner)
    return DeviceLine(TEXTS["scanner"], TEXTS["scanner_ok" if found else "scanner_missing"],
                      found)


def _printer(config: Config) -> DeviceLine:
    printer = config.printer
    if printer.mode == "file":
        return DeviceLine(TEXTS["printer"], TEXTS["printer_file"], True)
    if printer.mode == "escpos-raster":
        present = bool(printer.name) and Path(printer.name).exists()
        state = TEXTS["present"] if present else TEXTS["missing"]
        return DeviceLine(TEXTS["printer"], TEXTS["printer_escpos"].format(
            name=printer.name or "?", state=state), present)
    if shutil.which("lp") is None:
        return DeviceLine(TEXTS["printer"], TEXTS["printer_no_cups"], False)
    name = TEXTS["printer_system"].format(name=printer.name) if printer.name else (
        TEXTS["printer_default"])
    return DeviceLine(TEXTS["printer"], name, True)


def _portal(config: Config, sync: SyncStatus | None) -> DeviceLine:
    if not config.portal.configured:
        return DeviceLine(TEXTS["portal"], TEXTS["portal_unconfigured"], False)
    health = sync.health if sync is not None else None
    if health is None or health.last_contact_at is None:
        return DeviceLine(TEXTS["portal"], TEXTS["portal_never"], False)
    if sync is not None and sync.failing:
        message = health.last_failure_message or health.last_failure_code or ""
        return DeviceLine(TEXTS["portal"], TEXTS["portal_down"].format(message=message), False)
    return DeviceLine(TEXTS["portal"], TEXTS["portal_ok"], True)


def _disk(root: Path) -> DeviceLine:
    folder = root if root.exists() else root.parent
    free = shutil.disk_usage(folder).free // (1024 * 1024)
    return DeviceLine(TEXTS["disk"], TEXTS["disk_free"].format(mb=f"{free:,}".replace(",", ".")),
                      free >= LOW_DISK_MB)


def _last_sync(sync: SyncStatus | None) -> DeviceLine:
    at = sync.health.last_contact_at if sync is not None else None
    return DeviceLine(TEXTS["last_sync"], format_moment(at) if at else TEXTS["never"],
                      at is not None)


def _worker(sync: SyncStatus | None, now: datetime) -> DeviceLine:
    holder = sync.holder if sync is not None else None
    if holder is None:
        return DeviceLine(TEXTS["worker"], TEXTS["worker_none"], False)
    beat = format_moment(holder.heartbeat_at)
    alive = holder.expires_at > now
    key = "worker_alive" if alive else "worker_stale"
    return DeviceLine(TEXTS["worker"], TEXTS[key].format(beat=beat), alive)
