"""After Done: how satisfied was the resident?  Five faces, reasons at three or fewer, thanks.

Shown with the code of the dossier just sealed.  A key (uuid4) is chosen when
the screen is shown and the rating is recorded under it off the GUI thread, so
a double tap, or a tap that reaches a second button, records once (the store
returns the first row for a key it has).  «Bỏ qua» is always there, and the
screen gives up after ``timeout_ms`` without a touch: nothing is recorded then,
not even a level chosen whose reasons were never sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.ratings import LEVEL_LABELS, LEVELS, REASON_LABELS, REASONS, REASONS_UP_TO
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.theme import INK
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import TouchButton, plain_label, touch_button

log = logging.getLogger(__name__)

TEXTS = {
    "title": "Ông/Bà có hài lòng với việc làm hồ sơ hôm nay không?",
    "hint": "Xin chạm vào một khuôn mặt.",
    "reasons_title": "Điều gì làm Ông/Bà chưa hài lòng?",
    "reasons_hint": "Có thể chọn nhiều ý, rồi chạm «Gửi đánh giá» ở dưới.",
    "chosen": "✓ {label}",
    "send": "Gửi đánh giá",
    "skip": "Bỏ qua",
    "thanks": "Cảm ơn Ông/Bà đã đánh giá",
    "thanks_body": "Ý kiến của Ông/Bà giúp xã phục vụ người dân tốt hơn.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "faces": "Ông bà có hài lòng với việc làm hồ sơ hôm nay không? Xin chạm vào một khuôn mặt: "
        "bên trái là rất không hài lòng, ở giữa là bình thường, bên phải là rất hài lòng. "
        "Không muốn đánh giá, chạm Bỏ qua.",
    "reasons": "Điều gì làm ông bà chưa hài lòng? Chạm vào một hay nhiều ý, ý đã chọn có dấu "
        "tích. Xong, chạm Gửi đánh giá. Không muốn trả lời, chạm Bỏ qua.",
    "thanks": "Cảm ơn ông bà đã đánh giá. Kiosk sẽ về trang chủ ngay sau đây.",
}
TIMEOUT_MS = 30_000  # without a touch, the screen gives up: home, nothing recorded
THANKS_MS = 3_000  # the thanks stay this long before home
FACE_COLOURS = {1: "#B00020", 2: "#C2410C", 3: "#8A6D00", 4: "#3F7F1F", 5: "#1B6E2E"}
FACE_MIN = QSize(200, 250)


class FaceButton(TouchButton):
    """A large face drawn in code (no emoji font assumed), its level's words beneath.

    ``text()`` is the level's label (for screen readers and tests); the painting
    puts the face above it."""

    def __init__(self, level: int) -> None:
        super().__init__(LEVEL_LABELS[level])
        self.level = level
        self.setObjectName("face")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(FACE_MIN)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return FACE_MIN

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = ""  # the frame from the style sheet; face and words are drawn below
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.style().drawControl(QStyle.ControlElement.CE_PushButton, option, painter, self)
        area = QRectF(self.rect()).adjusted(12, 12, -12, -12)
        words_height = self.fontMetrics().lineSpacing() * 2.2  # room for two lines
        side = min(area.width() * 0.85, area.height() - words_height - 16)
        top = area.top() + (area.height() - side - 16 - words_height) / 2  # centred together
        face = QRectF(area.center().x() - side / 2, top, side, side)
        words = QRectF(area.left(), face.bottom() + 16, area.width(), words_height)
        draw_face(painter, face, self.level)
        painter.setPen(QColor("#FFFFFF" if self.isDown() else INK))
        painter.setFont(self.font())
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(words, int(flags) | Qt.TextFlag.TextWordWrap.value, self.text())
        painter.end()


def draw_face(painter: QPainter, box: QRectF, level: int) -> None:
    """A round face in ``box``: from a deep frown (1) through a straight mouth (3) to a broad
    smile (5); the colour goes with it, so either tells the level."""
    colour = QColor(FACE_COLOURS[level])
    unit = box.width() / 100
    painter.setPen(QPen(colour, 5 * unit))
    painter.setBrush(colour.lighter(190))
    painter.drawEllipse(box.adjusted(4 * unit, 4 * unit, -4 * unit, -4 * unit))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(INK))
    for x in (35, 65):
        painter.drawEllipse(QPointF(box.left() + x * unit, box.top() + 40 * unit),
                            6 * unit, 7 * unit)
    bend = (level - 3) * 8 * unit  # down for a smile, up for a frown
    mouth = QPainterPath(QPointF(box.left() + 30 * unit, box.top() + 68 * unit))
    mouth.quadTo(QPointF(box.center().x(), box.top() + 68 * unit + 2 * bend),
                 QPointF(box.left() + 70 * unit, box.top() + 68 * unit))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(INK), 6 * unit, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawPath(mouth)


class ReasonButton(TouchButton):
    """A reason as a large toggle: «✓» in front of its words while chosen."""

    def __init__(self, reason: str) -> None:
        super().__init__(REASON_LABELS[reason])
        self.reason = reason
        self.setObjectName("reason")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggled.connect(self._show_choice)

    def _show_choice(self, chosen: bool) -> None:
        label = REASON_LABELS[self.reason]
        self.setText(TEXTS["chosen"].format(label=label) if chosen else label)


class RatingScreen(QWidget):
    finished = Signal()  # thanked, skipped or given up: the controller ends the session

    def __init__(self, services: UiServices, runner: BackgroundRunner,
                 timeout_ms: int = TIMEOUT_MS, thanks_ms: int = THANKS_MS) -> None:
        super().__init__()
        self.setObjectName("rating")
        self._services = services
        self._runner = runner
        self._code: str | None = None
        self.key: str | None = None  # chosen when shown, kept until the screen is left
        self._open = False  # a rating may still be given (once per showing)
        self._level: int | None = None
        self.timeout_ms = timeout_ms
        self.idle_timer = _single_shot(self, timeout_ms, self.give_up)
        self._thanks = _single_shot(self, thanks_ms, self._leave)
        self._spoken = "faces"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        self.pages = QStackedWidget()
        self.faces_page = self._faces_page()
        self.reasons_page = self._reasons_page()
        self.thanks_page = self._thanks_page()
        for page in (self.faces_page, self.reasons_page, self.thanks_page):
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        layout.addLayout(self._footer())
        self.reset()

    def _faces_page(self) -> QWidget:
        page, column = _titled_page("title", "hint", spacing=20)
        row = QHBoxLayout()
        row.setSpacing(20)
        self.faces = {level: FaceButton(level) for level in LEVELS}
        for level, face in self.faces.items():
            face.clicked.connect(lambda _=False, chosen=level: self.choose(chosen))
            row.addWidget(face)
        column.addLayout(row, 1)
        return page

    def _reasons_page(self) -> QWidget:
        page, column = _titled_page("reasons_title", "reasons_hint", spacing=16)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.reasons = {reason: ReasonButton(reason) for reason in REASONS}
        for number, button in enumerate(self.reasons.values()):
            button.toggled.connect(lambda _=False: self._touched())
            grid.addWidget(button, number // 2, number % 2)
        column.addLayout(grid)
        column.addStretch(1)
        return page

    def _thanks_page(self) -> QWidget:
        page, column = _titled_page("thanks", "thanks_body", spacing=None, centred=True)
        column.addStretch(1)
        return page

    def _footer(self) -> QHBoxLayout:
        footer = QHBoxLayout()
        self.listen = ListenButton(lambda: SPOKEN[self._spoken])
        footer.addWidget(self.listen)
        footer.addStretch(1)
        self.skip = touch_button(TEXTS["skip"], "secondary", self.give_up)
        footer.addWidget(self.skip)
        footer.addSpacing(24)
        self.send = touch_button(TEXTS["send"], "primary", self.send_reasons)  # reasons only
        self.send.setMinimumWidth(420)
        footer.addWidget(self.send)
        return footer

    # --- the resident's choices ------------------------------------------------

    def start(self, dossier_code: str | None) -> None:
        """Ask afresh about ``dossier_code``, under a new key."""
        self.reset()
        self._code = dossier_code
        self.key = str(uuid.uuid4())
        self._open = True
        self.idle_timer.start()

    def choose(self, level: int) -> None:
        if not self._open or self.pages.currentWidget() is not self.faces_page:
            return  # a second tap that reached a face after the first moved on
        self._level = level
        if level > REASONS_UP_TO:
            self._record(level, ())
        else:
            self._show_page(self.reasons_page, "reasons")
            self._touched()

    def send_reasons(self) -> None:
        if not self._open or self._level is None:
            return
        chosen = tuple(r for r, button in self.reasons.items() if button.isChecked())
        self._record(self._level, chosen)

    def give_up(self) -> None:
        """«Bỏ qua», or no touch for the timeout: home, and nothing recorded."""
        if not self._open and self.pages.currentWidget() is self.thanks_page:
            return  # already thanked: the thanks lead home by themselves
        self._leave()

    def reset(self) -> None:
        """Forget the dossier and every choice (the session wipe)."""
        self.idle_timer.stop()
        self._thanks.stop()
        self._code = self.key = self._level = None
        self._open = False
        for button in self.reasons.values():
            button.setChecked(False)
        self.skip.show()
        self._show_page(self.faces_page, "faces")

    # --- recording ---------------------------------------------------------------

    def _record(self, level: int, reasons: tuple[str, ...]) -> None:
        key, code = self.key, self._code
        assert key is not None
        self._open = False  # one recording per showing; the store dedupes the key as well
        office, clock = self._services.office, self._services.clock
        self._runner.submit(
            lambda: office.ratings.record(key, code, level, reasons, None, clock()),
            lambda _rating: None, _not_recorded)
        self.idle_timer.stop()
        self.skip.hide()
        self._show_page(self.thanks_page, "thanks")
        self._thanks.start()

    def _touched(self) -> None:
        if self.idle_timer.isActive():
            self.idle_timer.start()  # a touch gives the resident the whole wait again

    def _show_page(self, page: QWidget, spoken: str) -> None:
        self.pages.setCurrentWidget(page)
        self.send.setVisible(page is self.reasons_page)
        self._spoken = spoken

    def _leave(self) -> None:
        self.reset()
        self.finished.emit()


def _not_recorded(error: BaseException) -> None:
    # The resident has been thanked and gone; a rating is not worth troubling the next one.
    log.error("rating not recorded", exc_info=error)


def _titled_page(title: str, hint: str, *, spacing: int | None,
                 centred: bool = False) -> tuple[QWidget, QVBoxLayout]:
    """A page opening with its title and hint, centred (``centred``: the whole page
    vertically); the caller adds the rest to the column."""
    page = QWidget()
    column = QVBoxLayout(page)
    if spacing is not None:
        column.setSpacing(spacing)
    if centred:
        column.addStretch(1)
    column.addWidget(_centred(plain_label(TEXTS[title], "title")))
    column.addWidget(_centred(plain_label(TEXTS[hint], "subtitle")))
    return page, column


def _centred(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _single_shot(parent: QObject, interval_ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer
