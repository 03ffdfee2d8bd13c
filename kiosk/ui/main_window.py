"""The kiosk's one window: the whole screen, a stack of screens.

What shows in the stack is decided by ``kiosk.ui.navigator`` (STYLE.md §4).

Full screen must hold with a window manager (the kiosk compositor, a desktop)
and without one (a bare X server).  So the window is an ordinary top-level
window asking for full screen, and its geometry is also set to its screen's
by hand: without a window manager nobody honours the full-screen request, and
a frameless window is left unmanaged by some window managers (matchbox shows
it at its default size in the corner).

Nobody closes it but the kiosk itself: a close request (the window manager's
Alt+F4 or close button, ``close()``) is refused until ``allow_close`` — the
official's restart or shutdown, and the end of ``kiosk run``.  In full screen
the mouse pointer is hidden (a touch screen has none to show) unless the
configuration asks for it (``kiosk.show_cursor``).

``FirstPaint`` tells when a widget has been painted for the first time, timed
by ``ms_since_process_start``: ``kiosk run --quit-when-ready`` and the bare
window of ``benchmarks.bench_start`` share both (the benchmark runs their source).
"""

from __future__ import annotations

import os
import time

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QRect, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QScreen, QWindow
from PySide6.QtWidgets import QMainWindow, QStackedWidget

WINDOW_TITLE = "Kiosk dịch vụ công"
WINDOWED_SIZE = (1366, 768)


class MainWindow(QMainWindow):
    # Both kinds are the same window (no frameless flag, see above); only how it is shown
    # differs, so ``windowed`` matters in ``show_for_kiosk`` and is only accepted here.
    def __init__(self, *, windowed: bool) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self._watched: QScreen | None = None
        self._followed: QWindow | None = None  # the native window whose screen is followed
        self._may_close = False
        self.hide_cursor = True  # in full screen; the navigator sets it from the config
        self._cursor_hidden = False

    def allow_close(self) -> None:
        """The kiosk itself is quitting: a close is accepted from now on."""
        self._may_close = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            self.show_cursor()
            super().closeEvent(event)
            return
        event.ignore()  # a window manager's close, whatever key it binds to it

    def hide_pointer(self) -> None:
        """No pointer over the full-screen kiosk when ``hide_cursor`` says so (the override is
        application-wide: ``show_cursor`` puts it back).  ``QtCore.Qt`` is looked up here
        only: PySide6 builds that namespace's every enum at its first use (about a fifth of
        a bare window's start), so the kiosk's start leaves it until Home is painted."""
        if self.hide_cursor and not self._cursor_hidden and self.isFullScreen():
            QGuiApplication.setOverrideCursor(QtCore.Qt.CursorShape.BlankCursor)
            self._cursor_hidden = True

    def show_cursor(self) -> None:
        """The pointer back (windowed, and at exit: the override is application-wide)."""
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
            self._cursor_hidden = False

    def show_for_kiosk(self, windowed: bool) -> None:
        if windowed:
            self.resize(*WINDOWED_SIZE)
            self.show()
            return
        self._fill_screen(self.screen())
        self.showFullScreen()
        self.hide_pointer()
        # The native window exists only after showing; it reports moves to another screen.
        handle = self.windowHandle()
        if handle is not None and self._followed is not handle:
            handle.screenChanged.connect(self._fill_screen)
            self._followed = handle

    def leave_full_screen(self) -> None:
        """The dashboard's «Thoát toàn màn hình»: an ordinary window from now on (no key does
        this; the window has no shortcut at all)."""
        if self._watched is not None:
            self._watched.geometryChanged.disconnect(self._fit)
            self._watched = None
        if self._followed is not None:
            self._followed.screenChanged.disconnect(self._fill_screen)
            self._followed = None
        self.showNormal()
        self.resize(*WINDOWED_SIZE)
        self.show_cursor()  # an ordinary window: the official works it with a mouse

    def _fill_screen(self, screen: QScreen | None) -> None:
        """Cover ``screen`` and keep covering it when its resolution changes."""
        if screen is None:
            return
        if self._watched is not screen:
            if self._watched is not None:
                self._watched.geometryChanged.disconnect(self._fit)
            screen.geometryChanged.connect(self._fit)
            self._watched = screen
        self._fit(screen.geometry())

    def _fit(self, geometry: QRect) -> None:
        self.setGeometry(geometry)


def ms_since_process_start() -> float:
    """Milliseconds since the kernel started this process: /proc/self/stat's start time
    (clock ticks since boot, 10 ms each) against CLOCK_BOOTTIME, the same clock.  So the
    interpreter's own start-up counts, and every process is timed from the same origin."""
    with open("/proc/self/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()  # after the command's name
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
    return (time.clock_gettime(time.CLOCK_BOOTTIME) - started) * 1000


class FirstPaint(QObject):
    """``painted`` (the milliseconds since the process started) once, at the event-loop turn
    after ``widget``'s first paint event: the paint done, not merely asked for."""

    painted = Signal(float)

    def __init__(self, widget: QObject) -> None:
        super().__init__(widget)
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        self.painted.emit(ms_since_process_start())
