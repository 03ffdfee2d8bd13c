"""Step 8: the tờ khai the kiosk wrote, the declaration, the finger signature, the last check.

The page shown is the very PDF sealing will attach (kiosk/declarations),
rendered off the GUI thread and drawn again when the signature changes, so the
resident sees their signature land on the form.  Going on from here seals the
dossier, so ``commit`` builds the whole draft and shows every problem still
left, from any step, in plain Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import SiteConfig
from kiosk.declarations.layout import LEFT, RIGHT
from kiosk.declarations.service import render_declaration, spec_for
from kiosk.declarations.values import DeclarationInput
from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.errors import Problems, ValidationError
from kiosk.ui.draft_state import DraftState
from kiosk.ui.pdf_page import pdf_page_image
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.theme import kinetic
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.signature import SignaturePad
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Cam kết và nộp hồ sơ",
    "next": "Nộp hồ sơ",
    "declare": "Tôi xin chịu trách nhiệm về nội dung đã khai",
    "sign": "Ký tên bằng ngón tay vào khung dưới đây (không bắt buộc):",
    "resign": "Ký lại",
    "problems": "Hồ sơ còn thiếu hoặc chưa đúng, xin Ông/Bà sửa lại:",
    "fix_hint": "Chạm «Quay lại» để về trang Xem lại và chạm «Sửa» ở phần cần sửa.",
    "no_procedure": "Chưa chọn thủ tục. Xin quay lại bước đầu tiên.",
    "form_heading": "Tờ khai máy đã lập từ thông tin Ông/Bà khai — xin đọc lại:",
    "form_rendering": "Đang lập tờ khai…",
    "form_failed": "Chưa hiển thị được tờ khai; tờ khai vẫn được lập khi nộp hồ sơ.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Đây là bước cuối cùng. Xin chạm vào ô Tôi xin chịu trách nhiệm về nội dung đã "
        "khai. Có thể ký tên bằng ngón tay vào khung. Rồi chạm Nộp hồ sơ.",
}
# theme.py has no rule for check boxes: a big box and a big label, a 60 px+ target.
_REDRAW_MS = 250  # after the last stroke: one render per signature, not per stroke
_EDGE = 4.0  # pt of the page's margins kept beside the text
_MIN_PAGE_PX = 320  # before the view is laid out


class DeclarationScreen(StepScreen):
    title = TEXTS["title"]
    next_text = TEXTS["next"]  # wizard.StepFrame should show this on its next button

    def __init__(self, clock: Callable[[], datetime], site: SiteConfig | None = None,
                 runner: BackgroundRunner | None = None) -> None:
        super().__init__()
        self.setObjectName("declaration")
        self._clock = clock
        self._site = site or SiteConfig()
        self._runner = runner
        self._state: DraftState | None = None
        self._generation = 0  # a render answered after a newer request is dropped
        self._redraw = QTimer(self, singleShot=True, interval=_REDRAW_MS)
        self._redraw.timeout.connect(self.refresh_form)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(12)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self._form_view(), 3)
        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(plain_label(TEXTS["sign"], "body"))
        side.addLayout(self._signature_row(), 1)
        row.addLayout(side, 2)
        root.addLayout(row, 1)
        self.declare = QCheckBox(TEXTS["declare"])
        self.declare.setObjectName("declare")
        self.declare.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        root.addWidget(self.declare)
        root.addWidget(self._problems_area())

    def _form_view(self) -> QWidget:
        self.form_box = QWidget()
        layout = QVBoxLayout(self.form_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(TEXTS["form_heading"], "body"))
        self.page = QLabel(TEXTS["form_rendering"])
        self.page.setObjectName("declaration_page")
        self.page.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_view = QScrollArea()
        self.page_view.setWidget(self.page)
        self.page_view.setWidgetResizable(True)
        self.page_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there, so the view's width does not change when the page arrives and the
        # page drawn as wide as the view is never cut at its right edge.
        self.page_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        kinetic(self.page_view)
        layout.addWidget(self.page_view, 1)
        self.form_box.hide()
        return self.form_box

    def _signature_row(self) -> QVBoxLayout:
        row = QVBoxLayout()
        row.setSpacing(12)
        self.pad = SignaturePad()
        self.pad.changed.connect(self._redraw.start)
        row.addWidget(self.pad, 1)
        self.resign = QPushButton(TEXTS["resign"])
        self.resign.setObjectName("secondary")
        self.resign.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resign.clicked.connect(self.pad.clear)
        row.addWidget(self.resign, 0, Qt.AlignmentFlag.AlignRight)
        return row

    def _problems_area(self) -> QScrollArea:
        self.message = plain_label("", "message")
        self.problems = QScrollArea()
        self.problems.setWidgetResizable(True)
        self.problems.setWidget(self.message)
        self.problems.setMaximumHeight(240)
        kinetic(self.problems)
        self.problems.hide()
        return self.problems

    def load(self, state: DraftState) -> None:
        self._state = state
        self.declare.setChecked(state.declared)
        self._show_problems(())
        self.refresh_form()

    # -- the tờ khai ---------------------------------------------------------------

    def refresh_form(self) -> None:
        """Write the tờ khai again from the draft and the signature, off the GUI thread."""
        state = self._state
        if state is None or state.procedure is None or self._runner is None \
                or spec_for(state.procedure.code) is None:
            self.form_box.hide()
            return
        self.form_box.show()
        self._generation += 1
        generation = self._generation
        source = self._source(state)
        width = max(self.page_view.viewport().width() - 4, _MIN_PAGE_PX)
        trim = (LEFT - _EDGE, RIGHT - _EDGE)
        self._runner.submit(lambda: pdf_page_image(render_declaration(source), width, trim),
                            lambda image: self._show_form(generation, image),
                            lambda _error: self._show_form(generation, QImage()))

    def _source(self, state: DraftState) -> DeclarationInput:
        assert state.procedure is not None
        return DeclarationInput(state.procedure.code, dict(state.applicant), dict(state.form),
                                self._site.name, self._site.province,
                                to_vietnam_time(self._clock()).date(), self.pad.to_png())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._state is not None and event.oldSize().width() != event.size().width():
            self._redraw.start()  # the page is drawn as wide as its view

    def _show_form(self, generation: int, image: QImage) -> None:
        if generation != self._generation or self._state is None:
            return
        if image.isNull():
            self.page.setPixmap(QPixmap())
            self.page.setText(TEXTS["form_failed"])
            return
        self.page.setPixmap(QPixmap.fromImage(image))

    # -- the step ------------------------------------------------------------------

    def commit(self, state: DraftState, today: date) -> Problems:
        state.declared = self.declare.isChecked()
        state.signature_png = self.pad.to_png()
        if state.procedure is None:
            self.message.setText(TEXTS["no_procedure"])
            self.problems.show()
            return Problems((ValidationError("no_procedure", TEXTS["no_procedure"]),))
        _draft, problems = state.build(self._clock())
        self._show_problems(problems.errors)
        return problems

    def clear(self) -> None:
        self._state = None
        self._generation += 1
        self.declare.setChecked(False)
        self.pad.clear()
        self._redraw.stop()  # the clear's own "changed" asks for no render
        self.page.setPixmap(QPixmap())
        self.page.setText(TEXTS["form_rendering"])
        self.form_box.hide()
        self._show_problems(())

    def _show_problems(self, errors: tuple[ValidationError, ...]) -> None:
        if not errors:
            self.message.clear()
            self.problems.hide()
            return
        lines = [TEXTS["problems"], *(f"• {e.message}" for e in errors)]
        if any(e.field != "cam_ket" for e in errors):
            lines.append(TEXTS["fix_hint"])
        self.message.setText("\n".join(lines))
        self.problems.show()
