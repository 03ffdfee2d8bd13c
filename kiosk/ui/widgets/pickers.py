"""Choosing from a list instead of typing: ethnic group, nationality, commune and province.

A ``PickerPanel`` lies over the whole window: a title, a search box that
ignores case and diacritics ("ha noi" finds Hà Nội), and one big row per
option (at least 60 px), the current choice ticked.  Tapping the search box
opens the on-screen keyboard of the field list's dock; tapping a row picks it.
For a place the resident picks the province first, then its commune or ward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.lists import Option, search
from kiosk.domain.places import Province, find_provinces, find_wards, place_text
from kiosk.ui.widgets.basics import plain_label
from kiosk.ui.widgets.dock import KeyboardDock, layout_now

TEXTS = {
    "search": "Gõ vài chữ để tìm (không cần dấu)",
    "close": "Đóng",
    "back": "‹ Chọn tỉnh, thành phố khác",
    "province": "{label}: chọn tỉnh, thành phố",
    "ward": "{label}: chọn xã, phường thuộc {province}",
    "none": "Không tìm thấy. Xin gõ cách khác.",
    "more": "Còn {count} kết quả nữa: gõ thêm vài chữ để tìm.",
    "checked": "✓ {text}",
    "caption": "Tìm trong danh sách",
}

ROW_HEIGHT = 72  # px: well above the 60 px touch minimum
MAX_ROWS = 60  # rows shown at once; the search narrows a long list (3,321 communes)


class PickerPanel(QFrame):
    """The list over the window; ``picked`` carries the value chosen, ``closed`` any end."""

    picked = Signal(str)
    closed = Signal()

    def __init__(self, host: QWidget, dock: KeyboardDock) -> None:
        window = host.window()
        super().__init__(window)  # built on the window it lies over: moving it restyles it
        self.setObjectName("pickerPanel")
        self.setFrameShape(QFrame.Shape.Box)
        self.setAutoFillBackground(True)
        self._host, self._dock = host, dock
        self._options: Sequence[Option] = ()
        self._find: Callable[[str], list[Option]] = lambda _q: []
        self._on_pick: Callable[[Option], None] = lambda _o: None
        self._current = ""
        self.rows: list[QPushButton] = []  # the rows shown
        self._pool: list[QPushButton] = []  # rows kept for the next list (built once)
        self._option_of: dict[QPushButton, Option] = {}
        self._build()
        self.hide()
        if window is not host:
            window.installEventFilter(self)

    def _build(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        self.title = plain_label("", "resultTitle")
        top.addWidget(self.title, 1)
        self.close_button = _button(TEXTS["close"], self.close_panel)
        top.addWidget(self.close_button)
        column.addLayout(top)
        self.back_button = _button(TEXTS["back"], lambda: None)
        column.addWidget(self.back_button)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(TEXTS["search"])
        self.search_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.search_box.textChanged.connect(self._refresh)
        self.search_box.installEventFilter(self)
        column.addWidget(self.search_box)
        self.note = plain_label("", "muted")
        column.addWidget(self.note)
        self._list = QWidget()
        self._rows_layout = QVBoxLayout(self._list)
        self._rows_layout.setContentsMargins(0, 0, 12, 0)
        self._rows_layout.addStretch(1)
        self.rows_area = QScrollArea()
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QFrame.Shape.NoFrame)
        self.rows_area.setWidget(self._list)
        column.addWidget(self.rows_area, 1)

    # --- what is shown ---------------------------------------------------------

    def choose(self, title: str, options: Sequence[Option], current: str,
               on_pick: Callable[[Option], None] | None = None,
               find: Callable[[str], list[Option]] | None = None) -> None:
        """Show ``options``; the one equal to ``current`` ticked; ``find`` searches them."""
        self._options, self._current = options, current
        self._find = find or (lambda query: search(self._options, query))
        self._on_pick = on_pick or (lambda option: self._finish(option.value))
        self.back_button.hide()
        self._open(title)

    def choose_place(self, label: str, provinces: Sequence[Province], current: str) -> None:
        """The province first, then one of its communes or wards."""
        self._current = current

        def province_chosen(option: Option) -> None:
            province = next(p for p in provinces if p.name == option.value)
            self._wards(label, provinces, province)

        self.choose(TEXTS["province"].format(label=label), [p.option for p in provinces],
                    current, province_chosen,
                    lambda query: [p.option for p in find_provinces(provinces, query)])

    def _wards(self, label: str, provinces: Sequence[Province], province: Province) -> None:
        title = TEXTS["ward"].format(label=label, province=province.name)
        self._options = province.wards
        self._find = lambda query: find_wards(province, query)
        self._on_pick = lambda ward: self._finish(place_text(ward.value, province.name))
        self._rewire_back(lambda: self.choose_place(label, provinces, self._current))
        self._open(title)
        self.back_button.show()

    def _rewire_back(self, slot: Callable[[], None]) -> None:
        self.back_button.clicked.disconnect()
        self.back_button.clicked.connect(slot)

    def _open(self, title: str) -> None:
        self.title.setText(title)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._refresh()
        self._place()

    def _refresh(self) -> None:
        found = self._find(self.search_box.text())
        shown = found[:MAX_ROWS]
        while len(self._pool) < len(shown):  # rows are reused: building them took 1 ms each
            self._rows_layout.insertWidget(len(self._pool), self._new_row())
        self.rows = self._pool[:len(shown)]
        for row, option in zip(self.rows, shown, strict=True):
            self._show_row(row, option)
            row.show()  # added to a panel already on screen: not shown by itself
        for row in self._pool[len(shown):]:
            row.hide()
        hidden = len(found) - len(self.rows)
        self.note.setText(TEXTS["none"] if not found else
                          TEXTS["more"].format(count=hidden) if hidden > 0 else "")
        self.note.setVisible(bool(self.note.text()))
        self.rows_area.verticalScrollBar().setValue(0)

    def _new_row(self) -> QPushButton:
        row = QPushButton()
        row.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.clicked.connect(lambda _=False: self._on_pick(self._option_of[row]))
        row.setObjectName("pickerRow")
        row.setCheckable(True)
        row.setMinimumHeight(ROW_HEIGHT)  # left-aligned by the theme (#pickerRow)
        self._pool.append(row)
        return row

    def _show_row(self, row: QPushButton, option: Option) -> None:
        ticked = option.value == self._current or (
            bool(self._current) and self._current.endswith(", " + option.value))
        row.setText(TEXTS["checked"].format(text=option.value) if ticked else option.value)
        row.setChecked(ticked)
        self._option_of[row] = option

    def row(self, text: str) -> QPushButton:
        """The shown row for ``text`` (with or without its tick)."""
        plain = TEXTS["checked"].format(text="")
        return next(r for r in self.rows if r.text().removeprefix(plain) == text)

    # --- placing, the keyboard, closing -------------------------------------------

    def settle(self) -> None:
        """Onto the window, hidden, ahead of the first «Chọn» (``KeyboardDock.settle``)."""
        window = self._host.window()
        if self.parentWidget() is not window:
            self.setParent(window)
            window.installEventFilter(self)
            self.hide()

    def _place(self) -> None:
        self.settle()
        window = self._host.window()
        self.setGeometry(window.rect())
        layout_now(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.MouseButtonPress:
            self._dock.open_for(self.search_box, False, TEXTS["caption"], (), TEXTS["caption"])
            self._dock.raise_()
        elif event.type() == QEvent.Type.Resize and self.isVisible() and watched is not self:
            self.setGeometry(self._host.window().rect())
        return False

    def _finish(self, value: str) -> None:
        self.picked.emit(value)
        self.close_panel()

    def close_panel(self) -> None:
        if self._dock.target() is self.search_box:
            self._dock.close_keyboard()
        was_open = self.isVisible()
        self.hide()  # hidden, it stays on the window: moving it back restyled every row
        if was_open:
            self.closed.emit()


def _button(text: str, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.clicked.connect(lambda _=False: slot())
    return button
