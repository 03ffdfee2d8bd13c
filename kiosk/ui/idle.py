"""The one inactivity mechanism: an application event filter and two timers (STYLE.md §6).

Any touch, mouse press or key press restarts the wait.  After ``warning_ms``
of quiet the watcher emits ``warning(seconds_left)`` and counts down once per
``tick_ms``; activity during the countdown emits ``resumed``; reaching zero
emits ``timed_out`` and the watcher pauses until the controller resumes it.
Durations are constructor arguments so tests run in milliseconds.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QMouseEvent

from kiosk.config import SessionConfig

ACTIVITY = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd, QEvent.Type.KeyPress, QEvent.Type.Wheel, QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    warning = Signal(int)  # seconds left before the session is wiped
    resumed = Signal()  # the resident came back during the countdown
    timed_out = Signal()

    def __init__(
        self, app: QCoreApplication, *, warning_ms: int, countdown_seconds: int,
        tick_ms: int = 1000, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._countdown_seconds = countdown_seconds
        self._left = 0
        self._active = False
        self._idle = _timer(self, warning_ms, single=True)
        self._idle.timeout.connect(self._warn)
        self._tick = _timer(self, tick_ms, single=False)
        self._tick.timeout.connect(self._count_down)
        app.installEventFilter(self)

    @classmethod
    def from_config(cls, app: QCoreApplication, session: SessionConfig,
                    parent: QObject | None = None) -> IdleWatcher:
        return cls(app, warning_ms=session.idle_warning_seconds * 1000,
                   countdown_seconds=session.idle_countdown_seconds, parent=parent)

    @property
    def active(self) -> bool:
        return self._active

    @property
    def warning_shown(self) -> bool:
        return self._tick.isActive()

    def resume(self) -> None:
        """Start watching (every screen but Home), from a fresh wait."""
        self._active = True
        self.poke()

    def pause(self) -> None:
        """Stop watching (Home, the official's screens); a shown warning is withdrawn."""
        self._active = False
        self._idle.stop()
        self._stop_countdown()

    def poke(self) -> None:
        """Activity: restart the wait, and withdraw the warning if it is shown."""
        if not self._active:
            return
        self._stop_countdown()
        self._idle.start()

    def set_wait(self, warning_ms: int) -> None:
        """A new quiet time before the warning (the official's setting), from now on."""
        self._idle.setInterval(warning_ms)
        if self._idle.isActive():
            self._idle.start()

    @property
    def wait_ms(self) -> int:
        return self._idle.interval()

    @property
    def countdown_seconds(self) -> int:
        return self._countdown_seconds

    def uninstall(self) -> None:
        self.pause()
        self._app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._active and _is_activity(event):
            self.poke()
        return False  # only watching: every event goes on to its widget

    def _warn(self) -> None:
        self._left = self._countdown_seconds
        self._tick.start()
        self.warning.emit(self._left)

    def _count_down(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.warning.emit(self._left)
            return
        self.pause()
        self.timed_out.emit()

    def _stop_countdown(self) -> None:
        if self._tick.isActive():
            self._tick.stop()
            self.resumed.emit()


def _is_activity(event: QEvent) -> bool:
    kind = event.type()
    if kind in ACTIVITY:
        return True
    # A finger dragging (a signature, a scroll) is activity; a mouse merely hovering is not.
    return (kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent)
            and bool(event.buttons()))


def _timer(parent: QObject, interval_ms: int, *, single: bool) -> QTimer:
    timer = QTimer(parent)
    timer.setInterval(interval_ms)
    timer.setSingleShot(single)
    return timer
