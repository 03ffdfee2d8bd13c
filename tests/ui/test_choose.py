"""Choosing the procedure: field tabs, diacritic-free search on the on-screen keyboard, cards."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.domain.fees import certified_copy_fee, format_vnd
from kiosk.services import shipped_catalogue
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.choose import ChooseProcedureScreen, ProcedureCard

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


def card_lines(card: ProcedureCard) -> tuple[QLabel, QLabel]:
    name, line = card.findChildren(QLabel)
    return name, line


def test_each_card_is_its_name_and_one_line_of_level_time_limit_and_fee(
    screen: ChooseProcedureScreen,
) -> None:
    catalogue = shipped_catalogue()
    assert {card.procedure.code for card in screen.cards} == {p.code for p in catalogue}
    levels: dict[str, str] = {}
    for card in screen.cards:
        p = card.procedure
        name, line = card_lines(card)
        assert name.text() == p.name
        level, time, fee = line.text().split(" · ")
        # The short level is the official one's own words (without "trực tuyến", the number).
        assert level and level.lower() in p.level_name.lower(), p.code
        levels.setdefault(p.level, level)
        assert levels[p.level] == level
        days = p.time_limit.working_days
        assert time == ("Trong ngày" if p.time_limit.same_day else f"{days} ngày làm việc")
        charged = [f for f in p.fees if f.kind != "free"]
        assert (fee == "Miễn phí") == (not charged), p.code
        for f in charged:
            if f.kind == "fixed":
                assert format_vnd(f.amount) in fee, p.code
        # One short line, under the biggest text of the card.
        assert len(re.findall(r"\w+", line.text())) <= 10, line.text()
        assert line.height() < 1.5 * line.fontMetrics().lineSpacing(), line.text()
        assert QFontInfo(name.font()).pointSize() > QFontInfo(line.font()).pointSize()
    assert len(set(levels.values())) == 2  # "một phần" and "toàn trình" read differently


def test_long_fee_rules_become_a_few_words_on_the_card(screen: ChooseProcedureScreen) -> None:
    fee = {card.procedure.code: card_lines(card)[1].text().split(" · ")[2]
           for card in screen.cards}
    copy_of_one_page = format_vnd(certified_copy_fee(1))
    assert fee["2.000815"] == f"Từ {copy_of_one_page}/bản"  # by the page: the least it costs
    assert fee["1.004873"] == "15.000 đ"  # a council fee the site configured
    assert fee["1.001022"] == "Có lệ phí"  # one it has not: the amount is on no card


def test_the_clear_button_shows_only_while_there_is_something_to_clear(
    qtbot: QtBot, screen: ChooseProcedureScreen
) -> None:
    assert not screen.clear_search.isVisible()
    screen.search.setText("sao")
    assert screen.clear_search.isVisible() and screen.clear_search.height() >= 60
    tap(qtbot, screen.clear_search)
    assert screen.search.text() == "" and not screen.clear_search.isVisible()
    assert len(names(screen)) == 9


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
