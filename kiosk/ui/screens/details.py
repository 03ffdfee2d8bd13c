"""What the chosen procedure needs and gives, before the resident starts filling it in.

Only what she needs to decide is on the page, in short lines: the papers to
bring (each "bắt buộc" or "nếu có"), the tờ khai the kiosk writes itself said
once, how long it takes, what it costs, what the result is and how it comes
back.  Every long explanation (a paper's conditions, the time limit's
exceptions, the fee's rule, the service level) waits behind «Xem thêm» beside
its line (``MoreText``).  Papers on the left, time, fee and result on the right:
at 1366×768 the whole page fits above «Tiếp tục».  With the larger text the two
go one under the other (side by side they would wrap every few words).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.catalogue import DocumentComponent, Procedure, TimeLimit
from kiosk.domain.errors import Problems, ValidationError
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.choose import fee_text, time_text
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.basics import plain_label, scroll_area
from kiosk.ui.widgets.more import KeepInView, MoreText, brief, joined
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Thông tin thủ tục",
    "documents": "Giấy tờ cần có",
    "required": "• {name} (bắt buộc)",
    "optional": "• {name} (nếu có)",
    "generated": "Tờ khai: máy tự lập, không cần mang theo.",
    "terms": "Thời hạn và lệ phí",
    "time": "Thời hạn: {time}",
    "verification": "Nếu phải xác minh: tối đa {days} ngày làm việc.",
    "fee": "Lệ phí: {fee}",
    "result": "Kết quả: {result}",
    "delivery": "Nhận kết quả: tại xã hoặc qua bưu điện",
    "delivery_text": "Nhận tại bộ phận Một cửa của Ủy ban nhân dân xã, hoặc qua bưu điện về địa "
    "chỉ Ông/Bà cho (chọn ở bước sau).",
    "payment_online": "Có thể nộp phí tại bộ phận Một cửa, hoặc chuyển khoản ngay bằng mã VietQR.",
    "payment_office": "Nộp phí (nếu có) tại bộ phận Một cửa khi nhận kết quả.",
    "level": "Mức độ dịch vụ công: {level}.",
    "no_procedure": "Chưa chọn thủ tục. Xin quay lại để chọn.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Trang này cho biết giấy tờ cần có, thời hạn giải quyết và lệ phí của thủ tục "
        "đã chọn. Giấy ghi bắt buộc thì phải có; giấy ghi nếu có thì chỉ cần khi ông bà có. Tờ "
        "khai thì máy tự lập từ những gì ông bà khai, không cần mang theo. Muốn đọc giải thích "
        "của một dòng, chạm nút Xem thêm bên cạnh dòng đó. Đọc xong, chạm Tiếp tục ở góc dưới "
        "bên phải để bắt đầu khai hồ sơ.",
}
COLUMN_GAP = 40  # px between the papers and the rest


def document_row(document: DocumentComponent) -> MoreText:
    """«• Giấy chứng sinh (bắt buộc)», its bracketed remark and its note behind the tap."""
    name, aside = brief(document.name)
    key = "required" if document.required else "optional"
    return MoreText(TEXTS[key].format(name=name), joined(aside, document.note))


def time_more(limit: TimeLimit) -> str:
    verification = ""
    if limit.extra_days_if_verification:
        verification = TEXTS["verification"].format(days=limit.max_working_days)
    return joined(verification, limit.note)


class ProcedureDetailsScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(self, fee_overrides: Mapping[str, int]) -> None:
        super().__init__()
        self.setObjectName("details")
        self._overrides = fee_overrides
        self._stacked = False  # the two columns one under the other (the larger text)
        self.rows: list[MoreText] = []  # the page's lines (those with a note: «Xem thêm»)
        self.content = QWidget()
        self._column = QVBoxLayout(self.content)
        self._column.setContentsMargins(0, 0, 16, 0)
        self.scroller = scroll_area(self.content)
        self._keep = KeepInView(self.scroller)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller)

    def load(self, state: DraftState) -> None:
        self.clear()
        if state.procedure is None:
            self._column.addWidget(_label(TEXTS["no_procedure"], "message"))
            self._column.addStretch(1)
            return
        self._show(state.procedure)

    def _show(self, p: Procedure) -> None:
        self._column.addWidget(_label(p.name, "title"))
        columns = QVBoxLayout() if self._stacked else QHBoxLayout()
        columns.setSpacing(COLUMN_GAP)
        columns.addLayout(self._papers(p), 1)
        columns.addLayout(self._terms(p), 1)
        self._column.addLayout(columns)
        # Room left over goes to stretches, never to an aligned layout: that would give each
        # row the height of its size hint, not the height its wrapped lines need at its width.
        self._column.addStretch(1)

    def _papers(self, p: Procedure) -> QVBoxLayout:
        column = _column()
        column.addWidget(_label(TEXTS["documents"], "resultTitle"))
        for document in p.documents_to_bring:
            self._add(column, document_row(document))
        if p.generated_documents:  # said once, however many the kiosk writes
            column.addWidget(_label(TEXTS["generated"], "muted"))
        column.addStretch(1)
        return column

    def _terms(self, p: Procedure) -> QVBoxLayout:
        column = _column()
        column.addWidget(_label(TEXTS["terms"], "resultTitle"))
        fee_notes = joined(*(fee.note for fee in p.fees))
        payment = TEXTS["payment_online" if p.level == "4" else "payment_office"]
        level = TEXTS["level"].format(level=p.level_name)
        rows = [
            MoreText(TEXTS["time"].format(time=time_text(p.time_limit)), time_more(p.time_limit)),
            MoreText(TEXTS["fee"].format(fee=fee_text(p, self._overrides)), fee_notes),
            MoreText(TEXTS["result"].format(result=p.result)),
            MoreText(TEXTS["delivery"], joined(TEXTS["delivery_text"], payment, level)),
        ]
        for row in rows:
            self._add(column, row)
        column.addStretch(1)
        return column

    def _add(self, column: QVBoxLayout, row: MoreText) -> None:
        column.addWidget(row)
        self.rows.append(row)
        self._keep.watch(row)

    def set_metrics(self, metrics: Metrics) -> None:
        """The text size changed (only at home: the page is built anew when next shown)."""
        self._stacked = metrics.scale > 1

    def commit(self, state: DraftState, today: date) -> Problems:
        if state.procedure is not None:
            return Problems()
        return Problems((ValidationError("choose_procedure", TEXTS["no_procedure"]),))

    def clear(self) -> None:
        self.rows = []
        self._keep.forget()
        _empty(self._column)
        self.scroller.verticalScrollBar().setValue(0)


def _column() -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(10)
    return column


def _label(text: str, name: str) -> QLabel:
    widget = plain_label(text, name)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return widget


def _empty(layout: QVBoxLayout | QHBoxLayout) -> None:
    """Take every widget out of ``layout`` and its inner layouts; gone at once from view."""
    while (item := layout.takeAt(0)) is not None:
        if (widget := item.widget()) is not None:
            widget.hide()
            widget.deleteLater()
        elif isinstance(inner := item.layout(), (QVBoxLayout, QHBoxLayout)):
            _empty(inner)
            inner.deleteLater()
