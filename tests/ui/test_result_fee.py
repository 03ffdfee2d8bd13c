"""Result & fee step: where the result goes, what it costs, and when VietQR is offered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config, PaymentConfig
from kiosk.domain.draft import Delivery, Payment
from kiosk.services import shipped_catalogue
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.result_fee import ResultFeeScreen
from tests.support.kiosk import START

pytestmark = pytest.mark.gui

BANK = PaymentConfig(bank_bin="970403", account="0011012345678", account_name="UBND XA CONG LAC")
BIRTH, EXTRACT, COPY, MARITAL = "1.001193", "2.000635", "2.000815", "1.004873"


def screen_for(qtbot: QtBot, code: str, config: Config, **form: str) -> tuple[
        ResultFeeScreen, DraftState]:
    screen = ResultFeeScreen(config)
    qtbot.addWidget(screen)
    screen.resize(1366, 600)
    screen.show()
    state = DraftState(procedure=shipped_catalogue().get(code), form=dict(form))
    screen.load(state)
    return screen, state


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_free_procedure_says_so_and_asks_nothing_about_payment(qtbot: QtBot) -> None:
    screen, state = screen_for(qtbot, BIRTH, Config(payment=BANK))
    assert "không mất phí" in screen.fee_note.text()
    assert not screen.pay_online.isVisible()
    assert screen.commit(state, START.date()).ok
    assert state.payment is Payment.AT_OFFICE
    assert state.delivery is Delivery.AT_OFFICE


def test_vietqr_is_offered_for_a_paid_level_4_procedure_with_a_bank_account(
    qtbot: QtBot,
) -> None:
    screen, state = screen_for(qtbot, EXTRACT, Config(payment=BANK), so_ban="2")
    assert "Tổng cộng: 16.000 đ" in screen.fee_lines.text()
    assert screen.pay_online.isVisible()
    tap(qtbot, screen.pay_online)
    assert "VietQR" in screen.online_note.text() and screen.online_note.isVisible()
    assert screen.commit(state, START.date()).ok
    assert state.payment is Payment.ONLINE


def test_no_vietqr_without_a_configured_bank_account(qtbot: QtBot) -> None:
    screen, state = screen_for(qtbot, EXTRACT, Config())
    assert not screen.pay_online.isVisible()
    assert "nộp tại bộ phận Một cửa" in screen.fee_note.text()
    assert screen.commit(state, START.date()).ok
    assert state.payment is Payment.AT_OFFICE


def test_no_vietqr_for_a_level_3_procedure(qtbot: QtBot) -> None:
    screen, _state = screen_for(qtbot, COPY, Config(payment=BANK), so_trang="3", so_ban="2")
    assert "Tổng cộng: 10.000 đ" in screen.fee_lines.text()  # (2×2.000 + 1.000) × 2 copies
    assert not screen.pay_online.isVisible()


def test_a_council_fee_not_configured_is_paid_at_the_office(qtbot: QtBot) -> None:
    screen, state = screen_for(qtbot, MARITAL, Config(payment=BANK))
    assert screen.fee_note.text() == ("Mức phí do HĐND tỉnh quy định, nộp tại bộ phận Một cửa.")
    assert not screen.pay_online.isVisible()
    state.payment = Payment.ONLINE  # even if something set it before
    screen.load(state)
    screen.commit(state, START.date())
    assert state.payment is Payment.AT_OFFICE


def test_a_configured_council_fee_is_shown_and_payable_online(qtbot: QtBot) -> None:
    config = Config(payment=BANK, fees={"xac_nhan_tinh_trang_hon_nhan": 15_000})
    screen, _state = screen_for(qtbot, MARITAL, config)
    assert "15.000 đ" in screen.fee_lines.text()
    assert screen.pay_online.isVisible()


def test_by_post_needs_an_address_typed_on_the_keyboard(qtbot: QtBot) -> None:
    screen, state = screen_for(qtbot, BIRTH, Config())
    tap(qtbot, screen.by_post)
    assert screen.typing.isVisible() and screen.keyboard.target() is screen.address
    problems = screen.commit(state, START.date())
    assert not problems.ok
    assert "Xin nhập địa chỉ nhận kết quả" in screen.message.text()
    assert "chịu trách nhiệm" not in screen.message.text()  # the declaration is a later step
    for key in "so 12 thon dong":
        tap(qtbot, screen.keyboard.key("space" if key == " " else key))
    tap(qtbot, screen.keyboard.key("done"))
    assert screen.choices.isVisible()
    assert screen.address_shown.text() == "so 12 thon dong"
    assert screen.commit(state, START.date()).ok
    assert (state.delivery, state.delivery_address) == (Delivery.BY_POST, "so 12 thon dong")


def test_clear_forgets_the_address_and_the_choices(qtbot: QtBot) -> None:
    screen, _state = screen_for(qtbot, EXTRACT, Config(payment=BANK))
    tap(qtbot, screen.by_post)
    screen.address.setText("Số 12 thôn Đông")
    tap(qtbot, screen.keyboard.key("done"))
    tap(qtbot, screen.pay_online)
    screen.clear()
    assert screen.address.text() == "" and screen.address_shown.text() == ""
    assert screen.at_office.isChecked() and screen.pay_office.isChecked()
    assert screen.fee_lines.text() == "" and screen.message.text() == ""
