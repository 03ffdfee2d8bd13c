"""Step 8: the declaration, an optional finger signature, and the last check of everything.

Going on from here seals the dossier, so ``commit`` builds the whole draft and
shows every problem still left, from any step, in plain Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
)

from kiosk.domain.errors import Problems, ValidationError
from kiosk.ui.draft_state import DraftState
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
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Đây là bước cuối cùng. Xin chạm vào ô Tôi xin chịu trách nhiệm về nội dung đã "
        "khai. Có thể ký tên bằng ngón tay vào khung. Rồi chạm Nộp hồ sơ.",
}
# theme.py has no rule for check boxes: a big box and a big label, a 60 px+ target.


class DeclarationScreen(StepScreen):
    title = TEXTS["title"]
    next_text = TEXTS["next"]  # wizard.StepFrame should show this on its next button

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.setObjectName("declaration")
        self._clock = clock
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.declare = QCheckBox(TEXTS["declare"])
        self.declare.setObjectName("declare")
        self.declare.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.declare)
        layout.addWidget(plain_label(TEXTS["sign"], "body"))
        layout.addLayout(self._signature_row(), 1)
        layout.addWidget(self._problems_area())

    def _signature_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(20)
        self.pad = SignaturePad()
        row.addWidget(self.pad, 1)
        self.resign = QPushButton(TEXTS["resign"])
        self.resign.setObjectName("secondary")
        self.resign.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resign.clicked.connect(self.pad.clear)
        row.addWidget(self.resign, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    def _problems_area(self) -> QScrollArea:
        self.message = plain_label("", "message")
        self.problems = QScrollArea()
        self.problems.setWidgetResizable(True)
        self.problems.setWidget(self.message)
        self.problems.setMaximumHeight(240)
        self.problems.hide()
        return self.problems

    def load(self, state: DraftState) -> None:
        self.declare.setChecked(state.declared)
        self._show_problems(())

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
        self.declare.setChecked(False)
        self.pad.clear()
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
