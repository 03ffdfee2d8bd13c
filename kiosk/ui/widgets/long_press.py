"""A press held on a widget for a while: the discreet gesture that calls an official.

A press starts the wait; a release, or the finger sliding off the widget,
cancels it; only a press held the whole ``hold_ms`` emits ``held``.  Nothing on
the widget shows it, so a resident tapping the commune's name notices nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

HOLD_MS = 3000
_CANCEL = frozenset({QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                     QEvent.Type.TouchCancel, QEvent.Type.Leave, QEvent.Type.Hide})
_START = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin})


class LongPress(QObject):
    held = Signal()

    def __init__(self, widget: QWidget, hold_ms: int = HOLD_MS) -> None:
        super().__init__(widget)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.held.emit)
        widget.installEventFilter(self)

    @property
    def pressing(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _START:
            self._timer.start()
        elif kind in _CANCEL:
            self._timer.stop()
        return False
