"""Step 6: how the result comes back (office or post) and how the fee is paid.

Paying now by VietQR is offered only when it can really work: a toàn trình
(level 4) procedure, a bank account configured for this site, and something to
pay.  The VietQR code itself carries the dossier code as its bill number, so it
appears on the Done screen and on the receipt once the dossier is sealed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.domain.catalogue import Procedure
from kiosk.domain.draft import Delivery, Payment, check_choices
from kiosk.domain.errors import DomainError, Problems
from kiosk.domain.fees import FeeLine, compute_fees, format_vnd, total
from kiosk.ui.draft_state import DraftState
from kiosk.ui.widgets.basics import plain_label, scroll_area
from kiosk.ui.widgets.keyboard import VietnameseKeyboard
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Nhận kết quả và nộp phí",
    "delivery": "Ông/Bà muốn nhận kết quả ở đâu?",
    "at_office": "Nhận tại bộ phận Một cửa",
    "by_post": "Gửi qua bưu điện về nhà",
    "address": "Địa chỉ nhận\nkết quả:",
    "address_hint": "Số nhà, thôn/xóm, xã, tỉnh/thành phố",
    "edit_address": "Sửa địa chỉ",
    "fees": "Phí, lệ phí",
    "fee_total": "Tổng cộng: {amount}",
    "free": "Thủ tục này không mất phí.",
    "council": "Mức phí do HĐND tỉnh quy định, nộp tại bộ phận Một cửa.",
    "payment": "Ông/Bà nộp phí bằng cách nào?",
    "pay_office": "Nộp tại bộ phận Một cửa",
    "pay_online": "Nộp ngay bằng VietQR (chuyển khoản)",
    "office_only": "Phí nộp tại bộ phận Một cửa khi nhận kết quả.",
    "online_note": "Sau khi nộp hồ sơ, mã VietQR có sẵn số tiền và mã hồ sơ sẽ hiện trên màn "
    "hình và in trên phiếu hẹn. Ông/Bà quét mã bằng ứng dụng ngân hàng.",
    "payee": "Người nhận tiền: {name}",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin chọn nơi nhận kết quả: tại bộ phận Một cửa, hoặc gửi qua bưu điện về nhà. "
        "Nếu thủ tục có lệ phí, xin chọn cách nộp phí. Xong, chạm Tiếp tục.",
}
DECLARATION_FIELD = "cam_ket"  # check_choices' field for the declaration (a later step)
# The chosen option must stand out; theme.py has no rule for checked buttons yet.
TALL_SCREEN = 900  # px: room for the keyboard's hint line above its keys


@dataclass(frozen=True)
class FeeSummary:
    """What this request costs, or why the kiosk cannot say (a council fee not configured)."""

    lines: tuple[FeeLine, ...]
    unknown: bool

    @property
    def amount(self) -> int:
        return total(self.lines)


def fee_summary(procedure: Procedure, form: Mapping[str, str],
                overrides: Mapping[str, int]) -> FeeSummary:
    pages, copies = _count(form.get("so_trang"), 0), _count(form.get("so_ban"), 1)
    try:
        lines = compute_fees(procedure, pages=pages, copies=max(copies, 1), overrides=overrides)
    except DomainError:  # not configured here, or counts the form step did not take
        return FeeSummary((), unknown=True)
    return FeeSummary(tuple(lines), unknown=False)


def online_payment_offered(procedure: Procedure, config: Config, fees: FeeSummary) -> bool:
    bank = config.payment
    return (procedure.level == "4" and bool(bank.bank_bin and bank.account)
            and not fees.unknown and fees.amount > 0)


def _count(text: str | None, default: int) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


class ResultFeeScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.setObjectName("resultFee")
        self._config = config
        self._online_offered = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.choices = self._choices_page()
        self.typing = self._typing_page()
        outer.addWidget(self.choices, 1)
        outer.addWidget(self.typing, 1)
        self.typing.hide()

    # --- building -------------------------------------------------------------

    def _choices_page(self) -> QScrollArea:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(12)
        columns = QHBoxLayout()
        columns.setSpacing(48)
        columns.addLayout(self._delivery_column(), 1)
        columns.addLayout(self._fee_column(), 1)
        layout.addLayout(columns)
        self.message = plain_label("", "message")
        layout.addWidget(self.message)
        layout.addStretch(1)
        return scroll_area(page)

    def _delivery_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(plain_label(TEXTS["delivery"], "subtitle"))
        self.at_office, self.by_post = _pair(column, TEXTS["at_office"], TEXTS["by_post"])
        self.delivery_group = _group(self.at_office, self.by_post)
        self.by_post.toggled.connect(self._show_address_row)
        column.addWidget(self._address_row())
        column.addStretch(1)
        return column

    def _fee_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(plain_label(TEXTS["fees"], "subtitle"))
        self.fee_lines = plain_label("", "body")
        self.fee_note = plain_label("", "muted")
        column.addWidget(self.fee_lines)
        column.addWidget(self.fee_note)
        self.payment_title = plain_label(TEXTS["payment"], "subtitle")
        column.addWidget(self.payment_title)
        self.pay_office, self.pay_online = _pair(column, TEXTS["pay_office"], TEXTS["pay_online"])
        self.payment_group = _group(self.pay_office, self.pay_online)
        self.pay_online.toggled.connect(self._show_online_note)
        self.online_note = plain_label(TEXTS["online_note"], "muted")
        column.addWidget(self.online_note)
        column.addStretch(1)
        return column

    def _address_row(self) -> QWidget:
        self.address_row = QWidget()
        row = QVBoxLayout(self.address_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.address_shown = plain_label("", "body")
        row.addWidget(self.address_shown)
        edit = QPushButton(TEXTS["edit_address"])
        edit.setObjectName("secondary")
        edit.clicked.connect(self._start_typing)
        row.addWidget(edit, 0, Qt.AlignmentFlag.AlignLeft)
        self.address_row.hide()
        return self.address_row

    def _typing_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(plain_label(TEXTS["address"], "body"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(TEXTS["address_hint"])
        self.address.setMaxLength(300)
        self.address.returnPressed.connect(self._stop_typing)
        row.addWidget(self.address, 1)
        layout.addLayout(row)
        self.keyboard = VietnameseKeyboard()
        self.keyboard.done_requested.connect(self._stop_typing)
        layout.addWidget(self.keyboard, 1)
        return page

    # --- the step ---------------------------------------------------------------

    def load(self, state: DraftState) -> None:
        self.message.clear()
        self._stop_typing()
        self.address.setText(state.delivery_address)
        by_post = state.delivery is Delivery.BY_POST
        (self.by_post if by_post else self.at_office).setChecked(True)
        self._show_address_row(by_post)
        if state.procedure is not None:
            self._show_fees(state.procedure, state.form)
        online = self._online_offered and state.payment is Payment.ONLINE
        (self.pay_online if online else self.pay_office).setChecked(True)
        self._show_online_note(online)

    def commit(self, state: DraftState, today: date) -> Problems:
        self._stop_typing()
        state.delivery = Delivery.BY_POST if self.by_post.isChecked() else Delivery.AT_OFFICE
        state.delivery_address = self.address.text().strip()
        online = self._online_offered and self.pay_online.isChecked()
        state.payment = Payment.ONLINE if online else Payment.AT_OFFICE
        if state.procedure is None:
            return Problems()
        found = check_choices(state.procedure, state.delivery, state.delivery_address,
                              state.payment, declared=True)
        problems = Problems(tuple(e for e in found.errors if e.field != DECLARATION_FIELD))
        self.message.setText("\n".join(e.message for e in problems.errors))
        if not problems.ok and state.delivery is Delivery.BY_POST:
            self._start_typing()
        return problems

    def clear(self) -> None:
        self.address.clear()
        self.keyboard.reset()
        self.message.clear()
        self.fee_lines.clear()
        self.fee_note.clear()
        self.address_shown.clear()
        self.at_office.setChecked(True)
        self.pay_office.setChecked(True)
        self._online_offered = False
        self._stop_typing()

    # --- fees -------------------------------------------------------------------

    def _show_fees(self, procedure: Procedure, form: Mapping[str, str]) -> None:
        fees = fee_summary(procedure, form, self._config.fees)
        self._online_offered = online_payment_offered(procedure, self._config, fees)
        lines = [f"{line.name}: {format_vnd(line.amount)}" for line in fees.lines]
        if fees.amount > 0:
            lines.append(TEXTS["fee_total"].format(amount=format_vnd(fees.amount)))
        self.fee_lines.setText("\n".join(lines))
        self.fee_lines.setVisible(bool(lines))
        self.fee_note.setText(self._fee_note(fees))
        paying = fees.amount > 0 and self._online_offered
        for widget in (self.payment_title, self.pay_office, self.pay_online):
            widget.setVisible(paying)

    def _fee_note(self, fees: FeeSummary) -> str:
        if fees.unknown:
            return TEXTS["council"]
        if fees.amount == 0:
            return TEXTS["free"]
        if not self._online_offered:
            return TEXTS["office_only"]
        name = self._config.payment.account_name
        return TEXTS["payee"].format(name=name) if name else ""

    def _show_online_note(self, online: bool) -> None:
        self.online_note.setVisible(online and self._online_offered)

    # --- the address and its keyboard -------------------------------------------

    def _show_address_row(self, by_post: bool) -> None:
        self.address_shown.setText(self.address.text().strip())
        self.address_row.setVisible(by_post)
        if by_post and not self.address.text().strip() and self.isVisible():
            self._start_typing()

    def _start_typing(self) -> None:
        self.choices.hide()
        # On a 768-px-high screen the keyboard's hint line would push it off the bottom.
        self.keyboard.hint.setVisible(self.window().height() >= TALL_SCREEN)
        self.typing.show()
        self.keyboard.set_target(self.address)
        self.address.setFocus()

    def _stop_typing(self) -> None:
        self.keyboard.set_target(None)
        self.typing.hide()
        self.choices.show()
        self.address_shown.setText(self.address.text().strip())



def _choice(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("choice")
    button.setCheckable(True)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


def _pair(layout: QVBoxLayout, first: str, second: str) -> tuple[QPushButton, QPushButton]:
    buttons = (_choice(first), _choice(second))
    for button in buttons:
        layout.addWidget(button)
    return buttons


def _group(*buttons: QPushButton) -> QButtonGroup:
    group = QButtonGroup(buttons[0])
    group.setExclusive(True)
    for button in buttons:
        group.addButton(button)
    buttons[0].setChecked(True)
    return group
