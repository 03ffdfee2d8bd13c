"""Review step: the whole dossier on one page, and "Sửa" taking the resident back and forth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QScrollArea, QStackedWidget, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.domain.draft import Delivery
from kiosk.services import shipped_catalogue
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.result_fee import ResultFeeScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.wizard import StepScreen, Wizard
from tests.support.kiosk import START, Kiosk, birth_state
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui


def posted_birth() -> DraftState:
    """The sample birth registration, its result sent by post."""
    return replace(birth_state(shipped_catalogue(), START), delivery=Delivery.BY_POST,
                   delivery_address="Số 12 thôn Đông")


def edit_buttons(screen: QWidget) -> list[QPushButton]:
    return [b for b in screen.findChildren(QPushButton) if b.text() == "Sửa"]


@pytest.fixture
def review(qtbot: QtBot) -> ReviewScreen:
    screen = ReviewScreen(Config())
    qtbot.addWidget(screen)
    screen.resize(1366, 600)
    screen.show()
    return screen


def test_everything_entered_is_on_the_page(review: ReviewScreen) -> None:
    review.load(posted_birth())
    text = review.shown_text()
    for expected in ("Đăng ký khai sinh", "Trực tuyến toàn trình (mức độ 4)",
                     "Họ, chữ đệm và tên: Nguyễn Thị Ánh",
                     "Số điện thoại di động: 0912345678",
                     "— Trẻ —", "Họ, chữ đệm và tên: Trần Minh Đức",  # under its person
                     "Quan hệ của người đi khai với trẻ: Mẹ",
                     "Tờ khai đăng ký khai sinh theo mẫu: máy tự lập, xem ở bước sau",
                     "Nhận kết quả: qua bưu điện, gửi về Số 12 thôn Đông",
                     "Phí, lệ phí: Miễn phí"):
        assert expected in text, expected
    assert "Thư điện tử" not in text  # optional and empty: nothing to review
    assert "của mẹ:" not in text and "— Mẹ —" in text  # said once, above her answers


def test_a_missing_required_document_is_pointed_out(review: ReviewScreen) -> None:
    state = posted_birth()
    state.documents = [d for d in state.documents if d.component_code != "GCS"]
    review.load(state)
    assert "Giấy chứng sinh" in review.shown_text()
    assert "chưa có" in review.shown_text()


def test_each_edit_button_names_its_step(qtbot: QtBot, review: ReviewScreen) -> None:
    review.load(posted_birth())
    asked: list[int] = []
    review.edit_requested.connect(asked.append)
    for button in edit_buttons(review):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked == [0, 2, 3, 4, 5]


def test_clear_leaves_nothing_of_the_resident(review: ReviewScreen) -> None:
    review.load(posted_birth())
    review.clear()
    assert review.shown_text() == ""
    assert edit_buttons(review) == []


def test_edit_goes_to_the_step_and_comes_straight_back(qtbot: QtBot, backend: Kiosk) -> None:
    services = services_for(backend)
    review = ReviewScreen(services.config)
    result = ResultFeeScreen(services.config)
    screens = [StepScreen() for _ in range(5)] + [result, review, StepScreen()]
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    wizard = Wizard(services, BackgroundRunner(), screens, _shower(stack), review_index=6)
    review.edit_requested.connect(wizard.edit)
    wizard.state = posted_birth()
    stack.resize(1366, 768)
    stack.show()
    qtbot.waitExposed(stack)
    wizard.go(6)
    qtbot.wait(50)  # laid out
    button = edit_buttons(review)[-1]
    review.findChild(QScrollArea).ensureWidgetVisible(button)  # a swipe brings it up
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wizard.index == 5
    qtbot.mouseClick(result.at_office, Qt.MouseButton.LeftButton)
    wizard.next()
    assert wizard.index == 6
    assert "Nhận kết quả: tại bộ phận Một cửa" in review.shown_text()


def _shower(stack: QStackedWidget) -> Callable[[QWidget], None]:
    def show(widget: QWidget) -> None:
        if stack.indexOf(widget) < 0:
            stack.addWidget(widget)
        stack.setCurrentWidget(widget)
    return show
