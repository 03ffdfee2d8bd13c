"""«Quét thẻ căn cước của mẹ»: a parent's fields filled from their CCCD's QR code.

Shown by a ``FieldList`` above the fields of one person (those with a
``card`` marking, e.g. the mother's page).  While it is on screen a USB QR
scanner's keys are watched for, wherever they land, as the applicant step
does: a burst of characters faster than anyone types, ending in Enter, is a
scan, and what it typed into a field is undone.  The button starts the camera,
when the kiosk has one, and shows what it sees until the card is read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent, QImage, QKeyEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.card_fill import values_from_card
from kiosk.domain.errors import ValidationError
from kiosk.domain.forms import FormField
from kiosk.domain.identity import parse_cccd_qr
from kiosk.scanner.frames import FrameSource
from kiosk.ui.camera import CameraCodeReader
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.key_burst import MIN_SEPARATORS, KeyBurst

TEXTS = {
    "button": "Quét thẻ căn cước của {who}",
    "short": "Quét thẻ của {who}",  # in half a page, with «Sửa» beside it
    "how": "Đưa mã QR trên thẻ căn cước của {who} vào máy quét. Các ô sẽ tự điền.",
    "camera": "Hoặc giơ mã QR của thẻ trước camera.",
    "read": "Đã đọc thẻ của: {name}. Xin kiểm tra lại thông tin.",
}

PREVIEW_SIZE = (224, 168)  # beside the button, so the page keeps room for its fields


class CardScan(QFrame):
    """The scan button and its messages for one person's fields; ``read`` carries the values."""

    read = Signal(dict)  # field name → value, for this person's fields with a card marking

    def __init__(self, who: str, fields: tuple[FormField, ...], clock: Callable[[], date],
                 open_camera: Callable[[], FrameSource] | None = None,
                 stacked: bool = False) -> None:
        """``stacked``: the button above the rest, for half a page's width."""
        super().__init__()
        self.setObjectName("" if stacked else "scanPanel")  # in a column: no frame of its own
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fields, self._clock, self._stacked = fields, clock, stacked
        self._burst = KeyBurst()
        self._before: tuple[QLineEdit | QPlainTextEdit, str] | None = None
        self._last_scan = ""
        # Where two people's panels share a page, the page says which one a USB scanner's
        # card is for (the one last tapped, else the first without a card read).
        self.takes_burst: Callable[[], bool] = lambda: True
        self.tapped = False
        self.camera = CameraCodeReader(open_camera, self) if open_camera else None
        # One row across the page: the button, what to do and what happened, the picture.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.button = QPushButton(TEXTS["short" if stacked else "button"].format(who=who))
        # a touch target, not a
        # primary-sized one: the page's four fields need the height
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self._start)
        self._top = QHBoxLayout()  # stacked: the button, and what the column puts beside it
        if stacked:
            self._top.addWidget(self.button)
            self._top.addStretch(1)
            outer.addLayout(self._top)
        else:
            row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(row)
        column = QVBoxLayout()
        self.how = plain_label(TEXTS["how"].format(who=who), "body")
        self.status = plain_label("", "body")
        self.error = plain_label("", "message")
        for widget in (self.how, self.status, self.error):
            column.addWidget(widget)
        column.addStretch(1)
        row.addLayout(column, 1)
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setScaledContents(True)
        row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignVCenter)
        for widget in (self.how, self.preview, self.status, self.error):
            widget.setVisible(False)
        if self.camera is not None:
            self.camera.preview.connect(self._show_frame)
            self.camera.decoded.connect(self._camera_decoded)
            self.camera.failed.connect(self._show_error)

    def forget_keys(self) -> None:
        """Drop the keys gathered so far: another panel took that card."""
        self._burst.finish()
        self._before = None

    def add_beside(self, widget: QWidget) -> None:
        """``widget`` at the end of the button's row (a stacked panel's «Sửa»)."""
        self._top.addWidget(widget)

    def _start(self) -> None:
        self.tapped = True
        self.how.setVisible(True)
        if self.camera is not None:
            self.how.setText(self.how.text() + "\n" + TEXTS["camera"])
            self.preview.setVisible(True)
            self.camera.start()

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        self.preview.setVisible(False)

    def reset(self) -> None:
        self.stop()
        self._last_scan, self._before, self.tapped = "", None, False
        self._burst.finish()
        for label in (self.status, self.error):
            label.clear()
            label.setVisible(False)
        self.how.setVisible(False)

    # --- reading a card ------------------------------------------------------------

    def _camera_decoded(self, text: str) -> None:
        if text != self._last_scan:  # a card held there a while must not undo corrections
            self.fill_from_qr(text)

    def fill_from_qr(self, text: str) -> None:
        """Fill this person's fields from the card's QR text, or say why it cannot be read."""
        try:
            card = parse_cccd_qr(text, today=self._clock())
        except ValidationError as error:
            self._show_error(error.message)
            return
        self._last_scan = text
        self.stop()
        self.tapped = False
        self.read.emit(values_from_card(self.fields, card))
        # In a column the summary under the panel shows what was read; only warnings here.
        notes = [] if self._stacked else [TEXTS["read"].format(name=card.full_name)]
        notes += [advisory.message for advisory in card.advisories]
        self._say(self.status, "\n".join(notes))
        self._say(self.error, "")
        if self._stacked:  # done: the summary below says what was read
            self.how.setVisible(False)

    def _show_error(self, message: str) -> None:
        self._say(self.status, "")
        self._say(self.error, message)

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _show_frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image))

    # --- the scanner that types ------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.stop()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not self._first_receiver(watched):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return self._end_of_burst()
        text = event.text()
        if len(text) == 1 and text.isprintable() and self._burst.add(text):
            self._before = _snapshot(QApplication.focusWidget())
        return False

    def _first_receiver(self, watched: QObject) -> bool:
        """Each key once: as it reaches the focused widget, or the window when none has focus."""
        focus = QApplication.focusWidget()
        if focus is None:
            return watched is self.window()
        return watched is focus and self.window().isAncestorOf(focus)

    def _end_of_burst(self) -> bool:
        text = self._burst.finish()
        if text is None or text.count("|") < MIN_SEPARATORS:  # a card's QR, nothing else
            return False
        if not self.takes_burst():  # another person's panel on this page takes it
            self._before = None
            return False
        if self._before is not None:  # undo what the scanner typed into a field
            editor, before = self._before
            if isinstance(editor, QLineEdit):
                editor.setText(before)
            else:
                editor.setPlainText(before)
        self._before = None
        self.fill_from_qr(text)
        return True


def _snapshot(widget: QWidget | None) -> tuple[QLineEdit | QPlainTextEdit, str] | None:
    if isinstance(widget, QLineEdit):
        return widget, widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget, widget.toPlainText()
    return None
