"""The procedure's form, generated from its catalogue fields and driven by touch."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.services import shipped_catalogue
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.widgets.fields import group_date_digits

pytestmark = pytest.mark.gui

NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
TODAY = NOW.date()
BIRTH = "1.001193"
COPY = "2.000815"



@pytest.fixture
def state() -> DraftState:
    state = DraftState()
    state.choose(shipped_catalogue().get(BIRTH))
    return state


@pytest.fixture
def screen(qtbot: QtBot, metrics: theme.Metrics, state: DraftState) -> FormScreen:
    screen = FormScreen(lambda: NOW, metrics)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.load(state)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def tap(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def line(screen: FormScreen, name: str) -> QLineEdit:
    """The field's input, its page turned to (what «Tiếp tục» / «Quay lại» do)."""
    screen.turn_to(name)
    editor = screen.fields.editors[name].editor
    assert isinstance(editor, QLineEdit)
    return editor


def pick_from_list(qtbot: QtBot, screen: FormScreen, name: str, value: str) -> None:
    """«Chọn» beside the field (its page turned to), then ``value``'s row in the list."""
    screen.turn_to(name)
    tap(qtbot, pick_button(screen, name))
    tap(qtbot, screen.fields.list_of(name).picker.row(value))


def pick_button(screen: FormScreen, name: str) -> QWidget:
    button = screen.fields.editors[name].pick_button
    assert button is not None
    return button


def pad_digits(qtbot: QtBot, screen: FormScreen, name: str, digits: str) -> None:
    tap(qtbot, line(screen, name))
    assert screen.dock.pad.isVisible() and not screen.dock.keyboard.isVisible()
    for digit in digits:
        tap(qtbot, screen.dock.pad.key(digit))
    tap(qtbot, screen.dock.pad.key("done"))


def letters(qtbot: QtBot, screen: FormScreen, name: str, *keys: str) -> None:
    tap(qtbot, line(screen, name))
    assert screen.dock.keyboard.isVisible()
    for key in keys:
        tap(qtbot, screen.dock.keyboard.key(key))
    tap(qtbot, screen.dock.keyboard.key("done"))


def choose(qtbot: QtBot, screen: FormScreen, name: str, choice: str) -> None:
    screen.turn_to(name)
    tap(qtbot, screen.fields.editors[name].choices[choice])


def error(screen: FormScreen, name: str) -> str:
    screen.turn_to(name)
    label = screen.fields.editors[name].error
    return label.text() if label.isVisible() else ""


def test_the_birth_form_is_generated_from_its_catalogue_fields(
    screen: FormScreen, state: DraftState
) -> None:
    assert state.procedure is not None
    assert sorted(screen.fields.editors) == sorted(f.name for f in state.procedure.fields)
    assert screen.fields.editors["ngay_sinh"].pad == "digits"
    assert screen.fields.editors["so_dinh_danh_me"].pad == "digits"
    assert screen.fields.editors["ho_ten_tre"].pad == "letters"
    relation = screen.fields.editors["quan_he_nguoi_khai"]
    spec = next(f for f in state.procedure.fields if f.name == "quan_he_nguoi_khai")
    assert list(relation.choices) == list(spec.choices)
    assert "Đăng ký khai sinh" in screen.intro.text()


def test_a_date_typed_on_the_pad_gets_its_slashes(qtbot: QtBot, screen: FormScreen) -> None:
    pad_digits(qtbot, screen, "ngay_sinh", "05092026")
    assert line(screen, "ngay_sinh").text() == "05/09/2026"
    assert group_date_digits("0509") == "05/09"
    assert group_date_digits("5/9/1960") == "5/9/1960"


