"""Declaration step: the big tick box, a finger signature, and every problem left shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from kiosk.services import shipped_catalogue
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.declaration import DeclarationScreen
from kiosk.ui.widgets.signature import SignaturePad
from tests.support.kiosk import START, FakeClock, birth_state

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(qtbot: QtBot) -> DeclarationScreen:
    screen = DeclarationScreen(FakeClock())
    qtbot.addWidget(screen)
    screen.resize(1366, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def sign(qtbot: QtBot, pad: SignaturePad) -> None:
    """A finger drag across the pad: press, a few moves, release."""
    points = [QPoint(40 + 60 * i, 60 + (25 if i % 2 else 0)) for i in range(6)]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1])


def test_the_next_button_says_submit_and_the_tick_box_is_a_big_target(
    screen: DeclarationScreen,
) -> None:
    assert DeclarationScreen.next_text == "Nộp hồ sơ"
    assert screen.declare.text() == "Tôi xin chịu trách nhiệm về nội dung đã khai"
    assert screen.declare.height() >= 60


def test_a_dragged_signature_becomes_a_png_and_sign_again_clears_it(
    qtbot: QtBot, screen: DeclarationScreen,
) -> None:
    assert screen.pad.to_png() is None
    sign(qtbot, screen.pad)
    png = screen.pad.to_png()
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert screen.resign.text() == "Ký lại"
    qtbot.mouseClick(screen.resign, Qt.MouseButton.LeftButton)
    assert screen.pad.is_empty() and screen.pad.to_png() is None


def test_without_the_tick_the_dossier_is_not_submitted(
    qtbot: QtBot, screen: DeclarationScreen,
) -> None:
    state = birth_state(shipped_catalogue(), START)
    screen.load(state)
    problems = screen.commit(state, START.date())
    assert not problems.ok
    assert "Tôi xin chịu trách nhiệm về nội dung đã khai" in screen.message.text()
    assert screen.problems.isVisible()


def test_ticked_and_signed_the_draft_is_complete(qtbot: QtBot, screen: DeclarationScreen) -> None:
    state = birth_state(shipped_catalogue(), START)
    screen.load(state)
    qtbot.mouseClick(screen.declare, Qt.MouseButton.LeftButton)
    sign(qtbot, screen.pad)
    assert screen.commit(state, START.date()).ok
    assert state.declared is True
    assert state.signature_png is not None and state.signature_png.startswith(b"\x89PNG")
    assert not screen.problems.isVisible()


def test_every_problem_left_from_any_step_is_listed(
    qtbot: QtBot, screen: DeclarationScreen,
) -> None:
    state = DraftState(procedure=shipped_catalogue().get("1.001193"))
    screen.load(state)
    qtbot.mouseClick(screen.declare, Qt.MouseButton.LeftButton)
    problems = screen.commit(state, START.date())
    shown = screen.message.text()
    assert len(problems.errors) > 5
    for error in problems.errors:
        assert error.message in shown
    assert "Họ, chữ đệm và tên" in shown and "Giấy chứng sinh" in shown
    assert "Traceback" not in shown


def test_clear_forgets_the_tick_and_the_signature(qtbot: QtBot, screen: DeclarationScreen) -> None:
    qtbot.mouseClick(screen.declare, Qt.MouseButton.LeftButton)
    sign(qtbot, screen.pad)
    screen.clear()
    assert not screen.declare.isChecked()
    assert screen.pad.is_empty()
    assert screen.message.text() == ""
