"""The applicant step: a scanned CCCD fills the fields; typing by touch; messages; the wipe."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontInfo, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.demo.synthetic import code_image
from kiosk.domain.errors import ValidationError
from kiosk.domain.identity import parse_cccd_qr
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.choose import ChooseProcedureScreen
from kiosk.ui.widgets.key_burst import KeyBurst

pytestmark = pytest.mark.gui

NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
TODAY = NOW.date()
ADDRESS = "Thôn Cộng Lạc, xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương"
CARD = f"030090012345|123456789|Nguyễn Văn Ất|01011990|Nam|{ADDRESS}|15062021"



def card_video(path: Path, text: str, frames: int = 12) -> Path:
    """A short 640×480 video of a card's QR code held in front of the camera."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    code = cv2.cvtColor(code_image(text, module_px=5), cv2.COLOR_GRAY2BGR)
    for _ in range(frames):
        frame = np.full((480, 640, 3), 90, np.uint8)
        h, w = code.shape[:2]
        frame[20:20 + h, 80:80 + w] = code
        writer.write(frame)
    writer.release()
    return path


def show(qtbot: QtBot, screen: ApplicantScreen) -> ApplicantScreen:
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.load(DraftState())
    screen.show()
    qtbot.waitExposed(screen)
    return screen


@pytest.fixture
def screen(qtbot: QtBot, metrics: theme.Metrics) -> ApplicantScreen:
    return show(qtbot, ApplicantScreen(lambda: NOW, None, metrics))


def send_key(widget: QWidget, key: Qt.Key, text: str) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


def scan(screen: ApplicantScreen, text: str) -> None:
    """A USB QR scanner in keyboard mode: one key event per character, then Enter.

    The events go where a real keyboard's would: the focused widget.
    """
    for char in text:
        send_key(QApplication.focusWidget() or screen, Qt.Key.Key_unknown, char)
    send_key(QApplication.focusWidget() or screen, Qt.Key.Key_Return, "\r")


def value(screen: ApplicantScreen, name: str) -> str:
    return screen.fields.editors[name].value()


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def editor(screen: ApplicantScreen, name: str) -> QLineEdit:
    """The field's input, its page turned to (what «Tiếp tục» / «Quay lại» do)."""
    screen.turn_to(name)
    widget = screen.fields.editors[name].editor
    assert isinstance(widget, QLineEdit)
    return widget


def test_a_scanned_cccd_fills_the_applicant_fields(screen: ApplicantScreen) -> None:
    scan(screen, CARD)
    assert value(screen, "ho_ten") == "Nguyễn Văn Ất"
    assert value(screen, "ngay_sinh") == "01/01/1990"
    assert value(screen, "gioi_tinh") == "Nam"
    assert value(screen, "so_dinh_danh") == "030090012345"
    assert value(screen, "dia_chi") == ADDRESS
    assert screen.scan_status.text().startswith(
        "Đã đọc thẻ của: Nguyễn Văn Ất. Xin kiểm tra lại thông tin.")
    assert screen.scan_error.text() == ""


