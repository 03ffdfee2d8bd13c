"""Nothing to escape through, on the real window: no context menu, no copy or paste, no drag
and drop, the clipboard emptied by the wipe, no close, and no pointer in full screen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QContextMenuEvent,
    QDragEnterEvent,
    QGuiApplication,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.lockdown import NO_DRAG_PX
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.choose import ChooseProcedureScreen
from tests.support.kiosk import Kiosk
from tests.support.touch import open_window, pause
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui

ID_NUMBER = "079123456789"
K, M = Qt.Key, Qt.KeyboardModifier
COPY_KEYS = ((K.Key_C, M.ControlModifier), (K.Key_Insert, M.ControlModifier))
CLOSE_KEYS = ((K.Key_F4, M.AltModifier), (K.Key_W, M.ControlModifier),
              (K.Key_Q, M.ControlModifier), (K.Key_Escape, M.NoModifier),
              (K.Key_F4, M.ControlModifier), (K.Key_F11, M.NoModifier))


def search_field(navigator: Navigator) -> QLineEdit:
    """The first step's search box, holding what a resident typed (an ID number, say)."""
    navigator.start_submission()
    screen = navigator.wizard.frames[0].content
    assert isinstance(screen, ChooseProcedureScreen)
    screen.search.setText(ID_NUMBER)
    return screen.search


def popups_while(widget: QWidget, action: object) -> list[QWidget]:
    """Run ``action``; a popup menu it opens (modal: it would block) is recorded and closed."""
    opened: list[QWidget] = []

    def close_popup() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            opened.append(popup)
            popup.close()

    for ms in (0, 50, 200):
        QTimer.singleShot(ms, close_popup)
    assert callable(action)
    action()
    pause(250)
    return opened


def test_a_right_click_or_long_press_opens_no_menu_on_a_text_field(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    _window, navigator = kiosk
    field = search_field(navigator)
    for reason in (QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard):
        event = QContextMenuEvent(reason, QPoint(5, 5), field.mapToGlobal(QPoint(5, 5)),
                                  Qt.KeyboardModifier.NoModifier)
        assert popups_while(field, lambda e=event: QApplication.sendEvent(field, e)) == []
    assert field.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu


def test_copy_cut_select_all_paste_and_undo_keys_do_nothing(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    _window, navigator = kiosk
    field = search_field(navigator)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("trước")
    field.selectAll()
    for key, modifiers in COPY_KEYS:
        QTest.keyClick(field, key, modifiers)
    assert clipboard.text() == "trước"
    QTest.keyClick(field, K.Key_X, M.ControlModifier)
    QTest.keyClick(field, K.Key_Delete, M.ShiftModifier)
    assert field.text() == ID_NUMBER and clipboard.text() == "trước"
    field.deselect()
    QTest.keyClick(field, K.Key_A, M.ControlModifier)
    assert not field.hasSelectedText()
    for key, modifiers in ((K.Key_V, M.ControlModifier), (K.Key_Insert, M.ShiftModifier)):
        QTest.keyClick(field, key, modifiers)
    assert field.text() == ID_NUMBER
    field.clear()  # what a wipe does to a field: undoable, in Qt
    QTest.keyClick(field, K.Key_Z, M.ControlModifier)
    assert field.text() == ""
    QTest.keyClicks(field, "khai sinh")  # plain keys still type
    assert field.text() == "khai sinh"


def test_nothing_is_dropped_into_a_field_and_no_field_drags_its_text_out(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    field = search_field(navigator)
    mime = QMimeData()
    mime.setText("dán vào")
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(field, enter)
    assert not enter.isAccepted()
    assert not field.acceptDrops() and not window.acceptDrops()
    assert not any(edit.dragEnabled() for edit in window.findChildren(QLineEdit))
    # A text box has no such switch: no drag starts within reach of a finger.
    assert QApplication.startDragDistance() >= NO_DRAG_PX


def test_the_wipe_empties_the_clipboard(kiosk: tuple[MainWindow, Navigator]) -> None:
    _window, navigator = kiosk
    search_field(navigator)
    QGuiApplication.clipboard().setText(ID_NUMBER)  # however it got there
    navigator.end_session()
    assert QGuiApplication.clipboard().text() == ""


def test_the_window_refuses_close_requests_and_close_keys_in_full_screen(
    kiosk: tuple[MainWindow, Navigator], qtbot: QtBot,
) -> None:
    window, _navigator = kiosk
    window.show_for_kiosk(windowed=False)
    qtbot.waitUntil(window.isFullScreen)
    for key, modifiers in CLOSE_KEYS:
        QTest.keyClick(window, key, modifiers)
    request = QCloseEvent()  # what a window manager's close button or Alt+F4 sends
    QApplication.sendEvent(window, request)
    assert not request.isAccepted()
    assert not window.close()
    assert window.isVisible() and window.isFullScreen()


def test_the_pointer_is_hidden_in_full_screen_and_back_when_the_official_leaves_it(
    kiosk: tuple[MainWindow, Navigator], qtbot: QtBot,
) -> None:
    window, _navigator = kiosk
    window.show_for_kiosk(windowed=False)
    qtbot.waitUntil(window.isFullScreen)
    cursor = QGuiApplication.overrideCursor()
    assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
    window.leave_full_screen()
    assert QGuiApplication.overrideCursor() is None


def test_a_kiosk_configured_to_show_the_pointer_shows_it(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk,
) -> None:
    config = backend.runtime.config
    services = replace(services_for(backend), config=replace(
        config, kiosk=replace(config.kiosk, show_cursor=True)))
    window, navigator = open_window(qtbot, qapp, services)
    try:
        window.show_for_kiosk(windowed=False)
        qtbot.waitUntil(window.isFullScreen)
        assert QGuiApplication.overrideCursor() is None
    finally:
        navigator.shutdown()


def test_the_key_filter_refuses_exactly_what_qt_matches_for_the_standard_keys(
    qapp: QApplication,
) -> None:
    """The one look-up agrees with Qt's own QKeyEvent.matches over every key and modifier
    combination (keypad and group switch included, which Qt ignores)."""
    from itertools import combinations

    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    from kiosk.ui.lockdown import EATEN_KEYS, EATEN_STANDARD_KEYS, is_eaten_key

    flags = [Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier,
             Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.MetaModifier,
             Qt.KeyboardModifier.KeypadModifier, Qt.KeyboardModifier.GroupSwitchModifier]
    mods = [Qt.KeyboardModifier.NoModifier]
    for size in (1, 2, 3):
        for group in combinations(flags, size):
            combined = group[0]
            for flag in group[1:]:
                combined |= flag
            mods.append(combined)
    keys = [k for k in Qt.Key if k.value < 0x01FFFFFF]
    refused = 0
    for key in keys:
        for modifiers in mods:
            event = QKeyEvent(QEvent.Type.KeyPress, key, modifiers)
            by_qt = any(event.matches(standard) for standard in EATEN_STANDARD_KEYS) or (
                key, modifiers & ~(Qt.KeyboardModifier.KeypadModifier
                                   | Qt.KeyboardModifier.GroupSwitchModifier)) in EATEN_KEYS
            assert is_eaten_key(event) == by_qt, (key, modifiers)
            refused += by_qt
    assert refused > 20  # Ctrl+C, Ctrl+V, Ctrl+A, Escape … are among them
