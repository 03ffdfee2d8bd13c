"""Choose the procedure: by field (lĩnh vực) or by searching, then touch its card.

Search ignores diacritics, case and spacing (``Catalogue.search``), so a
resident who types "khaisinh" on the on-screen keyboard without any marks
still finds "Đăng ký khai sinh" first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.catalogue import Catalogue, Procedure, TimeLimit
from kiosk.domain.errors import DataError, Problems, ValidationError
from kiosk.domain.fees import Fee, certified_copy_fee, describe_fee, format_vnd
from kiosk.ui.draft_state import DraftState
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets.basics import scroll_area
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.fields import label, mark_checked
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Chọn thủ tục",
    "search": "Tìm thủ tục: chạm vào đây rồi gõ, ví dụ «khai sinh»",
    "clear_search": "Xóa chữ tìm",
    "all": "Tất cả",
    # Under the name, one line: the level, the time limit, the fee; the details step says more.
    "card_line": "{level} · {time} · {fee}",
    "level_3": "Một phần",
    "level_4": "Toàn trình",
    "same_day": "Trong ngày",
    "days": "{days} ngày làm việc",
    "fee_from": "Từ {amount}/bản",
    "fee_council": "Có lệ phí",
    "fee_and": " + ",
    "none_found": "Không tìm thấy thủ tục nào. Xin gõ ít chữ hơn, hoặc chọn «Tất cả».",
    "choose_one": "Xin chạm vào một thủ tục để chọn.",
    "free": "Miễn phí",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin chọn thủ tục cần làm. Chạm vào ô tìm kiếm ở trên để gõ tên thủ tục, ví dụ "
        "khai sinh, hoặc chạm vào một nhóm thủ tục. Rồi chạm vào thủ tục cần làm. Dưới tên mỗi "
        "thủ tục có ba điều: nộp trực tuyến toàn trình hay một phần, thời hạn giải quyết, và lệ "
        "phí. Trang sau sẽ nói rõ giấy tờ cần có và lệ phí.",
}


def time_text(limit: TimeLimit) -> str:
    """ "Trong ngày" or "N ngày làm việc", as on the procedure cards."""
    if limit.same_day:
        return TEXTS["same_day"]
    return TEXTS["days"].format(days=limit.working_days)


def fee_text(procedure: Procedure, overrides: Mapping[str, int]) -> str:
    """The procedure's fees in full, one line; a council fee the site has not configured
    says who sets it (the details step)."""
    parts = []
    for fee in procedure.fees:
        try:
            parts.append(describe_fee(fee, overrides))
        except DataError:
            parts.append(describe_fee(fee, None))
    return "; ".join(parts) or TEXTS["free"]


def short_fee(procedure: Procedure, overrides: Mapping[str, int]) -> str:
    """What the procedure costs in a few words, for its card: "Miễn phí", "8.000 đ/bản",
    "Từ 2.000 đ/bản"; a council fee the site has not configured is only "Có lệ phí"."""
    parts = [_short(fee, overrides) for fee in procedure.fees if fee.kind != "free"]
    return TEXTS["fee_and"].join(parts) or TEXTS["free"]


def _short(fee: Fee, overrides: Mapping[str, int]) -> str:
    if fee.kind == "certified_copy":  # by the page: the least a copy costs
        return TEXTS["fee_from"].format(amount=format_vnd(certified_copy_fee(1)))
    if fee.kind == "council" and fee.config_key not in overrides:
        return TEXTS["fee_council"]
    try:
        return describe_fee(fee, overrides)
    except DataError:  # configured wrong: the official sees it, the card only that it costs
        return TEXTS["fee_council"]


def card_line(procedure: Procedure, overrides: Mapping[str, int]) -> str:
    """«Toàn trình · 3 ngày làm việc · Miễn phí»: the card's line under the name."""
    return TEXTS["card_line"].format(level=TEXTS[f"level_{procedure.level}"],
                                     time=time_text(procedure.time_limit),
                                     fee=short_fee(procedure, overrides))


class ProcedureCard(QPushButton):
    """One procedure: its name, large, and under it one line of level, time limit and fee;
    the whole card is the button."""

    chosen = Signal(object)  # the Procedure

    def __init__(self, procedure: Procedure, overrides: Mapping[str, int]) -> None:
        super().__init__()
        self.procedure = procedure
        self.setObjectName("card")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        # The labels draw on the card's own background.
        self.setStyleSheet("QLabel { background: transparent; }")
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 14, 28, 14)
        column.setSpacing(4)
        self.summary = card_line(procedure, overrides)
        for text, name in ((procedure.name, "resultTitle"), (self.summary, "body")):
            line = label(text, name)
            line.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            column.addWidget(line)
        self.clicked.connect(lambda: self.chosen.emit(self.procedure))


class ChooseProcedureScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(
        self, catalogue: Catalogue, fee_overrides: Mapping[str, int],
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("choose")
        self._catalogue = catalogue
        self._state: DraftState | None = None
        self._field = ""
        self.dock = KeyboardDock(self, metrics)
        self.cards = [ProcedureCard(p, fee_overrides) for p in catalogue]
        for card in self.cards:
            card.chosen.connect(self._choose)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._search_row())
        self.tabs = self._field_tabs()
        column.addWidget(self.tabs)
        # While the keyboard is up, the results get the room the tabs had.
        self.dock.opened.connect(lambda _height: self.tabs.hide())
        self.dock.closed.connect(self.tabs.show)
        self.message = label("", "message")
        self.message.hide()
        column.addWidget(self.message)
        column.addWidget(self._card_list(), 1)
        self._show_matches()

    def _search_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(TEXTS["search"])
        self.search.textChanged.connect(self._search_changed)
        self.search.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.search.installEventFilter(self)
        row.addWidget(self.search, 1)
        self.clear_search = QPushButton(TEXTS["clear_search"])
        self.clear_search.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_search.clicked.connect(self.search.clear)
        self.clear_search.hide()  # only with something to clear
        row.addWidget(self.clear_search)
        return row

    def _field_tabs(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 8, 0, 8)
        self._tab_group = QButtonGroup(self)
        self.field_buttons: dict[str, QPushButton] = {}
        groups = self._catalogue.by_field()
        self._add_tab(row, "", TEXTS["all"])
        for field in groups:
            self._add_tab(row, field, field)
        row.addStretch(1)
        self.field_buttons[""].setChecked(True)
        return box

    def _add_tab(self, row: QHBoxLayout, field: str, text: str) -> None:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.toggled.connect(lambda _on: mark_checked(button, text))
        button.clicked.connect(lambda: self._pick_field(field))
        self._tab_group.addButton(button)
        self.field_buttons[field] = button
        row.addWidget(button)

    def _card_list(self) -> QScrollArea:
        self.card_box = QWidget()
        self._cards = QVBoxLayout(self.card_box)
        self._cards.setContentsMargins(0, 0, 16, 0)
        self._cards.setSpacing(14)
        self.none_found = label(TEXTS["none_found"], "subtitle")
        self._cards.addWidget(self.none_found)
        for card in self.cards:
            self._cards.addWidget(card)
        self._cards.addStretch(1)
        self.scroller = scroll_area(self.card_box)
        return self.scroller

    # --- finding ---------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and self.dock.target() is not self.search:
            self.dock.open_for(self.search, digits=False)
        return False

    def hideEvent(self, event: QHideEvent) -> None:
        self.dock.close_keyboard()
        super().hideEvent(event)

    def _pick_field(self, field: str) -> None:
        self._field = field
        self._show_matches()

    def _search_changed(self, text: str) -> None:
        self.clear_search.setVisible(bool(text))
        if text.strip() and self._field:
            self._field = ""
            self.field_buttons[""].setChecked(True)
        self._show_matches()

    def matches(self) -> list[Procedure]:
        """What the cards show now, in their order."""
        found = self._catalogue.search(self.search.text())
        return [p for p in found if not self._field or p.field == self._field]

    def shown_cards(self) -> list[ProcedureCard]:
        return [card for card in self.cards if not card.isHidden()]

    def _show_matches(self) -> None:
        by_code = {card.procedure.code: card for card in self.cards}
        order = [by_code[p.code] for p in self.matches()]
        for card in self.cards:
            self._cards.removeWidget(card)
            card.hide()
        for index, card in enumerate(order, start=1):
            self._cards.insertWidget(index, card)
            card.show()
        self.none_found.setVisible(not order)
        self.scroller.verticalScrollBar().setValue(0)

    # --- the step ------------------------------------------------------------

    def _choose(self, procedure: Procedure) -> None:
        if self._state is None:
            return
        self.dock.close_keyboard()
        self._state.choose(procedure)
        self.advance_requested.emit()

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle the on-screen keyboard after the text size changed."""
        self.dock.set_metrics(metrics)

    def load(self, state: DraftState) -> None:
        self._state = state
        self.message.hide()

    def commit(self, state: DraftState, today: date) -> Problems:
        self.dock.close_keyboard()
        if state.procedure is not None:
            return Problems()
        error = ValidationError("choose_procedure", TEXTS["choose_one"], field="procedure")
        self.message.setText(error.message)
        self.message.show()
        return Problems((error,))

    def clear(self) -> None:
        self.dock.close_keyboard()
        self.search.clear()
        self._pick_field("")
        self.field_buttons[""].setChecked(True)
        self.message.clear()
        self.message.hide()
