"""The Qt half of the composition root: application, fonts, window, screens.

Start-up order is explicit: config and data dir (already resolved by the
caller) → database and its migrations → background sync (and the demo portal)
→ Qt application → fonts and theme → window and navigator.  Shutdown runs in
reverse.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from kiosk.background import BackgroundSync
from kiosk.services import Runtime, open_database
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow, Navigator


def run_kiosk(runtime: Runtime, *, demo: bool, windowed: bool) -> int:
    db = open_database(runtime)
    sync = BackgroundSync(runtime, db, demo=demo)
    try:
        sync.start()
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        window, _navigator = build_window(app, runtime, windowed=windowed)
        window.show_for_kiosk(windowed)
        return app.exec()
    finally:
        sync.stop()
        db.dispose()


def build_window(
    app: QApplication, runtime: Runtime, *, windowed: bool
) -> tuple[MainWindow, Navigator]:
    """Everything the resident sees, ready to show (tests and screenshots use this too)."""
    theme.load_fonts()
    theme.apply(app, theme.TextSize.NORMAL)
    window = MainWindow(windowed=windowed)
    site = runtime.config.site
    navigator = Navigator(app, window, site.name, site.office)
    navigator.go_home()
    return window, navigator
