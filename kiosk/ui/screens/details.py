"""What the chosen procedure needs and gives, before the resident starts filling it in.

Papers to bring (with their notes), how long it takes, what it costs, what
the result is and how it comes back, and the service level: one scrolling
page in large text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.domain.catalogue import DocumentComponent, Procedure, TimeLimit
from kiosk.domain.errors import Problems, ValidationError
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.choose import fee_text, time_text
from kiosk.ui.widgets.basics import scroll_area
from kiosk.ui.widgets.fields import label
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Thông tin thủ tục",
    "level": "Mức độ dịch vụ công: {level}",
    "documents": "Giấy tờ cần có",
    "required": "• {name} (bắt buộc)",
    "optional": "• {name} (nếu có)",
    "time": "Thời hạn giải quyết",
    "verification": "{time}; nếu phải xác minh thì tối đa {days} ngày làm việc.",
    "fees": "Phí, lệ phí",
    "fee_line": "{name}: {amount}",
    "result": "Kết quả nhận được",
    "delivery": "Cách nhận kết quả",
    "delivery_text": "Nhận tại bộ phận Một cửa của Ủy ban nhân dân xã, hoặc qua bưu điện về địa "
    "chỉ Ông/Bà cho (chọn ở bước sau).",
    "payment_online": "Có thể nộp phí tại bộ phận Một cửa, hoặc chuyển khoản ngay bằng mã VietQR.",
    "payment_office": "Nộp phí (nếu có) tại bộ phận Một cửa khi nhận kết quả.",
    "start": "Chạm «Tiếp tục» để bắt đầu khai hồ sơ.",
    "no_procedure": "Chưa chọn thủ tục. Xin quay lại để chọn.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Trang này cho biết giấy tờ cần có, thời hạn giải quyết và lệ phí của thủ tục "
        "đã chọn. Đọc xong, chạm Tiếp tục ở góc dưới bên phải để bắt đầu khai hồ sơ.",
}


def time_lines(limit: TimeLimit) -> list[str]:
    main = time_text(limit)
    if limit.extra_days_if_verification:
        main = TEXTS["verification"].format(time=main, days=limit.max_working_days)
    return [main, limit.note] if limit.note else [main]


def document_lines(document: DocumentComponent) -> list[str]:
    key = "required" if document.required else "optional"
    lines = [TEXTS[key].format(name=document.name)]
    return lines + ([document.note] if document.note else [])


class ProcedureDetailsScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(self, fee_overrides: Mapping[str, int]) -> None:
        super().__init__()
        self.setObjectName("details")
        self._overrides = fee_overrides
        self.content = QWidget()
        self._column = QVBoxLayout(self.content)
        self._column.setContentsMargins(0, 0, 16, 0)
        self._column.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroller = scroll_area(self.content)
        self.scroller = scroller
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroller)

    def load(self, state: DraftState) -> None:
        self.clear()
        if state.procedure is None:
            self._add(TEXTS["no_procedure"], "message")
            return
        self._show(state.procedure)

    def _show(self, p: Procedure) -> None:
        self._add(p.name, "title")
        self._add(TEXTS["level"].format(level=p.level_name), "status")
        self._section(TEXTS["documents"], [line for d in p.documents for line in document_lines(d)])
        self._section(TEXTS["time"], time_lines(p.time_limit))
        self._section(TEXTS["fees"], self._fee_lines(p))
        self._section(TEXTS["result"], [p.result])
        payment = TEXTS["payment_online" if p.level == "4" else "payment_office"]
        self._section(TEXTS["delivery"], [TEXTS["delivery_text"], payment])
        self._add(TEXTS["start"], "subtitle")

    def _fee_lines(self, p: Procedure) -> list[str]:
        lines = [fee_text(p, self._overrides)]
        for fee in p.fees:
            if fee.note:
                lines.append(fee.note)
        return lines

    def _section(self, heading: str, lines: list[str]) -> None:
        self._add(heading, "resultTitle").setContentsMargins(0, 16, 0, 0)
        for index, line in enumerate(lines):
            if index == 0 or line.startswith("•"):
                self._add(line, "body")
            else:  # a note: under the line it explains, in grey
                self._add(line, "muted").setIndent(36)

    def _add(self, text: str, name: str) -> QLabel:
        widget = label(text, name)
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self._column.addWidget(widget)
        return widget

    def commit(self, state: DraftState, today: date) -> Problems:
        if state.procedure is not None:
            return Problems()
        return Problems((ValidationError("choose_procedure", TEXTS["no_procedure"]),))

    def clear(self) -> None:
        while (item := self._column.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.deleteLater()
        self.scroller.verticalScrollBar().setValue(0)
