"""The Qt half of the composition root: application, fonts, window, screens.

Start-up order is explicit: config and data dir (already resolved by the
caller) → database and its migrations → background sync (and the demo portal)
→ Qt application → fonts and theme → window and navigator.  Shutdown runs in
reverse.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.background import BackgroundSync
from kiosk.domain.dates import utc_now
from kiosk.memory import keep_frames_out_of_the_heap
from kiosk.receipts.service import ReceiptPrinter
from kiosk.scanner.frames import ExclusiveCamera, FrameSource, open_camera
from kiosk.scanner.sane import SaneScanner
from kiosk.services import (
    Runtime,
    active_catalogue,
    build_calendar,
    build_queue,
    ensure_demo_official,
    open_database,
)
from kiosk.store.db import Database
from kiosk.store.office import open_office
from kiosk.submission import Submitter
from kiosk.sync.status import read_sync_status
from kiosk.ui import platform_check, theme
from kiosk.ui.context import UiServices
from kiosk.ui.errors import install_exception_hook
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.printing import make_printer
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.voice import QtVoice, Voice


def run_kiosk(
    runtime: Runtime, env: Mapping[str, str], *, demo: bool, windowed: bool,
    on_ready: Callable[[MainWindow, Navigator], None] | None = None,
) -> int:
    """The kiosk until it quits; ``on_ready`` (the soak benchmark's driver) gets the shown
    window, so long runs exercise exactly this start-up and shutdown."""
    problem = platform_check.startup_problem(env)
    if problem is not None:  # said before anything starts, so there is nothing to undo
        print(problem, file=sys.stderr)
        return platform_check.EXIT_NO_DISPLAY
    keep_frames_out_of_the_heap()  # before any camera thread allocates its first frame
    db = open_database(runtime)
    if demo:
        ensure_demo_official(db, utc_now())
    sync = BackgroundSync(runtime, db, demo=demo)
    try:
        sync.start()
        with platform_check.explained_start_up(env):  # a display named but unreachable
            app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        voice = QtVoice()  # connects to the speech server on a thread of its own
        services = build_ui_services(runtime, db, env, voice)
        window, navigator = build_window(app, services, windowed=windowed)
        uninstall_hook = install_exception_hook(navigator.show_error)
        navigator.quit_requested.connect(app.exit)  # restart (75) or shut down (0), audited
        window.show_for_kiosk(windowed)
        if on_ready is not None:
            on_ready(window, navigator)
        code = app.exec()
        uninstall_hook()
        navigator.shutdown()
        voice.close()
        return code
    finally:
        sync.stop()
        db.dispose()


def build_ui_services(
    runtime: Runtime, db: Database, env: Mapping[str, str], voice: Voice | None = None,
) -> UiServices:
    config = runtime.config
    queue = build_queue(runtime, db)
    submitter = Submitter(queue, build_calendar(config), config, utc_now)
    printer = ReceiptPrinter(config, make_printer(config.printer), receipt_folder(runtime))
    camera = config.camera

    def camera_source() -> FrameSource:
        return open_camera(camera.device, width=camera.width, height=camera.height)

    usb_root = Path(config.kiosk.usb_root) if config.kiosk.usb_root else None
    return UiServices(config, active_catalogue(runtime), queue, submitter, utc_now,
                      print_receipt=printer.print,
                      open_camera=ExclusiveCamera(camera_source),  # one opener at a time
                      open_scanner=lambda: SaneScanner(env), usb_root=usb_root, voice=voice,
                      office=open_office(db), read_sync=lambda: read_sync_status(db))


def receipt_folder(runtime: Runtime) -> Path | None:
    """Where "file" mode saves slips: the configured folder, else <data dir>/receipts."""
    printer = runtime.config.printer
    if printer.mode != "file":
        return None
    return Path(printer.name) if printer.name else runtime.data_dir / "receipts"


def build_window(
    app: QApplication, services: UiServices, *, windowed: bool
) -> tuple[MainWindow, Navigator]:
    """Everything the resident sees, ready to show (tests and screenshots use this too)."""
    theme.load_fonts()
    theme.apply(app, theme.TextSize.NORMAL)
    window = MainWindow(windowed=windowed)
    navigator = Navigator(app, window, services, BackgroundRunner(window))
    navigator.go_home()
    return window, navigator
