"""Qt facts for ``kiosk doctor``, kept here so Qt stays inside ``kiosk.ui``."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

from kiosk.ui.platform_check import EXIT_NO_DISPLAY

PROBE_TIMEOUT_S = 30
# A child process opens the platform: a failing one aborts, or hangs on a dead display.
PROBE = ("import os, sys; from kiosk.ui.platform_check import probe; "
         "sys.exit(probe(os.environ))")

MESSAGES: dict[str, str] = {
    "opened": "{version}; nền tảng “{platform}” mở được",
    "failed": "{version}; {reason}",
    "timeout": "thử mở nền tảng Qt quá {seconds} giây không xong (màn hình treo?)",
    "crashed": "tiến trình thử mở nền tảng Qt thoát với mã {code}:",
    "frozen": "{version}; bản đóng gói không thử mở nền tảng được (chạy kiosk run để thử)",
}


@dataclass(frozen=True)
class PlatformReport:
    ok: bool
    detail: str


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"PySide6 {pyside_version}, Qt {qVersion()}"


def platform_report(timeout_s: float = PROBE_TIMEOUT_S) -> PlatformReport:
    """Whether the Qt platform the kiosk would use really opens, here and now."""
    version = qt_version()
    if getattr(sys, "frozen", False):  # a PyInstaller build has no ``python -c``
        return PlatformReport(True, MESSAGES["frozen"].format(version=version))
    try:
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        reason = MESSAGES["timeout"].format(seconds=timeout_s)
        return PlatformReport(False, MESSAGES["failed"].format(version=version, reason=reason))
    if done.returncode == 0:
        platform = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "?"
        return PlatformReport(True, MESSAGES["opened"].format(version=version, platform=platform))
    reason = meaningful_line(done.stderr) or ""
    if done.returncode != EXIT_NO_DISPLAY:  # not the probe's own verdict: a crash
        reason = " ".join([MESSAGES["crashed"].format(code=done.returncode), reason]).strip()
    return PlatformReport(False, MESSAGES["failed"].format(version=version, reason=reason))


def meaningful_line(stderr: str) -> str | None:
    """The line that says why: the probe's own (its last), or a traceback's exception."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else None
