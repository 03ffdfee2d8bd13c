"""The on-screen Vietnamese keyboard, the numeric pad and Telex, driven like a resident would."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui import theme
from kiosk.ui.widgets.dock import set_capitalise
from kiosk.ui.widgets.keyboard import (
    CodePad,
    Layout,
    NumericPad,
    TelexFilter,
    VietnameseKeyboard,
)
from tests.domain.test_touchkeys import DATA, word_keys

pytestmark = pytest.mark.gui


def resident_keys(name: str, tone_touches: int = 1) -> list[str]:
    """The touches for a name in a field that capitalises words (tests/domain/test_touchkeys)."""
    keys: list[str] = []
    for index, word in enumerate(name.split(" ")):
        keys += ["space"] if index else []
        keys += word_keys(word, tone_touches, shift_capitals=False)
    return keys



@pytest.fixture
def field(
    qtbot: QtBot, metrics: theme.Metrics
) -> Iterator[tuple[QLineEdit, VietnameseKeyboard]]:
    host = QWidget()  # held by this frame until the test ends: qtbot keeps only a weak ref
    qtbot.addWidget(host)
    edit = QLineEdit()
    keyboard = VietnameseKeyboard(metrics)
    keyboard.set_target(edit)
    column = QVBoxLayout(host)
    column.addWidget(edit)
    column.addWidget(keyboard)
    host.resize(1366, 600)
    host.show()
    qtbot.waitExposed(host)
    edit.setFocus()
    yield edit, keyboard


def tap(qtbot: QtBot, keyboard: VietnameseKeyboard | NumericPad, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(keyboard.key(name), Qt.MouseButton.LeftButton)


def tap_letters(qtbot: QtBot, keyboard: VietnameseKeyboard, letters: str) -> None:
    """Plain letters; a capital is shift then the letter, as a resident would do it."""
    for letter in letters:
        if letter.isupper():
            tap(qtbot, keyboard, "shift")
        tap(qtbot, keyboard, " " if letter == " " else letter.lower())


def tap_letters_or_space(qtbot: QtBot, keyboard: VietnameseKeyboard, letters: str) -> None:
    for word_index, word in enumerate(letters.split(" ")):
        if word_index:
            tap(qtbot, keyboard, "space")
        tap_letters(qtbot, keyboard, word)


def test_a_resident_writes_nguyen_thi_anh_by_touch(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters(qtbot, keyboard, "Nguyen")
    assert edit.text() == "Nguyen"
    tap(qtbot, keyboard, "circumflex")
    assert edit.text() == "Nguyên"
    tap(qtbot, keyboard, "nga", "space")
    tap_letters(qtbot, keyboard, "Thi")
    tap(qtbot, keyboard, "nang", "space")
    tap_letters(qtbot, keyboard, "Anh")
    tap(qtbot, keyboard, "sac")
    assert edit.text() == unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    assert edit.hasFocus()


def test_a_resident_writes_pham_thi_huong_by_touch(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters(qtbot, keyboard, "Pham")
    tap(qtbot, keyboard, "nang", "space")
    tap_letters(qtbot, keyboard, "Thi")
    tap(qtbot, keyboard, "nang", "space")
    tap_letters(qtbot, keyboard, "Huong")
    tap(qtbot, keyboard, "horn", "huyen")
    assert edit.text() == unicodedata.normalize("NFC", "Phạm Thị Hường")


def test_the_d_key_strokes_the_word_or_types_the_letter(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap(qtbot, keyboard, "shift", "stroke")
    tap_letters(qtbot, keyboard, "ang")
    tap(qtbot, keyboard, "breve", "nang", "space")
    tap_letters(qtbot, keyboard, "Van")
    tap(qtbot, keyboard, "breve", "space")
    tap_letters(qtbot, keyboard, "Quy")
    tap(qtbot, keyboard, "sac")
    assert edit.text() == "Đặng Văn Quý"
    tap(qtbot, keyboard, "space")
    tap_letters(qtbot, keyboard, "dung")
    tap(qtbot, keyboard, "stroke")
    assert edit.text().endswith(" đung")


def test_a_second_tap_moves_a_tone_to_the_other_correct_vowel_and_a_third_takes_it_off(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters(qtbot, keyboard, "Hoa")
    tap(qtbot, keyboard, "huyen")
    assert edit.text() == "Hòa"
    tap(qtbot, keyboard, "huyen")
    assert edit.text() == "Hoà"
    tap(qtbot, keyboard, "huyen")
    assert edit.text() == "Hoa"
    tap(qtbot, keyboard, "sac", "hoi")
    assert edit.text() == "Hỏa"
    tap(qtbot, keyboard, "n")
    assert edit.text() == "Hoản"


def test_tones_act_on_the_word_at_the_cursor_not_the_end(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters_or_space(qtbot, keyboard, "Thuy Lan")
    edit.setCursorPosition(4)
    tap(qtbot, keyboard, "hoi")
    assert edit.text() == "Thủy Lan"
    assert edit.cursorPosition() == 4


def test_backspace_deletes_before_the_cursor(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters(qtbot, keyboard, "Anh")
    tap(qtbot, keyboard, "sac", "backspace")
    assert edit.text() == "Án"
    tap(qtbot, keyboard, "backspace", "backspace", "backspace")
    assert edit.text() == ""


def test_shift_is_for_one_letter_and_a_second_tap_locks_capitals(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap(qtbot, keyboard, "shift")
    assert keyboard.key("a").text() == "A"
    tap(qtbot, keyboard, "l", "a")
    assert edit.text() == "La"
    assert keyboard.key("a").text() == "a"
    tap(qtbot, keyboard, "space", "shift", "shift", "l", "e", "circumflex")
    assert edit.text() == "La LÊ"
    assert keyboard.key("shift").isChecked()
    tap(qtbot, keyboard, "shift", "a")
    assert edit.text() == "La LÊa"
    assert not keyboard.key("shift").isChecked()


def test_digits_and_signs_are_typed_as_they_are(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap(qtbot, keyboard, "1", "2", "/", "3", ",", "space", "sac")
    assert edit.text() == "12/3, "


def test_done_key_asks_to_close(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    _, keyboard = field
    with qtbot.waitSignal(keyboard.done_requested, timeout=1000):
        tap(qtbot, keyboard, "done")


def test_keys_never_take_the_focus(field: tuple[QLineEdit, VietnameseKeyboard]) -> None:
    _, keyboard = field
    assert all(k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in keyboard.keys.values())


def test_without_a_target_keys_do_nothing(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    keyboard.reset()
    tap(qtbot, keyboard, "a", "sac", "circumflex", "stroke", "backspace", "space")
    assert edit.text() == ""


def test_the_keyboard_edits_a_plain_text_edit_too(
    qtbot: QtBot, metrics: theme.Metrics
) -> None:
    text = QPlainTextEdit()
    keyboard = VietnameseKeyboard(metrics)
    qtbot.addWidget(text)
    qtbot.addWidget(keyboard)
    keyboard.set_target(text)
    text.setPlainText("Số nhà 5\nNguoi")
    text.moveCursor(text.textCursor().MoveOperation.End)
    tap(qtbot, keyboard, "horn", "huyen")
    assert text.toPlainText() == "Số nhà 5\nNgười"
    tap(qtbot, keyboard, "backspace")
    assert text.toPlainText() == "Số nhà 5\nNgườ"


@pytest.mark.parametrize("layout", list(Layout))
def test_every_key_is_a_touch_target_with_large_text(
    qtbot: QtBot, metrics: theme.Metrics, layout: Layout
) -> None:
    keyboard = VietnameseKeyboard(metrics, layout)
    pad = NumericPad(metrics)
    for widget in (keyboard, pad):
        qtbot.addWidget(widget)
        widget.resize(1366, widget.sizeHint().height())
        widget.show()
        qtbot.waitExposed(widget)
        for name, key in widget.keys.items():
            info = QFontInfo(key.font())
            assert key.height() >= 60, name
            assert info.pointSize() >= 20, name
            assert info.family() == "Noto Sans", name


@pytest.mark.parametrize("width", [1366, 1920])
@pytest.mark.parametrize("size", list(theme.TextSize))
def test_no_key_label_is_clipped(
    qtbot: QtBot, metrics: theme.Metrics, width: int, size: theme.TextSize, tmp_path: Path
) -> None:
    keyboard = VietnameseKeyboard(theme.Metrics(size.value))
    qtbot.addWidget(keyboard)
    keyboard.resize(width, keyboard.sizeHint().height())
    keyboard.show()
    qtbot.waitExposed(keyboard)
    for name, key in keyboard.keys.items():
        assert key.fontMetrics().horizontalAdvance(key.text()) + 8 <= key.width(), name
    assert keyboard.grab().save(str(tmp_path / f"keyboard-{size.name}-{width}.png"))


@pytest.fixture
def pad(qtbot: QtBot, metrics: theme.Metrics) -> tuple[QLineEdit, NumericPad]:
    edit = QLineEdit()
    numeric = NumericPad(metrics)
    qtbot.addWidget(edit)
    qtbot.addWidget(numeric)
    numeric.set_target(edit)
    return edit, numeric


def test_the_numeric_pad_types_digits(
    qtbot: QtBot, pad: tuple[QLineEdit, NumericPad]
) -> None:
    edit, numeric = pad
    tap(qtbot, numeric, "0", "9", "1", "2", "backspace", "3")
    assert edit.text() == "0913"
    with qtbot.waitSignal(numeric.done_requested, timeout=1000):
        tap(qtbot, numeric, "done")


def test_the_numeric_pad_refuses_letters(
    qtbot: QtBot, pad: tuple[QLineEdit, NumericPad]
) -> None:
    edit, numeric = pad
    assert not any(name.isalpha() and len(name) == 1 for name in numeric.keys)
    qtbot.keyClick(edit, "a")
    qtbot.keyClick(edit, "7")
    qtbot.keyClick(edit, "-")
    numeric.type_digits("1a2 ３")
    assert edit.text() == "712"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "71"


def test_a_new_target_no_longer_refuses_letters_in_the_old_one(
    qtbot: QtBot, pad: tuple[QLineEdit, NumericPad]
) -> None:
    edit, numeric = pad
    numeric.set_target(None)
    qtbot.keyClick(edit, "a")
    assert edit.text() == "a"


def type_keys(qtbot: QtBot, widget: QWidget, ascii_text: str) -> None:
    """Physical key presses, one per ASCII character (never keyClicks with Vietnamese)."""
    for char in ascii_text:
        qtbot.keyClick(widget, char)


@pytest.fixture
def telex_edit(qtbot: QtBot) -> QLineEdit:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.installEventFilter(TelexFilter(parent=edit))
    return edit


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyeenx Thij Asnh", "Nguyễn Thị Ánh"),
        ("Phamj Thij Huwowngf", "Phạm Thị Hường"),
        ("DDawngj Vawn Quys", "Đặng Văn Quý"),
        ("NGUYEENX", "NGUYỄN"),
        ("Hoaf Ass", "Hòa As"),
    ],
)
def test_telex_on_a_physical_keyboard(
    qtbot: QtBot, telex_edit: QLineEdit, typed: str, expected: str
) -> None:
    type_keys(qtbot, telex_edit, typed)
    assert telex_edit.text() == unicodedata.normalize("NFC", expected)


def test_telex_edits_the_word_at_the_cursor(qtbot: QtBot, telex_edit: QLineEdit) -> None:
    type_keys(qtbot, telex_edit, "Le Lan")
    telex_edit.setCursorPosition(2)
    type_keys(qtbot, telex_edit, "e")
    assert telex_edit.text() == "Lê Lan"
    assert telex_edit.cursorPosition() == 2


def test_telex_leaves_shortcuts_and_selections_alone(qtbot: QtBot, telex_edit: QLineEdit) -> None:
    type_keys(qtbot, telex_edit, "as")
    qtbot.keyClick(telex_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert telex_edit.selectedText() == "á"
    type_keys(qtbot, telex_edit, "s")
    assert telex_edit.text() == "s"


def test_telex_works_in_a_plain_text_edit(qtbot: QtBot) -> None:
    text = QPlainTextEdit()
    qtbot.addWidget(text)
    text.installEventFilter(TelexFilter(parent=text))
    type_keys(qtbot, text, "Ngocj")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    type_keys(qtbot, text, "Dieepj")
    assert text.toPlainText() == "Ngọc\nDiệp"


def test_the_horn_key_reaches_thuo_with_two_taps_and_thuong_with_one(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    tap_letters(qtbot, keyboard, "Thuo")
    tap(qtbot, keyboard, "horn")
    assert edit.text() == "Thươ"
    tap(qtbot, keyboard, "horn", "hoi")
    assert edit.text() == "Thuở"


def test_a_field_marked_for_names_gets_a_capital_at_each_word(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard]
) -> None:
    edit, keyboard = field
    set_capitalise(edit, "words")
    keyboard.set_target(edit)
    assert keyboard.key("a").text() == "A"
    tap(qtbot, keyboard, "l", "e", "circumflex")
    assert keyboard.key("a").text() == "a"
    tap(qtbot, keyboard, "space")
    assert keyboard.key("a").text() == "A"
    tap(qtbot, keyboard, "shift")  # the exception: a small letter where a capital would come
    assert keyboard.key("a").text() == "a"
    tap(qtbot, keyboard, "v", "a", "n", "breve")
    assert edit.text() == "Lê văn"
    set_capitalise(edit, None)
    keyboard.set_target(edit)
    tap(qtbot, keyboard, "space", "a")
    assert edit.text() == "Lê văn a"


SAMPLE = (DATA / "vi_given_names.txt").read_text(encoding="utf-8").splitlines()[::97]


@pytest.mark.parametrize("name", SAMPLE)
def test_the_real_keyboard_types_a_sample_of_real_names(
    qtbot: QtBot, field: tuple[QLineEdit, VietnameseKeyboard], name: str
) -> None:
    edit, keyboard = field
    set_capitalise(edit, "words")
    keyboard.set_target(edit)
    keys = resident_keys(name)
    for key in keys:
        tap(qtbot, keyboard, key)
    if edit.text() != unicodedata.normalize("NFC", name):  # the other vowel for the tone
        edit.clear()
        for key in resident_keys(name, tone_touches=2):
            tap(qtbot, keyboard, key)
    assert edit.text() == unicodedata.normalize("NFC", name)


def test_the_code_pad_types_a_dossier_code(qtbot: QtBot, metrics: theme.Metrics) -> None:
    edit = QLineEdit()
    pad = CodePad(metrics)
    qtbot.addWidget(edit)
    qtbot.addWidget(pad)
    pad.set_target(edit)
    tap(qtbot, pad, *"000.00.00.H23-261124-1000", "backspace", "9")
    assert edit.text() == "000.00.00.H23-261124-1009"
    assert all(k.focusPolicy() == Qt.FocusPolicy.NoFocus for k in pad.keys.values())
    with qtbot.waitSignal(pad.done_requested, timeout=1000):
        tap(qtbot, pad, "done")