def test_a_scan_landing_in_a_field_is_taken_out_of_it(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    phone = editor(screen, "so_dien_thoai")
    tap(qtbot, phone)
    assert screen.dock.is_open and screen.dock.pad.isVisible()
    for digit in "0912":
        tap(qtbot, screen.dock.pad.key(digit))
    assert phone.hasFocus()
    scan(screen, CARD)
    assert phone.text() == "0912"
    assert value(screen, "ho_ten") == "Nguyễn Văn Ất"
    assert not screen.dock.is_open


@pytest.mark.parametrize("payload", [
    "000.00.00.H23-261124-1000|a|b|c|d|e|f|g",
    "000.00.00.H23-261124-1000",  # a receipt's code, shown by mistake
    "030090012345|123456789|Nguyễn Văn Ất|31021990|Nam|Thôn A|15062021",
])
def test_a_bad_qr_gives_the_parsers_vietnamese_message(
    screen: ApplicantScreen, payload: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_cccd_qr(payload, today=TODAY)
    scan(screen, payload)
    assert value(screen, "ho_ten") == ""
    assert screen.scan_error.text() == raised.value.message
    assert screen.scan_error.isVisible()


def test_typing_by_hand_is_not_taken_for_a_scan() -> None:
    now = [0.0]
    burst = KeyBurst(lambda: now[0])
    for char in CARD:
        now[0] += 0.3  # a person: a third of a second per key
        burst.add(char)
    assert burst.finish() is None
    for char in CARD:
        now[0] += 0.005
        burst.add(char)
    assert burst.finish() == CARD
    for char in "000.00.00.H23-261124-1000":  # another code, from a scanner all the same
        now[0] += 0.005
        burst.add(char)
    assert burst.finish() == "000.00.00.H23-261124-1000"
    for char in "Nguyen Van A, 12 Tran Phu":  # a quick typist: no "|", not scanner speed
        now[0] += 0.07
        burst.add(char)
    assert burst.finish() is None


def test_the_keyboard_writes_nguyen_thi_anh_into_the_name_field_with_its_own_capitals(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    name = editor(screen, "ho_ten")
    tap(qtbot, name)
    keyboard = screen.dock.keyboard
    assert screen.dock.is_open and keyboard.isVisible()

    def keys(*names: str) -> None:
        for key in names:
            tap(qtbot, keyboard.key(key))

    assert keyboard.key("n").text() == "N"  # each word of a name starts with a capital
    keys(*"nguyen", "circumflex", "nga", "space", *"thi", "nang", "space", *"anh", "sac")
    assert name.text() == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    keys("done")
    assert not screen.dock.is_open
    assert screen.fields.editors["ho_ten"].error.text() == ""


def test_the_keyboard_fits_below_the_field_being_edited(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    phone = editor(screen, "so_dien_thoai")
    tap(qtbot, phone)
    dock = screen.dock.geometry()
    assert dock.bottom() == screen.window().height() - 1
    bottom = phone.mapTo(screen.window(), phone.rect().bottomLeft()).y()
    assert 0 < bottom < dock.top()


def test_bad_phone_and_id_show_vietnamese_messages_and_commit_refuses(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    scan(screen, CARD)
    id_field = editor(screen, "so_dinh_danh")
    id_field.setText("12345")
    tap(qtbot, editor(screen, "so_dien_thoai"))
    for digit in "0123":
        tap(qtbot, screen.dock.pad.key(digit))
    tap(qtbot, screen.dock.pad.key("done"))
    phone_error = screen.fields.editors["so_dien_thoai"].error
    assert phone_error.isVisible() and phone_error.text()  # shown as soon as "Xong" is touched
    state = DraftState()
    problems = screen.commit(state, TODAY)
    assert {e.field for e in problems.errors} == {"so_dinh_danh", "so_dien_thoai"}
    id_error = screen.fields.editors["so_dinh_danh"].error
    wrong = "Số định danh cá nhân phải có đúng 12 chữ số. Xin kiểm tra lại."
    assert id_error.text() == wrong  # under the field, on the card's own page
    summary = screen.fields.lists[0][0].summary  # and on the page shown, under the card
    assert summary is not None and summary.problem.isVisible()
    assert summary.problem.text().startswith(wrong)
    assert state.applicant["so_dinh_danh"] == "12345"


def test_a_complete_applicant_commits_into_the_draft(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    scan(screen, CARD)
    tap(qtbot, editor(screen, "so_dien_thoai"))
    for digit in "0912345678":
        tap(qtbot, screen.dock.pad.key(digit))
    state = DraftState()
    assert screen.commit(state, TODAY).ok
    assert state.applicant["ho_ten"] == "Nguyễn Văn Ất"
    assert state.applicant["so_dien_thoai"] == "0912345678"
    assert not any(e.error.isVisible() for e in screen.fields.editors.values())


def test_the_email_field_offers_an_at_sign(qtbot: QtBot, screen: ApplicantScreen) -> None:
    email = editor(screen, "email")
    tap(qtbot, email)
    for key in "anh":
        tap(qtbot, screen.dock.keyboard.key(key))
    ats = [b for b in screen.dock.extras.findChildren(QPushButton) if b.text() == "@gmail.com"]
    tap(qtbot, ats[0])
    assert email.text() == "anh@gmail.com"


def test_clear_leaves_nothing_of_the_previous_resident(
    qtbot: QtBot, screen: ApplicantScreen
) -> None:
    scan(screen, CARD)
    tap(qtbot, editor(screen, "so_dien_thoai"))
    tap(qtbot, screen.dock.pad.key("0"))
    screen.commit(DraftState(), TODAY)
    screen.clear()
    texts = [w.text() for w in screen.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in screen.findChildren(QPlainTextEdit)]
    assert all(text == "" for text in texts)
    assert not any(b.isChecked() for b in screen.findChildren(QPushButton))
    assert screen.scan_status.text() == "" and screen.scan_error.text() == ""
    assert not any(e.error.text() for e in screen.fields.editors.values())
    assert not screen.dock.is_open


def test_text_is_large_and_targets_are_big(qtbot: QtBot, screen: ApplicantScreen) -> None:
    scan(screen, CARD)
    sizes = [QFontInfo(label.font()).pointSize() for label in screen.findChildren(QLabel)
             if label.isVisible() and label.text()]
    assert sizes and min(sizes) >= 20
    small = [b.text() for b in screen.findChildren(QPushButton)
             if b.isVisible() and b.height() < 60]
    assert small == []


def test_the_camera_reads_the_card_and_stops_when_the_step_is_left(
    qtbot: QtBot, metrics: theme.Metrics, tmp_path: Path
) -> None:
    video = card_video(tmp_path / "card.avi", CARD)

    def open_camera() -> FrameSource:
        return VideoFileSource(video, loop=True)

    screen = show(qtbot, ApplicantScreen(lambda: NOW, open_camera, metrics))
    qtbot.waitUntil(lambda: value(screen, "ho_ten") == "Nguyễn Văn Ất", timeout=20_000)
    assert screen.preview.pixmap() is not None
    assert screen.camera is not None and screen.camera.running
    # A correction is not undone by the card still in front of the camera.
    editor(screen, "dia_chi").setText("Thôn Mới")
    qtbot.wait(300)
    screen.hide()
    assert not screen.camera.running
    assert value(screen, "dia_chi") == "Thôn Mới"


def test_commit_reads_the_dates_as_typed(screen: ApplicantScreen) -> None:
    screen.fields.set_values({"ngay_sinh": "31/02/1990"})
    problems = screen.commit(DraftState(), date(2026, 11, 24))
    assert any(e.field == "ngay_sinh" for e in problems.errors)
    assert screen.fields.editors["ngay_sinh"].error.text()


def test_with_large_text_the_keyboard_shows_what_is_typed_above_its_keys(
    qtbot: QtBot, qapp: QApplication, metrics: theme.Metrics
) -> None:
    large = theme.apply(qapp, theme.TextSize.LARGE)
    screen = show(qtbot, ApplicantScreen(lambda: NOW, None, large))
    name = editor(screen, "ho_ten")
    tap(qtbot, name)
    for key in (*"an", "sac"):
        tap(qtbot, screen.dock.keyboard.key(key))
    assert name.text() == "Án"
    assert screen.dock.mirror.isVisible()
    assert "Họ, chữ đệm và tên: Án" in screen.dock.mirror.text()
    small = [b.text() for b in screen.dock.findChildren(QPushButton)
             if b.isVisible() and b.height() < 60]
    assert small == []


def test_in_the_kiosk_a_scan_fills_the_applicant_step_wherever_focus_is(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk

    def tap_text(text: str) -> None:
        found = [b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisible()]
        assert len(found) == 1, text
        tap(qtbot, found[0])

    tap_text("Nộp hồ sơ")
    choose = navigator.wizard.current
    assert isinstance(choose, ChooseProcedureScreen)
    choose.search.setText("khai sinh")
    tap(qtbot, choose.shown_cards()[0])
    tap_text("Tiếp tục ›")
    screen = navigator.wizard.current
    assert isinstance(screen, ApplicantScreen)
    scan(screen, CARD)
    assert value(screen, "ho_ten") == "Nguyễn Văn Ất"
    tap(qtbot, editor(screen, "dia_chi"))
    assert screen.dock.is_open and screen.dock.geometry().bottom() == window.height() - 1
    scan(screen, CARD)  # again, into the address being edited: the field keeps the card's
    assert value(screen, "dia_chi") == ADDRESS
    tap_text("‹ Quay lại")
    assert not screen.dock.is_open