def test_bad_date_and_id_show_vietnamese_messages_and_commit_refuses(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    pad_digits(qtbot, screen, "ngay_sinh", "31022026")
    assert "ngày" in error(screen, "ngay_sinh").lower()  # shown on "Xong", before going on
    pad_digits(qtbot, screen, "so_dinh_danh_me", "123")
    assert error(screen, "so_dinh_danh_me") == (
        "Số định danh cá nhân phải có đúng 12 chữ số. Xin kiểm tra lại.")
    problems = screen.commit(state, TODAY)
    fields = {e.field for e in problems.errors}
    assert {"ngay_sinh", "so_dinh_danh_me", "ho_ten_tre", "gioi_tinh"} <= fields
    assert error(screen, "gioi_tinh") == "Xin chọn «Giới tính của trẻ»."
    assert state.form["ngay_sinh"] == "31/02/2026"


def test_a_future_birth_date_is_refused(qtbot: QtBot, screen: FormScreen) -> None:
    pad_digits(qtbot, screen, "ngay_sinh", "01012030")
    assert "không được sau ngày hôm nay" in error(screen, "ngay_sinh")


def test_a_form_filled_by_touch_commits(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    letters(qtbot, screen, "ho_ten_tre", *"nguyen", "circumflex", "nga", "space",
            *"thi", "nang", "space", *"anh", "sac")  # a name's capitals come by themselves
    assert line(screen, "ho_ten_tre").text() == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    pad_digits(qtbot, screen, "ngay_sinh", "01112026")
    choose(qtbot, screen, "gioi_tinh", "Nữ")
    for name, text in (("noi_sinh", "xa"), ("ho_ten_me", "lan"), ("noi_cu_tru_me", "thon")):
        letters(qtbot, screen, name, *text)
    for name in ("dan_toc", "dan_toc_me"):  # chosen from the list, not typed
        pick_from_list(qtbot, screen, name, "Kinh")
    pad_digits(qtbot, screen, "nam_sinh_me", "1995")
    assert line(screen, "quoc_tich").text() == "Việt Nam"  # the default of an empty draft
    choose(qtbot, screen, "quan_he_nguoi_khai", "Mẹ")
    problems = screen.commit(state, TODAY)
    assert problems.ok, [e.message for e in problems.errors]
    assert state.form["gioi_tinh"] == "Nữ"
    assert state.form["ngay_sinh"] == "01/11/2026"
    assert screen.fields.editors["gioi_tinh"].choices["Nữ"].text() == "✓ Nữ"


def test_the_pad_lies_below_the_field_being_edited(qtbot: QtBot, screen: FormScreen) -> None:
    last_text = line(screen, "so_dinh_danh_cha")  # far down: the list scrolls to it
    tap(qtbot, last_text)
    dock = screen.dock.geometry()
    assert dock.bottom() == screen.height() - 1
    bottom = last_text.mapTo(screen, last_text.rect().bottomLeft()).y()
    assert 0 < bottom < dock.top()


def test_another_procedure_gets_its_own_fields(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    pad_digits(qtbot, screen, "ngay_sinh", "01112026")
    state.choose(shipped_catalogue().get(COPY))
    screen.load(state)
    assert list(screen.fields.editors) == ["ten_giay_to", "co_quan_cap", "so_trang", "so_ban"]
    pad_digits(qtbot, screen, "so_trang", "3")
    pad_digits(qtbot, screen, "so_ban", "0")
    problems = screen.commit(state, TODAY)
    assert {e.field for e in problems.errors} == {"ten_giay_to", "so_ban"}


def test_values_come_back_when_the_step_is_shown_again(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    pad_digits(qtbot, screen, "ngay_sinh", "01112026")
    screen.commit(state, TODAY)
    screen.clear()
    screen.load(state)
    assert line(screen, "ngay_sinh").text() == "01/11/2026"


def test_clear_leaves_no_previous_value_in_any_widget(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    letters(qtbot, screen, "ho_ten_tre", *"anh")
    pad_digits(qtbot, screen, "ngay_sinh", "31022026")
    choose(qtbot, screen, "gioi_tinh", "Nam")
    screen.commit(state, TODAY)
    tap(qtbot, line(screen, "noi_sinh"))
    screen.clear()
    texts = [w.text() for w in screen.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in screen.findChildren(QPlainTextEdit)]
    assert all(text == "" for text in texts)
    assert not any(b.isChecked() for b in screen.findChildren(QPushButton))
    assert not any(e.error.text() for e in screen.fields.editors.values())
    assert screen.intro.text() == ""
    assert not screen.dock.is_open


def test_text_is_large_and_targets_are_big(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    screen.commit(state, TODAY)
    sizes = [QFontInfo(label.font()).pointSize() for label in screen.findChildren(QLabel)
             if label.isVisible() and label.text()]
    assert sizes and min(sizes) >= 20
    small = [b.text() for b in screen.findChildren(QPushButton)
             if b.isVisible() and b.height() < 60]
    assert small == []
    for fields in screen.fields.lists[screen.fields.index]:
        assert fields.horizontalScrollBar().maximum() == 0  # nothing runs off the side


def test_a_multiline_field_opens_the_keyboard_when_touched(
    qtbot: QtBot, screen: FormScreen, state: DraftState
) -> None:
    state.choose(shipped_catalogue().get("1.004873"))
    screen.load(state)
    (name,) = [n for n, e in screen.fields.editors.items() if e.spec.type == "multiline"]
    text = screen.fields.editors[name].editor
    assert isinstance(text, QPlainTextEdit)
    qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton)
    assert screen.dock.keyboard.isVisible()
    for key in ("shift", *"ha", "space", *"noi"):
        tap(qtbot, screen.dock.keyboard.key(key))
    assert text.toPlainText() == "Ha noi"
