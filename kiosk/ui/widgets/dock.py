"""The on-screen keyboard or number pad, laid over the bottom of the window while a field is
edited, so that the field being typed into always stays in view."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.keyboard import (
    CodePad,
    NumericPad,
    VietnameseKeyboard,
    replace_before_cursor,
)

PAD_WIDTH = 560

Editable = QLineEdit | QPlainTextEdit


CAPITALISE = "capitalise"  # the editor's dynamic property the keyboard reads


def set_capitalise(editor: Editable | None, mode: str | None) -> None:
    """Let the keyboard capitalise ``editor`` by itself: "words" (names), "sentence", or None.

    Read when the editor gets the keyboard; Shift stays available for exceptions.
    """
    if editor is not None:
        editor.setProperty(CAPITALISE, mode)


def _unwrapped(label: QLabel) -> QLabel:
    label.setWordWrap(False)
    return label


class KeyboardDock(QFrame):
    """The keyboard or numeric pad, laid over the bottom of the window while a field is edited."""

    opened = Signal(int)  # its height
    closed = Signal()

    def __init__(self, host: QWidget, metrics: Metrics | None = None) -> None:
        super().__init__(host)
        self._host = host
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self.keyboard = VietnameseKeyboard(metrics)
        self.pad = NumericPad(metrics)
        self.pad.setFixedWidth(PAD_WIDTH)
        self.code_pad = CodePad(metrics)
        self.caption = plain_label("", "subtitle")
        self.caption.setContentsMargins(24, 0, 24, 0)
        # Shown when the field itself is hidden under the keyboard (short or large-text screens).
        self.mirror = _unwrapped(plain_label("", "status"))
        self.mirror.setContentsMargins(16, 4, 16, 4)
        self._watched: Editable | None = None
        self._name = ""
        self.extras = QWidget()
        self._extras_row = QHBoxLayout(self.extras)
        self._extras_row.setContentsMargins(8, 4, 8, 8)
        for panel in (self.keyboard, self.pad, self.code_pad):
            panel.done_requested.connect(self.close_keyboard)
        self._layout()
        self.hide()

    def _layout(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(0)
        column.addWidget(self.mirror)
        column.addWidget(self.extras)
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(self.pad)
        column.addLayout(row)
        column.addWidget(self.keyboard)
        column.addWidget(self.code_pad)

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle the keys for a text-size setting."""
        for panel in (self.keyboard, self.pad, self.code_pad):
            panel.set_metrics(metrics)

    @property
    def is_open(self) -> bool:
        return self.isVisible()

    def target(self) -> Editable | None:
        return self.keyboard.target() or self.pad.target() or self.code_pad.target()

    def open_for(self, editor: Editable, digits: bool, caption: str = "",
                 extras: Sequence[str] = (), name: str = "") -> None:
        """Show the pad (``digits``) or the keyboard for ``editor``, over the window's bottom.

        The keyboard capitalises as the editor's "capitalise" property says (``set_capitalise``).
        """
        self._open(editor, self.pad if digits else self.keyboard, caption, extras, name)

    def open_code_for(self, editor: Editable) -> None:
        """Show the code pad (digits, capitals, "." and "-") for a dossier code field."""
        self._open(editor, self.code_pad, "", (), "")

    def _open(self, editor: Editable, panel: QWidget, caption: str,
              extras: Sequence[str], name: str) -> None:
        self._watch(editor, name)
        self.mirror.hide()
        self.keyboard.set_target(editor if panel is self.keyboard else None)
        self.pad.set_target(editor if panel is self.pad else None)
        self.code_pad.set_target(editor if panel is self.code_pad else None)
        for each in (self.keyboard, self.pad, self.code_pad):
            each.setVisible(each is panel)
        self.caption.setText(caption)
        self.caption.setVisible(panel is self.pad)
        self._set_extras(editor, extras)
        self._place()
        self.opened.emit(self.height())
        self._fit(editor)

    def _fit(self, editor: Editable) -> None:
        """When the field is still under the keys, show its text above them (the hint stays)."""
        window = self._host.window()
        bottom = editor.mapTo(window, editor.rect().bottomLeft()).y()
        if bottom <= self.y():
            return
        self.mirror.show()
        self._update_mirror()
        self._place()
        self.opened.emit(self.height())

    def _watch(self, editor: Editable | None, name: str = "") -> None:
        if self._watched is not None:
            self._watched.textChanged.disconnect(self._update_mirror)
        self._watched, self._name = editor, name
        if editor is not None:
            editor.textChanged.connect(self._update_mirror)

    def _update_mirror(self) -> None:
        editor = self._watched
        if editor is None:
            return
        text = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
        shown = " / ".join(text.splitlines()) if text else ""
        self.mirror.setText(f"{self._name}: {shown[-40:]}▏" if self._name else shown[-40:])

    def _set_extras(self, editor: Editable, extras: Sequence[str]) -> None:
        while (item := self._extras_row.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # deleted later, gone from the screen now
                widget.deleteLater()
        for text in extras:
            key = QPushButton(text)
            key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            key.clicked.connect(lambda _=False, t=text: replace_before_cursor(editor, "", t))
            self._extras_row.addWidget(key)
        self._extras_row.addStretch(1)
        self.extras.setVisible(bool(extras))

    def settle(self) -> None:
        """Onto the window, hidden, ahead of the first field tapped (moving it restyles
        every key: 30 to 60 ms)."""
        window = self._host.window()
        if self.parentWidget() is not window:
            self.setParent(window)
            window.installEventFilter(self)
            self.hide()

    def _place(self) -> None:
        self.settle()
        window = self._host.window()
        layout_now(self)
        height = self.heightForWidth(window.width())
        height = max(height, self.sizeHint().height())
        self.setGeometry(0, window.height() - height, window.width(), height)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def close_keyboard(self) -> None:
        """Hide the pad; the field being edited loses its cursor."""
        target = self.target()
        self._watch(None)
        self.mirror.clear()
        self.keyboard.reset()
        self.pad.set_target(None)
        self.code_pad.set_target(None)
        if target is not None:
            target.clearFocus()
        was_open = self.isVisible()
        # Hidden, it stays on the window: moving its hundred keys to another parent and back
        # restyled every one of them, 40 to 100 ms a field.
        self.hide()
        if was_open:
            self.closed.emit()


def layout_now(widget: QWidget | None) -> None:
    """Lay out at once (Qt defers it) so sizes and positions are current."""
    layout = widget.layout() if widget is not None else None
    if layout is not None:
        layout.activate()
