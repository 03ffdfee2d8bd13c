"""Nothing to escape through: one application event filter, installed by the navigator.

A kiosk in a public hall must give the next resident nothing of the last one,
and nobody a way out of the kiosk.  So, for every widget of the application:

- no context menu (Qt's English Undo/Copy/Paste menu on a right click or a long
  press): every ``ContextMenu`` event is eaten;
- no copy, cut, paste or select-all by key (Ctrl+C/X/V/A, Ctrl+Insert,
  Shift+Insert, Shift+Delete: whatever ``QKeySequence`` calls Copy, Cut, Paste,
  SelectAll on this platform), no undo or redo (Ctrl+Z in a field the wipe
  cleared would bring the last resident's text back), and no middle-click paste
  of the X11 selection;
- no close or quit key (Alt+F4, Ctrl+W, Ctrl+Q, Ctrl+F4, Escape, F11) reaches a
  widget, whatever the window manager binds (a close request the window manager
  sends anyway is refused by the main window itself);
- no drag and drop: no widget starts a drag (one-line fields have dragging off,
  and the drag distance is out of reach for the text boxes, which have no such
  switch), and nothing is dropped in;
- and ``clear_clipboard`` (called by the session wipe) empties the clipboard,
  the X11 selection and the find buffer where the platform has them.

The on-screen keyboard and USB QR scanners type plain keys, which all pass.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QClipboard, QGuiApplication, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLineEdit, QWidget

_KEY = QKeySequence.StandardKey
EATEN_STANDARD_KEYS = (
    _KEY.Copy, _KEY.Cut, _KEY.Paste, _KEY.SelectAll, _KEY.Close, _KEY.Quit, _KEY.Find,
    _KEY.FullScreen, _KEY.Cancel, _KEY.Undo, _KEY.Redo, _KEY.Print, _KEY.Save,
)
_K, _M = Qt.Key, Qt.KeyboardModifier
# Beside the standard keys: what window managers and desktops bind to close or leave.
EATEN_KEYS = frozenset({
    (_K.Key_F4, _M.AltModifier), (_K.Key_F4, _M.ControlModifier),
    (_K.Key_W, _M.ControlModifier), (_K.Key_Q, _M.ControlModifier),
    (_K.Key_Escape, _M.NoModifier), (_K.Key_F11, _M.NoModifier),
    (_K.Key_Insert, _M.ControlModifier), (_K.Key_Insert, _M.ShiftModifier),
    (_K.Key_Delete, _M.ShiftModifier),
})
NO_DRAG_PX = 1_000_000  # QApplication's drag distance while the lockdown is on
_IGNORED_MODIFIERS = (_M.KeypadModifier | _M.GroupSwitchModifier).value
_MODIFIERS = (_M.ShiftModifier | _M.ControlModifier | _M.AltModifier | _M.MetaModifier)
EATEN_EVENTS = frozenset({
    QEvent.Type.ContextMenu, QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop,
})
KEY_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
                        QEvent.Type.ShortcutOverride})
MOUSE_EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                          QEvent.Type.MouseButtonDblClick})


class Lockdown(QObject):
    """The application-wide filter; ``uninstall`` (or deleting it) takes it away."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.eaten = 0  # events refused so far (tests, the soak)
        self._drag_distance = app.startDragDistance()
        app.setStartDragDistance(NO_DRAG_PX)
        app.installEventFilter(self)
        for widget in app.allWidgets():  # those built before the filter: the window's
            _disarm(widget)

    def uninstall(self) -> None:
        self._app.removeEventFilter(self)
        if self._app.startDragDistance() == NO_DRAG_PX:
            self._app.setStartDragDistance(self._drag_distance)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            _disarm(watched)  # each widget once, when it is first shown or styled
            return False
        if not is_refused(event):
            return False
        event.ignore()  # a drag is told "not here"; every other refused event just ends
        self.eaten += 1
        return True


def is_refused(event: QEvent) -> bool:
    kind = event.type()
    if kind in EATEN_EVENTS:
        return True
    if kind in KEY_EVENTS and isinstance(event, QKeyEvent):
        return is_eaten_key(event)
    if kind in MOUSE_EVENTS and isinstance(event, QMouseEvent):
        return event.button() == Qt.MouseButton.MiddleButton  # X11's paste of the selection
    return False


def is_eaten_key(event: QKeyEvent) -> bool:
    """A key that copies, pastes, selects everything, closes, quits or leaves full screen."""
    # What QKeyEvent.matches does for each standard key, in one look-up: the key with its
    # modifiers, keypad and group switch left out, against the single-key bindings.
    search = (event.modifiers().value & ~_IGNORED_MODIFIERS) | event.key()
    if search in _standard_combinations():
        return True
    modifiers = event.modifiers() & _MODIFIERS
    return (Qt.Key(event.key()), modifiers) in EATEN_KEYS


@functools.cache
def _standard_combinations() -> frozenset[int]:
    """The platform's bindings of ``EATEN_STANDARD_KEYS`` (asked once: a key burst from a
    card reader is some 200 events, each of which used to ask Qt 13 times)."""
    return frozenset(
        sequence[0].toCombined()  # type: ignore[index]  # QKeySequence has operator[]
        for key in EATEN_STANDARD_KEYS for sequence in QKeySequence.keyBindings(key)
        if sequence.count() == 1
    )


def _disarm(widget: QWidget) -> None:
    """Every widget: no context menu, no drops; a text field: no drag of its text out."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    widget.setAcceptDrops(False)
    if isinstance(widget, QLineEdit):
        widget.setDragEnabled(False)
    if isinstance(widget, QAbstractScrollArea):  # a text box takes its drops on the viewport
        widget.viewport().setAcceptDrops(False)


def clear_clipboard() -> None:
    """Whatever was copied, selected or searched for is gone (the session wipe)."""
    clipboard = QGuiApplication.clipboard()
    clipboard.clear(QClipboard.Mode.Clipboard)
    if clipboard.supportsSelection():
        clipboard.clear(QClipboard.Mode.Selection)
    if clipboard.supportsFindBuffer():
        clipboard.clear(QClipboard.Mode.FindBuffer)
