"""``kiosk doctor``: what a technician checks first when a kiosk misbehaves.

Each check is small and independent; one failing never stops the others.
Essential checks decide the exit code, the rest are warnings (a kiosk without
a scanner still works).  No fault (a corrupt database, a read-only folder, a
full disk) crashes the doctor: each is a failed check in words.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import logging
import shutil
import stat
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

from kiosk.domain.dates import utc_now
from kiosk.domain.errors import DomainError
from kiosk.paths import resource
from kiosk.services import (
    DATABASE_FILE,
    OWN_NAMES,
    Runtime,
    active_catalogue,
    open_database,
    shipped_catalogue,
)
from kiosk.store.faults import FAULTS, as_store_error, corrupt_copies

_log = logging.getLogger(__name__)
PORTAL_NOT_CONFIGURED = (
    "Cổng dịch vụ công: chưa cấu hình (mục [portal] của tệp cấu hình cần url, client_id và "
    "client_secret); hồ sơ chỉ được lưu trên kiosk, chưa gửi đi được."
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    essential: bool = True

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_checks(runtime: Runtime) -> list[Check]:
    checks: list[Check] = []
    for probe in _PROBES:
        try:
            checks.append(probe(runtime))
        except Exception as exc:
            name = probe.__name__.removeprefix("_check_").replace("_", " ")
            checks.append(Check(name, False, _describe(exc, runtime)))
    return checks


def _describe(exc: Exception, runtime: Runtime) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, FAULTS):
        return as_store_error(exc, runtime.data_dir).message
    _log.error("doctor check failed", exc_info=True)
    return f"lỗi không lường trước ({type(exc).__name__}): {exc}"


def _check_python(_runtime: Runtime) -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    return Check("python", sys.version_info >= (3, 11), f"Python {version}")


def _check_data_dir(runtime: Runtime) -> Check:
    from kiosk.store.faults import prepare_data_dir

    prepare_data_dir(runtime.data_dir, OWN_NAMES)
    probe = runtime.data_dir / ".doctor-write-test"
    probe.write_bytes(b"ok")
    probe.unlink()
    free = shutil.disk_usage(runtime.data_dir).free // (1024 * 1024)
    mode = stat.S_IMODE(runtime.data_dir.stat().st_mode)
    private = not mode & 0o077
    detail = (f"{runtime.data_dir} ghi được, còn trống {free} MB, quyền {mode:o}"
              + ("" if private else " (người khác đọc được: cần 700)"))
    return Check("data dir", free >= 200 and private, detail)


def _check_database(runtime: Runtime) -> Check:
    db = open_database(runtime)
    try:
        with db.engine.connect() as connection:
            result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        db.dispose()
    return Check("database", result == "ok", f"{db.path}: {result}, journal {mode}")


def _check_corrupt_copies(runtime: Runtime) -> Check:
    """A corrupt database moved aside may hold dossiers never sent: a technician must look."""
    moved = corrupt_copies(runtime.data_dir / DATABASE_FILE)
    if not moved:
        return Check("corrupt database", True, "không có cơ sở dữ liệu hỏng nào bị chuyển đi")
    names = ", ".join(str(p) for p in moved)
    return Check("corrupt database", False,
                 f"cơ sở dữ liệu hỏng đã được chuyển sang {names}: có thể còn hồ sơ chưa gửi, "
                 "xin sao lưu để khôi phục rồi xoá khỏi thư mục dữ liệu")


def _check_portal(runtime: Runtime) -> Check:
    portal = runtime.config.portal
    if not portal.configured:
        return Check("portal", False, PORTAL_NOT_CONFIGURED)
    return Check("portal", True, f"Cổng dịch vụ công: {portal.url} (tài khoản {portal.client_id})")


def _check_catalogue(_runtime: Runtime) -> Check:
    count = len(shipped_catalogue().search(""))
    return Check("catalogue", count > 0, f"{count} thủ tục")


def _check_fees(runtime: Runtime) -> Check:
    """Every fee the provincial council sets must have the site's amount, or sealing fails."""
    missing = sorted({f"{p.code} ({fee.config_key})" for p in active_catalogue(runtime)
                      for fee in p.fees
                      if fee.kind == "council" and fee.config_key not in runtime.config.fees})
    detail = "đủ mức phí do HĐND tỉnh quy định" if not missing else (
        "chưa cấu hình mức phí [fees] cho: " + ", ".join(missing))
    return Check("council fees", not missing, detail)


def _check_fonts(_runtime: Runtime) -> Check:
    names = ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf"]
    missing = [n for n in names if not resource("fonts", n).is_file()]
    return Check("fonts", not missing, "đủ phông Noto Sans" if not missing else f"thiếu {missing}")


def _check_qt(_runtime: Runtime) -> Check:
    """Qt's version, and whether its platform plugin really opens a screen here."""
    from kiosk.ui.diagnostics import platform_report

    report = platform_report()
    return Check("qt", report.ok, report.detail)


def _check_modules(_runtime: Runtime) -> Check:
    wanted = ["cv2", "zxingcpp", "pyzbar", "reportlab", "requests", "sqlalchemy", "alembic"]
    missing = [m for m in wanted if importlib.util.find_spec(m) is None]
    return Check("python packages", not missing, "đủ" if not missing else f"thiếu {missing}")


def _check_sync(runtime: Runtime) -> Check:
    """Who syncs, when the portal last answered, the last failure and why."""
    from kiosk.sync.status import read_sync_status, status_lines

    db = open_database(runtime)
    try:
        status = read_sync_status(db)
    finally:
        db.dispose()
    detail = " ".join(status_lines(status, utc_now()))
    return Check("sync", not status.failing, detail, essential=False)


def _check_zbar(_runtime: Runtime) -> Check:
    found = ctypes.util.find_library("zbar")
    detail = found or "không có libzbar0 (chỉ cần khi chọn bộ đọc mã zbar)"
    return Check("libzbar", found is not None, detail, essential=False)


def _check_sane(_runtime: Runtime) -> Check:
    path = shutil.which("scanimage")
    return Check("scanner (SANE)", path is not None, path or "không có scanimage", essential=False)


def _check_cups(_runtime: Runtime) -> Check:
    path = shutil.which("lp")
    return Check("printing (CUPS)", path is not None, path or "không có lệnh lp", essential=False)


_PROBES: list[Callable[[Runtime], Check]] = [
    _check_python,
    _check_data_dir,
    _check_database,
    _check_corrupt_copies,
    _check_portal,
    _check_catalogue,
    _check_fees,
    _check_fonts,
    _check_qt,
    _check_modules,
    _check_sync,
    _check_zbar,
    _check_sane,
    _check_cups,
]
