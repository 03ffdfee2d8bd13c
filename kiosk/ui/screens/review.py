"""Step 7: the whole dossier on one scrollable page, with "Sửa" beside each part.

The screen only says which step to reopen (``edit_requested``); the wizard
goes there and comes straight back here.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.domain.catalogue import Procedure
from kiosk.domain.draft import APPLICANT_FIELDS, Delivery, Payment
from kiosk.domain.fees import format_vnd
from kiosk.domain.forms import FormField
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.result_fee import fee_summary
from kiosk.ui.widgets.basics import plain_label, scroll_area
from kiosk.ui.widgets.card_summary import paired_lines, short_label
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Xem lại hồ sơ",
    "intro": "Xin Ông/Bà đọc lại. Chạm «Sửa» bên cạnh phần cần sửa.",
    "edit": "Sửa",
    "procedure": "Thủ tục",
    "applicant": "Người nộp hồ sơ",
    "form": "Thông tin tờ khai",
    "documents": "Giấy tờ đã nộp",
    "choices": "Nhận kết quả và nộp phí",
    "level": "Mức độ: {level}",
    "pages": "{count} trang",
    "missing": "chưa có",
    "generated": "máy tự lập, xem ở bước sau",
    "empty": "(chưa nhập)",
    "answer": "{label}: {value}",
    "group": "— {group} —",
    "at_office": "Nhận kết quả: tại bộ phận Một cửa",
    "by_post": "Nhận kết quả: qua bưu điện, gửi về {address}",
    "fee": "Phí, lệ phí: {amount}",
    "council": "Phí, lệ phí: mức do HĐND tỉnh quy định, nộp tại bộ phận Một cửa",
    "pay_office": "Nộp phí: tại bộ phận Một cửa",
    "pay_online": "Nộp phí: ngay bằng VietQR sau khi nộp hồ sơ",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin ông bà đọc lại hồ sơ. Phần nào chưa đúng, chạm nút Sửa bên cạnh phần đó. "
        "Đúng hết rồi thì chạm Tiếp tục.",
}

# Which wizard step shows each part (DESIGN.md "The resident's path").
STEP_CHOOSE, STEP_APPLICANT, STEP_FORM, STEP_DOCUMENTS, STEP_CHOICES = 0, 2, 3, 4, 5


class ReviewScreen(StepScreen):
    title = TEXTS["title"]
    edit_requested = Signal(int)  # the wizard step to reopen

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.setObjectName("review")
        self._config = config
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(plain_label(TEXTS["intro"], "subtitle"))
        self.page = QWidget()
        self.sections = QVBoxLayout(self.page)
        self.sections.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.sections.setSpacing(8)
        scroll = scroll_area(self.page)
        outer.addWidget(scroll, 1)

    def load(self, state: DraftState) -> None:
        self.clear()
        procedure = state.procedure
        if procedure is None:
            return
        self._section(TEXTS["procedure"], STEP_CHOOSE,
                      [procedure.name, TEXTS["level"].format(level=procedure.level_name)])
        self._section(TEXTS["applicant"], STEP_APPLICANT, _values(APPLICANT_FIELDS,
                                                                  state.applicant))
        if procedure.fields:
            self._section(TEXTS["form"], STEP_FORM, _values(procedure.fields, state.form))
        self._section(TEXTS["documents"], STEP_DOCUMENTS, _documents(procedure, state))
        self._section(TEXTS["choices"], STEP_CHOICES, self._choices(procedure, state))

    def clear(self) -> None:
        while (item := self.sections.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.setParent(None)  # gone from the page at once, not at the next loop
                widget.deleteLater()

    def shown_text(self) -> str:
        """Everything the page says, top to bottom (tests and the wipe check)."""
        return "\n".join(label.text() for label in self.page.findChildren(QLabel))

    def _section(self, heading: str, step: int, lines: Sequence[str]) -> None:
        box = QFrame()
        box.setObjectName("reviewSection")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 8)
        header = QHBoxLayout()
        header.addWidget(plain_label(heading, "resultTitle"), 1)
        edit = QPushButton(TEXTS["edit"])
        edit.setObjectName("secondary")
        edit.setAccessibleName(f"{TEXTS['edit']}: {heading}")
        edit.clicked.connect(lambda: self.edit_requested.emit(step))
        header.addWidget(edit)
        layout.addLayout(header)
        for line in lines:
            layout.addWidget(plain_label(line, "body"))
        self.sections.addWidget(box)

    def _choices(self, procedure: Procedure, state: DraftState) -> list[str]:
        by_post = state.delivery is Delivery.BY_POST
        lines = [TEXTS["by_post"].format(address=state.delivery_address) if by_post
                 else TEXTS["at_office"]]
        fees = fee_summary(procedure, state.form, self._config.fees)
        if fees.unknown:
            lines.append(TEXTS["council"])
            return lines
        lines.append(TEXTS["fee"].format(amount=format_vnd(fees.amount)))
        if fees.amount > 0:
            online = state.payment is Payment.ONLINE
            lines.append(TEXTS["pay_online"] if online else TEXTS["pay_office"])
        return lines


def _values(fields: Sequence[FormField], values: dict[str, str]) -> list[str]:
    """One line per answer; a form's groups (the mother, the child …) each under their
    name, their answers without it ("Năm sinh: 1995", not "Năm sinh của mẹ: 1995"), short
    answers two to a line: less to read, nothing left out."""
    lines: list[str] = []
    for group, run in groupby(fields, key=lambda spec: spec.group):
        answers = [TEXTS["answer"].format(label=short_label(spec) if group else spec.label,
                                          value=value or TEXTS["empty"])
                   for spec in run
                   if (value := values.get(spec.name, "").strip()) or spec.required]
        if answers:
            lines += [TEXTS["group"].format(group=group)] if group else []
            lines += paired_lines(answers) if group else answers
    return lines


def _documents(procedure: Procedure, state: DraftState) -> list[str]:
    lines = []
    for component in procedure.documents:
        pages = sum(d.pages for d in state.documents if d.component_code == component.code)
        if component.generated:
            lines.append(f"{component.name}: {TEXTS['generated']}")
        elif pages:
            lines.append(f"{component.name}: {TEXTS['pages'].format(count=pages)}")
        elif component.required:
            lines.append(f"{component.name}: {TEXTS['missing']}")
    return lines
