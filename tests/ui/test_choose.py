"""Choosing the procedure: field tabs, diacritic-free search on the on-screen keyboard, cards."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.services import shipped_catalogue
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.choose import ChooseProcedureScreen, ProcedureCard
from kiosk.ui.screens.details import ProcedureDetailsScreen

pytestmark = pytest.mark.gui

FEES = {"xac_nhan_tinh_trang_hon_nhan": 15_000}



@pytest.fixture
def state() -> DraftState:
    return DraftState()


@pytest.fixture
def screen(qtbot: QtBot, metrics: theme.Metrics, state: DraftState) -> ChooseProcedureScreen:
    screen = ChooseProcedureScreen(shipped_catalogue(), FEES, metrics)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.load(state)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def tap(qtbot: QtBot, widget: QPushButton) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def names(screen: ChooseProcedureScreen) -> list[str]:
    return [card.procedure.name for card in screen.shown_cards()]


def card_text(card: ProcedureCard) -> str:
    return "\n".join(label.text() for label in card.findChildren(QLabel))


def test_typing_khaisinh_on_the_keyboard_finds_birth_registration_first(
    qtbot: QtBot, screen: ChooseProcedureScreen
) -> None:
    qtbot.mouseClick(screen.search, Qt.MouseButton.LeftButton)
    assert screen.dock.is_open
    for letter in "khaisinh":
        tap(qtbot, screen.dock.keyboard.key(letter))
    assert screen.search.text() == "khaisinh"
    assert names(screen)[0] == "Đăng ký khai sinh"
    # The cards are in the order matches() gives, top to bottom.
    tops = [card.y() for card in screen.shown_cards()]
    ordered = [c for _, c in sorted(zip(tops, screen.shown_cards(), strict=True),
                                    key=lambda pair: pair[0])]
    assert ordered[0].procedure.name == "Đăng ký khai sinh"


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "Khai Sinh"])
def test_search_ignores_case_and_spacing(screen: ChooseProcedureScreen, query: str) -> None:
    screen.search.setText(query)
    assert names(screen)[0] == "Đăng ký khai sinh"


def test_a_search_with_no_match_says_so(screen: ChooseProcedureScreen) -> None:
    screen.search.setText("xyzxyz")
    assert names(screen) == []
    assert screen.none_found.isVisible()


def test_field_tabs_show_only_that_fields_procedures(
    qtbot: QtBot, screen: ChooseProcedureScreen
) -> None:
    assert len(names(screen)) == 9
    tap(qtbot, screen.field_buttons["Chứng thực"])
    assert names(screen) == ["Chứng thực bản sao từ bản chính"]
    assert screen.field_buttons["Chứng thực"].text().startswith("✓")
    tap(qtbot, screen.field_buttons["Hộ tịch"])
    assert len(names(screen)) == 8


def test_each_card_shows_level_time_limit_and_fee(screen: ChooseProcedureScreen) -> None:
    cards = {card.procedure.code: card_text(card) for card in screen.cards}
    birth = cards["1.001193"]
    assert "Trực tuyến toàn trình (mức độ 4)" in birth
    assert "Thời hạn: 3 ngày làm việc" in birth
    assert "Lệ phí: Miễn phí" in birth
    assert "Thời hạn: Trong ngày" in cards["1.000894"]
    assert "15.000 đ" in cards["1.004873"]  # a council fee the site configured
    assert "Hội đồng nhân dân" in cards["1.001022"]  # one it has not


def test_tapping_a_card_chooses_the_procedure_and_moves_on(
    qtbot: QtBot, screen: ChooseProcedureScreen, state: DraftState
) -> None:
    screen.search.setText("khaisinh")
    with qtbot.waitSignal(screen.advance_requested, timeout=1000):
        tap(qtbot, screen.shown_cards()[0])
    assert state.procedure is not None and state.procedure.code == "1.001193"
    assert screen.commit(state, date(2026, 11, 24)).ok


def test_going_on_without_a_choice_asks_for_one(
    screen: ChooseProcedureScreen, state: DraftState
) -> None:
    problems = screen.commit(state, date(2026, 11, 24))
    assert not problems.ok
    assert screen.message.isVisible()
    assert "chạm vào một thủ tục" in screen.message.text()


def test_clear_forgets_the_search_and_the_tab(
    qtbot: QtBot, screen: ChooseProcedureScreen
) -> None:
    tap(qtbot, screen.field_buttons["Chứng thực"])
    screen.search.setText("sao")
    screen.clear()
    assert screen.search.text() == ""
    assert len(names(screen)) == 9
    assert screen.field_buttons[""].isChecked()
    assert not screen.dock.is_open


def test_cards_and_buttons_are_big_and_readable(screen: ChooseProcedureScreen) -> None:
    small = [b.text() for b in screen.findChildren(QPushButton)
             if b.isVisible() and b.height() < 60]
    assert small == []
    sizes = [QFontInfo(label.font()).pointSize() for label in screen.findChildren(QLabel)
             if label.isVisible() and label.text()]
    assert sizes and min(sizes) >= 20


def test_the_details_page_lists_papers_time_fee_and_result(
    qtbot: QtBot, metrics: theme.Metrics, state: DraftState
) -> None:
    state.choose(shipped_catalogue().get("1.001193"))
    details = ProcedureDetailsScreen(FEES)
    qtbot.addWidget(details)
    details.resize(1366, 768)
    details.load(state)
    details.show()
    text = "\n".join(label.text() for label in details.findChildren(QLabel))
    assert "Giấy chứng sinh" in text and "(bắt buộc)" in text
    assert "3 ngày làm việc; nếu phải xác minh thì tối đa 5 ngày làm việc." in text
    assert "Miễn phí" in text
    assert "Trực tuyến toàn trình (mức độ 4)" in text
    assert "bưu điện" in text
    assert details.commit(state, date(2026, 11, 24)).ok
    details.clear()
    assert all(not label.text() for label in details.findChildren(QLabel) if label.isVisible())
