"""The applicant step: who is filing, filled from the CCCD's QR code or typed by touch.

A USB QR scanner behaves like a keyboard: it types the card's text and Enter
into whatever has focus.  A person cannot type that fast, so a burst of
characters with the card's "|" separators, ending in Enter, is taken as a scan
wherever it lands on this screen, and what it typed into a field is undone.
The camera, when the kiosk has one, reads the same code.  Either way the
fields are filled and the resident is asked to check them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QImage, QKeyEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.draft import APPLICANT_FIELDS, applicant_values_from_card
from kiosk.domain.errors import Problems, ValidationError
from kiosk.domain.forms import FormField, validate_form
from kiosk.domain.identity import CccdCard, parse_cccd_qr
from kiosk.scanner.frames import FrameSource
from kiosk.ui.camera import CameraCodeReader
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.form_pages import AHEAD_MS, FormPages, PagePlan
from kiosk.ui.screens.form_pages import TEXTS as PAGE_TEXTS
from kiosk.ui.screens.page_turning import PageTurning
from kiosk.ui.theme import Metrics, kinetic
from kiosk.ui.widgets.dock import KeyboardDock, set_capitalise
from kiosk.ui.widgets.fields import label
from kiosk.ui.widgets.key_burst import KeyBurst
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Người nộp hồ sơ",
    "scan_title": "Quét mã QR trên thẻ căn cước",
    "scan_how": "Đưa mã QR của thẻ vào máy quét. Các ô sẽ tự điền.",
    "scan_camera": "Hoặc giơ mã QR của thẻ trước camera:",
    "read": "Đã đọc thẻ của: {name}. Xin kiểm tra lại thông tin.",
    "card_page": "Thông tin trên thẻ căn cước",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin cho biết người nộp hồ sơ. Cách nhanh nhất là đưa mã QR trên thẻ căn cước "
        "vào máy quét, hoặc giơ thẻ trước camera, các ô sẽ tự điền. Không có thẻ thì chạm vào "
        "từng ô để nhập. Xong, chạm Tiếp tục.",
}

PREVIEW_SIZE = (288, 216)
CARD_FIELDS = 5  # the first five applicant fields are on the card; the rest are contacts


def applicant_pages() -> list[PagePlan]:
    """One page beside the scan panel: what the card gave, read back, then phone and
    e-mail.  The card's fields have their editors on two pages of their own, shown when
    something is missing (no card) or when the resident taps «Sửa»."""
    card, contact = APPLICANT_FIELDS[:CARD_FIELDS], APPLICANT_FIELDS[CARD_FIELDS:]
    return [PagePlan("", 1, 1, ((), contact), cards=(card, ())),
            PagePlan("", 1, 2, (card[:3],), passable=True, kind="card"),
            PagePlan("", 2, 2, (card[3:],), passable=True, kind="card")]


class ApplicantScreen(PageTurning, StepScreen):
    title = TEXTS["title"]

    def __init__(
        self, clock: Callable[[], datetime],
        open_camera: Callable[[], FrameSource] | None = None, metrics: Metrics | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("applicant")
        # Focused when shown, so a scanner's keys arrive here when no field is edited; but
        # never by a touch, which would take the focus from the field a key is typing into.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._clock = clock
        self._burst = KeyBurst()
        self._before_burst: tuple[QLineEdit | QPlainTextEdit, str] | None = None
        self._last_scan = ""
        self.dock = KeyboardDock(self, metrics)
        self.fields = FormPages(APPLICANT_FIELDS, self.dock, applicant_pages())
        set_capitalise(self.fields.editors["ho_ten"].editor, "words")
        self.fields.edited.connect(self.check_one)
        self.fields.changed.connect(self.recheck)
        self.fields.turned.connect(self._show_page)
        self.camera = CameraCodeReader(open_camera, self) if open_camera else None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(32)
        left = QVBoxLayout()
        self.heading = label(TEXTS["card_page"], "resultTitle")
        left.addWidget(self.heading)
        left.addWidget(self.fields, 1)
        row.addLayout(left, 2)
        self.panel = self._scan_panel()
        row.addWidget(self.panel, 1)
        if self.camera is not None:
            self.camera.preview.connect(self._show_frame)
            self.camera.decoded.connect(self._camera_decoded)
            self.camera.failed.connect(self._show_scan_error)

    def _scan_panel(self) -> QScrollArea:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(20, 16, 20, 16)
        column.addWidget(label(TEXTS["scan_title"], "resultTitle"))
        column.addWidget(label(TEXTS["scan_how"], "body"))
        # What the card said (and any warning about it) above the camera's picture, so it
        # is in view at 1366×768; once a card is read the picture makes room for it.
        self.scan_status = label("", "body")
        self.scan_error = label("", "message")
        column.addWidget(self.scan_status)
        column.addWidget(self.scan_error)
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setScaledContents(True)
        self.camera_note = label(TEXTS["scan_camera"], "muted")
        column.addWidget(self.camera_note)
        column.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        # Only once it has a parent: an orphan label shown is a window of its own, and it
        # takes the activation (and a USB scanner's keys) from the kiosk's window.
        self._show_preview(True)
        column.addStretch(1)
        box = QScrollArea()  # never squeezed: at 1366×768 a long message scrolls
        box.setWidgetResizable(True)
        box.setFrameShape(QFrame.Shape.Box)
        box.setLineWidth(3)
        box.setWidget(panel)
        kinetic(box)
        return box

    def _show_preview(self, shown: bool) -> None:
        self.preview.setVisible(shown and self.camera is not None)
        self.camera_note.setVisible(shown and self.camera is not None)

    def _show_page(self) -> None:
        plan = self.fields.plan
        self.heading.setText(PAGE_TEXTS["part"].format(title=TEXTS["card_page"], part=plan.part,
                                                       parts=plan.parts))
        # On the first page the scan panel's own title says it, and 768 px need the line.
        self.heading.setVisible(plan.passable)
        self.panel.setVisible(not plan.passable)
        self.page_changed.emit("")  # one page every resident sees: no page numbers

    # --- the step ------------------------------------------------------------

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle the on-screen keyboard after the text size changed."""
        self.dock.set_metrics(metrics)

    def specs(self) -> tuple[FormField, ...]:
        return APPLICANT_FIELDS

    def prepare(self, state: DraftState) -> None:
        """The keyboard onto the window ahead (the first field tapped waited for it)."""
        if self.dock.parentWidget() is not self.window():
            QTimer.singleShot(AHEAD_MS, self, self.dock.settle)

    def load(self, state: DraftState) -> None:
        self.fields.set_values(state.applicant)
        self.fields.turn(0)

    def commit(self, state: DraftState, today: date) -> Problems:
        self.dock.close_keyboard()
        values = self.fields.values()
        state.applicant = values
        _cleaned, problems = validate_form(APPLICANT_FIELDS, values, today)
        self.fields.show_problems(problems)
        self.shown_wrong_page(problems)
        return problems

    def clear(self) -> None:
        self.dock.close_keyboard()
        self.fields.clear()
        self.preview.clear()
        self.scan_status.clear()
        self.scan_error.clear()
        self._show_preview(True)
        self._last_scan = ""
        self._before_burst = None
        self._burst.finish()

    # --- the card ------------------------------------------------------------

    def _camera_decoded(self, text: str) -> None:
        # The card is often held there a while: reading it again would undo corrections.
        if text != self._last_scan:
            self.fill_from_qr(text)

    def fill_from_qr(self, text: str) -> None:
        """Fill the card's fields from its QR text, or say why it cannot be read."""
        try:
            card = parse_cccd_qr(text, today=self._clock().date())
        except ValidationError as error:
            self._show_scan_error(error.message)
            return
        self._last_scan = text
        self._show_card(card)

    def _show_card(self, card: CccdCard) -> None:
        self.dock.close_keyboard()
        values = applicant_values_from_card(card)
        self.fields.set_values(values)
        for name in values:
            self.fields.editors[name].show_error("")
        notes = [TEXTS["read"].format(name=card.full_name)]
        notes += [advisory.message for advisory in card.advisories]
        self.scan_status.setText("\n".join(notes))
        self.scan_error.clear()
        self._show_preview(False)
        self.fields.turn(0)

    def _show_scan_error(self, message: str) -> None:
        self.scan_status.clear()
        self.scan_error.setText(message)

    def _show_frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image))

    # --- the scanner that types ---------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        focus = QApplication.focusWidget()
        if focus is None or not (focus is self or self.isAncestorOf(focus)):
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.camera is not None:
            self.camera.start()

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.dock.close_keyboard()
        if self.camera is not None:
            self.camera.stop()
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
            self._before_burst = _snapshot(QApplication.focusWidget())
        return False

    def _first_receiver(self, watched: QObject) -> bool:
        """The widget a key goes to first; its parents see it again when it is ignored."""
        focus = QApplication.focusWidget()
        if focus is None:
            return watched is self or watched is self.window()
        return watched is focus and (focus is self or self.isAncestorOf(focus))

    def _end_of_burst(self) -> bool:
        text = self._burst.finish()
        if text is None:
            return False
        if self._before_burst is not None:  # undo what the scanner typed into a field
            editor, before = self._before_burst
            _restore(editor, before)
        self._before_burst = None
        self.fill_from_qr(text)
        return True


def _snapshot(widget: QWidget | None) -> tuple[QLineEdit | QPlainTextEdit, str] | None:
    if isinstance(widget, QLineEdit):
        return widget, widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget, widget.toPlainText()
    return None


def _restore(editor: QLineEdit | QPlainTextEdit, text: str) -> None:
    if isinstance(editor, QLineEdit):
        editor.setText(text)
    else:
        editor.setPlainText(text)
