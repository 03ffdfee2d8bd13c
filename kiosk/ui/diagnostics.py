"""Qt facts for ``kiosk doctor``, kept here so Qt stays inside ``kiosk.ui``."""

from __future__ import annotations


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"PySide6 {pyside_version}, Qt {qVersion()}"
