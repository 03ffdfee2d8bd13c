"""The form's pickers, pads and the parents' card scan, through real taps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.synthetic import code_image
from kiosk.domain.catalogue_json import load_catalogue
from kiosk.paths import resource
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.ui import theme
from kiosk.ui.widgets.dock import KeyboardDock
from kiosk.ui.widgets.field_list import FieldList
from tests.support.touch import Finger

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 24)
ADDRESS = "Thôn Cộng Lạc, xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương"
MOTHER = f"030195012345||Nguyễn Thị Ánh|08031995|Nữ|{ADDRESS}|15082021"
BIRTH = next(p for p in load_catalogue(resource("catalogue", "procedures.json"))
             if p.code == "1.001193")


def page(group: str, limit: int = 4) -> tuple:  # type: ignore[type-arg]
    return tuple(f for f in BIRTH.fields if f.group == group)[:limit]


class Host(QWidget):
    def __init__(self, group: str, metrics: theme.Metrics, limit: int = 4,
                 open_camera: object = None) -> None:
        super().__init__()
        self.dock = KeyboardDock(self, metrics)
        self.fields = FieldList(page(group, limit), self.dock, open_camera,  # type: ignore[arg-type]
                                lambda: TODAY)
        self.fields.setParent(self)


def show(qtbot: QtBot, host: Host, size: tuple[int, int] = (1366, 768)) -> Host:
    qtbot.addWidget(host)
    host.resize(*size)
    host.fields.resize(*size)
    host.fields.set_values({})
    host.show()
    qtbot.waitExposed(host)
    return host


@pytest.fixture
def child(qtbot: QtBot, metrics: theme.Metrics) -> Host:
    return show(qtbot, Host("Trẻ", metrics, 7))


def finger() -> Finger:
    return Finger()


def pick_button(host: Host, name: str) -> QPushButton:
    button = host.fields.editors[name].pick_button
    assert button is not None
    return button


def test_ethnicity_is_picked_from_big_rows_kinh_first_and_shows_a_tick(child: Host) -> None:
    hand = finger()
    hand.tap(pick_button(child, "dan_toc"))
    picker = child.fields.picker
    assert picker.isVisible() and picker.rows[0].text() == "Kinh"
    assert len(picker.rows) == 54
    assert min(row.height() for row in picker.rows[:8]) >= 60
    hand.tap(picker.row("Kinh"))
    assert not picker.isVisible()
    assert child.fields.editors["dan_toc"].value() == "Kinh"
    assert pick_button(child, "dan_toc").text() == "✓ Kinh"
    hand.tap(pick_button(child, "dan_toc"))
    assert picker.rows[0].text() == "✓ Kinh"


def test_the_search_box_takes_the_keyboard_and_ignores_diacritics(child: Host) -> None:
    hand = finger()
    hand.tap(pick_button(child, "dan_toc"))
    picker = child.fields.picker
    hand.tap(picker.search_box)
    assert child.dock.is_open and child.dock.keyboard.isVisible()
    for key in "mong":
        hand.tap(child.dock.keyboard.key(key))
    assert picker.search_box.text() == "mong"
    assert picker.rows[0].text() == "HMông"
    hand.tap(picker.rows[0])
    assert child.fields.editors["dan_toc"].value() == "HMông"
    assert not child.dock.is_open


def test_a_place_is_a_province_then_a_commune(child: Host) -> None:
    hand = finger()
    hand.tap(pick_button(child, "noi_sinh"))
    picker = child.fields.picker
    assert len(picker.rows) == 34
    picker.search_box.setText("ha noi")
    hand.tap(picker.row("Thành phố Hà Nội"))
    assert picker.back_button.isVisible()
    picker.search_box.setText("hoan kiem")
    hand.tap(picker.row("Phường Hoàn Kiếm"))
    assert child.fields.editors["noi_sinh"].value() == "Phường Hoàn Kiếm, Thành phố Hà Nội"


def test_a_long_commune_list_shows_a_bounded_number_of_rows(child: Host) -> None:
    hand = finger()
    hand.tap(pick_button(child, "noi_sinh"))
    picker = child.fields.picker
    hand.tap(picker.row("Thành phố Hồ Chí Minh"))
    assert 0 < len(picker.rows) <= 60 and picker.note.isVisible()
    picker.search_box.setText("xyzq" * 2_500)  # 10,000 characters matching nothing
    assert picker.rows == [] and picker.note.text().startswith("Không tìm thấy")
    hand.tap(picker.close_button)
    assert not picker.isVisible() and child.fields.editors["noi_sinh"].value() == ""


def test_defaults_names_dates_and_years(qtbot: QtBot, child: Host, metrics: theme.Metrics
                                        ) -> None:
    # The child's nationality is the parents' when they share it (nothing by default); the
    # mother's, before any card, is Việt Nam.
    assert child.fields.editors["quoc_tich"].value() == ""
    name = child.fields.editors["ho_ten_tre"].editor
    assert name is not None and name.property("capitalise") == "words"
    hand = finger()
    born = child.fields.editors["ngay_sinh"].editor
    assert isinstance(born, QLineEdit)
    hand.tap(born)
    for digit in "05092024":
        hand.tap(child.dock.pad.key(digit))
    assert born.text() == "05/09/2024"
    mother = show(qtbot, Host("Mẹ", metrics))
    year = mother.fields.editors["nam_sinh_me"].editor
    assert isinstance(year, QLineEdit)
    hand.tap(year)
    assert mother.dock.pad.isVisible()
    for digit in "199512":
        hand.tap(mother.dock.pad.key(digit))
    assert year.text() == "1995"


def send_key(widget: QWidget, key: Qt.Key, text: str) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))


def usb_scan(host: Host, text: str) -> None:
    for char in text:
        send_key(QApplication.focusWidget() or host.window(), Qt.Key.Key_unknown, char)
    send_key(QApplication.focusWidget() or host.window(), Qt.Key.Key_Return, "\r")


def test_the_mothers_card_scanned_by_usb_fills_her_fields(qtbot: QtBot, metrics: theme.Metrics
                                                         ) -> None:
    mother = show(qtbot, Host("Mẹ", metrics))
    scan = mother.fields.scans["Mẹ"]
    assert scan.button.text() == "Quét thẻ căn cước của mẹ"
    read: list[dict[str, str]] = []
    mother.fields.card_read.connect(read.append)
    name = mother.fields.editors["ho_ten_me"].editor
    assert isinstance(name, QLineEdit)
    Finger().tap(name)  # the scan lands in a field: what it typed is taken out again
    usb_scan(mother, MOTHER)
    values = mother.fields.values()
    assert values["ho_ten_me"] == "Nguyễn Thị Ánh"
    assert values["nam_sinh_me"] == "1995"
    assert values["so_dinh_danh_me"] == "030195012345"
    assert values["noi_cu_tru_me"] == ADDRESS  # the old three-tier address, as printed
    assert read and read[0]["noi_cu_tru_me"] == ADDRESS
    assert scan.status.text().startswith("Đã đọc thẻ của: Nguyễn Thị Ánh.")


def test_a_bad_card_gives_a_vietnamese_message_and_fills_nothing(
    qtbot: QtBot, metrics: theme.Metrics
) -> None:
    mother = show(qtbot, Host("Mẹ", metrics))
    usb_scan(mother, "030195012345||Nguyễn Thị Ánh|31021995|Nữ|Thôn A|15082021")
    assert mother.fields.values()["ho_ten_me"] == ""
    assert mother.fields.scans["Mẹ"].error.text() != ""


def card_video(path: Path, text: str, frames: int = 12) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    code = cv2.cvtColor(code_image(text, module_px=5), cv2.COLOR_GRAY2BGR)
    for _ in range(frames):
        frame = np.full((480, 640, 3), 90, np.uint8)
        h, w = code.shape[:2]
        frame[20:20 + h, 80:80 + w] = code
        writer.write(frame)
    writer.release()
    return path


def test_the_fathers_card_held_to_the_camera_fills_his_fields(
    qtbot: QtBot, metrics: theme.Metrics, tmp_path: Path
) -> None:
    father = f"030193012345||Trần Văn Bình|02021993|Nam|{ADDRESS}|15082021"
    video = card_video(tmp_path / "card.avi", father)

    def open_camera() -> FrameSource:
        return VideoFileSource(video, loop=True)

    host = show(qtbot, Host("Cha", metrics, 4, open_camera))
    scan = host.fields.scans["Cha"]
    assert scan.button.text() == "Quét thẻ căn cước của cha"
    Finger().tap(scan.button)
    qtbot.waitUntil(lambda: host.fields.values()["ho_ten_cha"] == "Trần Văn Bình",
                    timeout=20_000)
    assert host.fields.values()["nam_sinh_cha"] == "1993"
    assert scan.camera is not None
    qtbot.waitUntil(lambda: not scan.camera.running, timeout=5_000)  # type: ignore[union-attr]
