"""The Qt half of the composition root: application, fonts, window, screens.

Start-up order is explicit, and Home comes first (issue 13): config and data dir
(already resolved by the caller) → Qt application → fonts and theme → the window
showing Home.  Once Home has been painted, a start-up thread opens the log file
(the caller's ``prepare``), fixes the allocator for camera frames, imports the database
layer, opens the database and runs its migrations, adds the demo official and
starts background sync (and the demo portal), and imports every other screen's
module; back on the GUI thread the services, the navigator and the other screens
are built.  Nothing touches the database before its migrations have run; a tap on
Home before the navigator exists is kept and answered as soon as it does.  A fault
opening the database ends the kiosk as before: the window closes and the caller
prints the Vietnamese message (exit code 5).  Shutdown runs in reverse.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from kiosk.services import Runtime
from kiosk.ui import platform_check, theme
from kiosk.ui.main_window import FirstPaint, MainWindow, ms_since_process_start
from kiosk.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    from kiosk.background import BackgroundSync
    from kiosk.metrics.devices import DeviceBoard
    from kiosk.metrics.exporter import Exporter
    from kiosk.store.db import Database
    from kiosk.ui.context import UiServices
    from kiosk.ui.navigator import Navigator
    from kiosk.ui.voice import QtVoice, Voice

# Home's intents, each kept if tapped before the navigator is there to answer it.
HOME_INTENTS = ("submit_requested", "track_requested", "guide_requested", "help_requested",
                "text_size_toggled", "official_requested")


def run_kiosk(
    runtime: Runtime, env: Mapping[str, str], *, demo: bool, windowed: bool,
    on_ready: Callable[[MainWindow, Navigator], None] | None = None,
    quit_when_ready: bool = False, prepare: Callable[[], object] | None = None,
) -> int:
    """The kiosk until it quits; ``on_ready`` (the soak benchmark's driver) gets the shown
    window once everything is built, so long runs exercise exactly this start-up and
    shutdown.  ``quit_when_ready`` (``benchmarks.bench_start``): print when Home was first
    painted and when everything was ready, in milliseconds since the process started, then
    shut down as at any other exit.  ``prepare`` (the CLI's log file) runs first thing on
    the start-up thread, before the database opens."""
    problem = platform_check.startup_problem(env)
    if problem is not None:  # said before anything starts, so there is nothing to undo
        print(problem, file=sys.stderr)
        return platform_check.EXIT_NO_DISPLAY
    with platform_check.explained_start_up(env):  # a display named but unreachable
        app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.load_fonts()
    theme.apply(app, theme.TextSize.NORMAL)
    window = MainWindow(windowed=windowed)
    window.hide_cursor = False  # until Home is painted: hiding it needs Qt's enums (below)
    home = HomeScreen.for_site(runtime.config.site)
    window.stack.addWidget(home)
    start = StartUp(app, window, home, runtime, env, demo=demo, prepare=prepare)
    start.on_ready = on_ready
    start.quit_when_ready = quit_when_ready
    painted = FirstPaint(home).painted
    painted.connect(start.home_painted)
    painted.connect(lambda _ms: tell_systemd(window, env))
    window.show_for_kiosk(windowed)
    try:
        code = app.exec()
    finally:
        start.close()
    if start.error is not None:
        raise start.error  # the caller says it in Vietnamese (a StoreError: exit code 5)
    return code


def tell_systemd(parent: QObject, env: Mapping[str, str]) -> None:
    """Under systemd (``Type=notify``): READY once Home is painted, then WATCHDOG from a
    timer on the GUI thread, so a hung GUI thread stops the pings and systemd restarts it."""
    from PySide6.QtCore import QTimer

    from kiosk.systemd_notify import READY, WATCHDOG, Notifier, status

    notifier = Notifier(env)
    if not notifier.send(READY, status("Trang chủ đã hiện")) or notifier.watchdog_seconds is None:
        return
    timer = QTimer(parent)
    timer.setInterval(max(1, int(notifier.watchdog_seconds * 1000)))
    timer.timeout.connect(lambda: notifier.send(WATCHDOG))
    timer.start()


class StartUp(QObject):
    """What comes after Home: loaded on a thread of its own, built on the GUI thread."""

    _loaded = Signal()  # emitted by the start-up thread: queued to the GUI thread

    def __init__(
        self, app: QApplication, window: MainWindow, home: HomeScreen, runtime: Runtime,
        env: Mapping[str, str], *, demo: bool, prepare: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(window)
        self._app, self._window, self._home = app, window, home
        self._runtime, self._env, self._demo = runtime, env, demo
        self._prepare = prepare
        self.on_ready: Callable[[MainWindow, Navigator], None] | None = None
        self.quit_when_ready = False
        self.error: BaseException | None = None
        self.navigator: Navigator | None = None
        self.painted_ms: float | None = None
        self._db: Database | None = None
        self._sync: BackgroundSync | None = None
        self._voice: QtVoice | None = None
        self._metrics: Exporter | None = None
        self._result: tuple[Database, BackgroundSync] | BaseException | None = None
        self._uninstall_hook: Callable[[], None] | None = None
        self._tapped: list[str] = []
        self._keepers = [self._keep(name) for name in HOME_INTENTS]
        self._thread = threading.Thread(target=self._load, name="start-up", daemon=True)
        self._loaded.connect(self._build)

    def _keep(self, name: str) -> tuple[Any, Callable[[], None]]:
        signal = getattr(self._home, name)

        def keep() -> None:
            self._tapped.append(name)

        signal.connect(keep)
        return signal, keep

    def home_painted(self, ms: float) -> None:
        self.painted_ms = ms
        self._thread.start()
        # The pointer goes once Home is on the screen: PySide6 builds QtCore.Qt's enums at
        # their first use, a fifth of a bare window's whole start (MainWindow.hide_pointer).
        self._window.hide_cursor = not self._runtime.config.kiosk.show_cursor
        self._window.hide_pointer()

    def _load(self) -> None:
        from kiosk.metrics import start_exporter

        try:
            if self._prepare is not None:
                self._prepare()
            self._result = load_backstage(self._runtime, demo=self._demo)
            self._metrics = start_exporter(self._runtime, self._result[0], role="run")  # or None
        except BaseException as exc:  # handed to the GUI thread, raised by run_kiosk
            self._result = exc
        self._loaded.emit()

    def _build(self) -> None:
        result, self._result = self._result, None
        try:
            if isinstance(result, BaseException):
                raise result
            assert result is not None
            self._assemble(*result)
        except BaseException as exc:  # raised by run_kiosk once the window is gone
            self.error = exc
            self._window.allow_close()
            self._app.exit(1)

    def _assemble(self, db: Database, sync: BackgroundSync) -> None:
        from kiosk.ui.errors import install_exception_hook
        from kiosk.ui.navigator import Navigator
        from kiosk.ui.runner import BackgroundRunner
        from kiosk.ui.voice import QtVoice

        self._db, self._sync = db, sync
        self._voice = QtVoice()  # connects to the speech server on a thread of its own
        services = build_ui_services(self._runtime, self._db, self._env, self._voice,
                                     devices=self._metrics.board if self._metrics else None)
        navigator = Navigator(self._app, self._window, services, BackgroundRunner(self._window),
                              home=self._home)
        self.navigator = navigator
        self._uninstall_hook = install_exception_hook(navigator.show_error)
        navigator.quit_requested.connect(self._app.exit)  # restart (75) or shut down (0)
        for signal, keep in self._keepers:
            signal.disconnect(keep)
        navigator.go_home()  # Home as the navigator shows it: idle watch, voice, settings
        if self._tapped:  # answered now, as if the navigator had been there
            getattr(navigator.home, self._tapped[0]).emit()
        ready_ms = ms_since_process_start()
        if self.on_ready is not None:
            self.on_ready(self._window, navigator)
        if self.quit_when_ready:
            print(f"home_painted_ms={self.painted_ms:.1f} ready_ms={ready_ms:.1f}", flush=True)
            self._window.allow_close()
            self._app.exit(0)

    def close(self) -> None:
        """Everything started, stopped in reverse; safe whatever the start-up reached."""
        if self._thread.is_alive():
            self._thread.join()  # the database opening: brief, and never left half-done
        if isinstance(self._result, tuple):  # loaded while the event loop was ending
            self._db, self._sync = self._result
        if self._uninstall_hook is not None:
            self._uninstall_hook()
        if self.navigator is not None:
            self.navigator.shutdown()
        if self._voice is not None:
            self._voice.close()
        if self._metrics is not None:
            self._metrics.stop()
        try:
            if self._sync is not None:
                self._sync.stop()
        finally:
            if self._db is not None:
                self._db.dispose()


def load_backstage(runtime: Runtime, *, demo: bool) -> tuple[Database, BackgroundSync]:
    """Off the GUI thread: the database opened (migrations run), the demo official added,
    background sync started; and every screen's module imported, so that the GUI thread
    only builds them."""
    from kiosk.background import BackgroundSync
    from kiosk.domain.dates import utc_now
    from kiosk.memory import keep_frames_out_of_the_heap
    from kiosk.services import ensure_demo_official, open_database

    keep_frames_out_of_the_heap()  # before any camera thread allocates its first frame
    db = open_database(runtime)
    try:
        if demo:
            ensure_demo_official(db, utc_now())
        sync = BackgroundSync(runtime, db, demo=demo)
        try:
            sync.start()
            import kiosk.ui.navigator  # noqa: F401  (the screens, OpenCV, reportlab)
        except BaseException:
            sync.stop()
            raise
    except BaseException:
        db.dispose()
        raise
    return db, sync


def build_ui_services(
    runtime: Runtime, db: Database, env: Mapping[str, str], voice: Voice | None = None,
    devices: DeviceBoard | None = None,
) -> UiServices:
    """``devices``: where the printer, camera and scanner calls say how they went (metrics)."""
    from kiosk.domain.dates import utc_now
    from kiosk.receipts.service import ReceiptPrinter
    from kiosk.scanner.frames import ExclusiveCamera, FrameSource, open_camera
    from kiosk.scanner.sane import SaneScanner, Scanner
    from kiosk.services import active_catalogue, build_calendar, build_queue
    from kiosk.store.office import open_office
    from kiosk.submission import Submitter
    from kiosk.sync.status import read_sync_status
    from kiosk.ui.context import UiServices
    from kiosk.ui.printing import make_printer

    config = runtime.config
    queue = build_queue(runtime, db)
    submitter = Submitter(queue, build_calendar(config), config, utc_now)
    printer = ReceiptPrinter(config, make_printer(config.printer), receipt_folder(runtime))
    camera = config.camera

    def camera_source() -> FrameSource:
        return open_camera(camera.device, width=camera.width, height=camera.height)

    print_receipt = printer.print
    open_scanner: Callable[[], Scanner] = lambda: SaneScanner(env)  # noqa: E731
    if devices is not None:
        from kiosk.metrics.devices import watch_call, watch_scanner

        print_receipt = watch_call(devices, "printer", print_receipt)
        camera_source = watch_call(devices, "camera", camera_source)
        open_scanner = watch_scanner(devices, open_scanner)
    usb_root = Path(config.kiosk.usb_root) if config.kiosk.usb_root else None
    return UiServices(config, active_catalogue(runtime), queue, submitter, utc_now,
                      print_receipt=print_receipt,
                      open_camera=ExclusiveCamera(camera_source),  # one opener at a time
                      open_scanner=open_scanner, usb_root=usb_root, voice=voice,
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
    from kiosk.ui.navigator import Navigator
    from kiosk.ui.runner import BackgroundRunner

    theme.load_fonts()
    theme.apply(app, theme.TextSize.NORMAL)
    window = MainWindow(windowed=windowed)
    navigator = Navigator(app, window, services, BackgroundRunner(window))
    navigator.go_home()
    return window, navigator
