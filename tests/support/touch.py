"""A finger on the kiosk's screen: taps, the on-screen keyboard and number pad, a USB scanner.

The end-to-end tests, the soak test and the soak benchmark's driver (inside a real
``kiosk run --demo``) all press the same buttons the same way, through ``Finger``,
and wait the same way: ``spin_until`` runs a nested event loop until a condition
holds.  Not ``QTest.qWait`` (nor ``qtbot.waitUntil``, built on it): PySide6's
``qWait`` keeps the GIL while it waits, so the camera threads starve — the demo
camera reads under one frame a second instead of fifteen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.app import build_window
from kiosk.ui.context import UiServices
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.form_pages import FormPages
from kiosk.ui.wizard import StepFrame

if TYPE_CHECKING:  # the benchmark's driver uses this module without pytest-qt
    from pytestqt.qtbot import QtBot

Condition = Callable[[], bool]
WaitUntil = Callable[[Condition, int], None]  # (condition, timeout in ms)
WAIT_MS = 10_000
# What the camera, sealing and the printer may take on a loaded machine (a CI runner, the
# soak benchmark beside other work); a wait ends as soon as its condition holds, so only
# a stuck kiosk waits this long.
SLOW_MS = 60_000
CHECK_BOX_X = 24  # px from a check box's left edge: on its box
LINGER_TOUCH_MS = 4_000  # well inside the shortest idle warning a config allows (10 s)
PAGES_AT_MOST = 20  # «Tiếp tục» taps to leave a form of many pages


def open_window(qtbot: QtBot, app: QApplication, services: UiServices
                ) -> tuple[MainWindow, Navigator]:
    """The real window on ``services``, shown at 1366×768 (closed with the test)."""
    window, navigator = build_window(app, services, windowed=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window, navigator


def pause(ms: int) -> None:
    """Let the application run for ``ms``: events, timers and other threads (GIL released)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def spin_until(condition: Condition, timeout_ms: int) -> None:
    """Run the event loop until ``condition`` holds; TimeoutError after ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout_ms} ms: {condition}")
        pause(10)


class Finger:
    """Taps the way a resident does; each step waits for what the screen is doing."""

    def __init__(self, wait_until: WaitUntil = spin_until) -> None:
        self._wait_until = wait_until

    def wait(self, condition: Condition, timeout_ms: int = WAIT_MS) -> None:
        self._wait_until(condition, timeout_ms)

    def linger(self, spot: QWidget, ms: int) -> None:
        """Stay ``ms`` on this screen (cameras preview, timers run), touching ``spot`` (a
        label: nothing happens) now and then, as a reader does, so it is not left idle."""
        left = ms
        while left > 0:
            pause(min(left, LINGER_TOUCH_MS))
            left -= LINGER_TOUCH_MS
            self.tap(spot)

    def tap(self, widget: QWidget) -> None:
        """A tap in the middle of ``widget``; on a check box, on its box (a wide row's
        middle may lie past its words, where a tap does nothing)."""
        assert widget.isVisible(), f"a finger cannot tap what is not on screen: {widget!r}"
        _swipe_into_view(widget)
        spot = widget.rect().center()
        if isinstance(widget, QCheckBox):
            spot = QPoint(min(CHECK_BOX_X, spot.x()), spot.y())
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=spot)

    def tap_text(self, parent: QWidget, text: str) -> None:
        found = [b for b in parent.findChildren(QPushButton) if b.isVisible() and b.text() == text]
        assert found, f"no visible button {text!r}"
        self.tap(found[0])

    def go_on(self, navigator: Navigator) -> None:
        """«Tiếp tục» on the step shown."""
        self.tap(navigator.wizard.frames[navigator.wizard.index].next_button)

    def scanner(self, text: str) -> None:
        """A QR scanner in keyboard mode: one key event per character, then Enter."""
        for char in [*text, "\r"]:
            key = Qt.Key.Key_Return if char == "\r" else Qt.Key.Key_unknown
            target = QApplication.focusWidget() or QApplication.activeWindow()
            assert target is not None, "no focus and no active window: the keys go nowhere"
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, key,
                                                         Qt.KeyboardModifier.NoModifier, char))

    def turn_to(self, screen: ApplicantScreen | FormScreen, name: str) -> None:
        """On a step of several pages: «Tiếp tục» or «Quay lại» until field ``name`` shows."""
        pages = screen.fields
        if not isinstance(pages, FormPages):
            return
        frame = screen.parentWidget()
        assert isinstance(frame, StepFrame)
        for _ in range(pages.count()):
            wanted = pages.page_of(name)
            if wanted == pages.index:
                return
            summary = next((fields.summary for fields in pages.lists[pages.index]
                            if fields.summary is not None
                            and name in {spec.name for spec in fields.summary.fields}), None)
            if summary is not None:  # a card's value, read back here: «Sửa» / «Nhập tay»
                self.tap(summary.button)
                continue
            self.tap(frame.next_button if wanted > pages.index else frame.back_button)
        raise AssertionError(f"the page of {name!r} cannot be reached: {pages.index}")

    def leave_form(self, navigator: Navigator) -> None:
        """«Tiếp tục» page after page until the flow is on the next step."""
        wizard = navigator.wizard
        step = wizard.index
        for _ in range(PAGES_AT_MOST):
            self.go_on(navigator)
            if wizard.index != step:
                return
        raise AssertionError("the form did not let the resident go on")

    def keyboard(self, screen: ApplicantScreen | FormScreen, name: str, *keys: str) -> None:
        """Touch field ``name`` and tap ``keys`` on the Vietnamese keyboard, then «Xong»."""
        self.turn_to(screen, name)
        self.tap(_editor(screen, name))
        for key in (*keys, "done"):
            self.tap(screen.dock.keyboard.key(key))

    def pad(self, screen: ApplicantScreen | FormScreen, name: str, digits: str) -> None:
        self.turn_to(screen, name)
        self.tap(_editor(screen, name))
        for key in (*digits, "done"):
            self.tap(screen.dock.pad.key(key))

    def choose(self, screen: ApplicantScreen | FormScreen, name: str, choice: str) -> None:
        self.turn_to(screen, name)
        self.tap(screen.fields.editors[name].choices[choice])

    def pick(self, screen: ApplicantScreen | FormScreen, name: str, value: str) -> None:
        """Open field ``name``'s list and tap the row ``value`` (an ethnicity, a nationality)."""
        self.turn_to(screen, name)
        button = screen.fields.editors[name].pick_button
        assert button is not None, f"{name} has no list to pick from"
        self.tap(button)
        self.tap(screen.fields.list_of(name).picker.row(value))

    def from_usb(self, documents: DocumentsScreen, code: str, file_name: str) -> None:
        """«Từ USB» on component ``code``'s row, then the file; back on the list with it."""
        tiles = documents.rows[code].tile_count()
        self.tap_text(documents.rows[code], "Từ USB")
        usb = documents.usb
        assert usb is not None

        def listed() -> list[QPushButton]:
            return [b for b in usb.findChildren(QPushButton)
                    if file_name in b.text() and b.isVisible()]

        self.wait(lambda: bool(listed()))
        self.tap(listed()[0])
        self.wait(lambda: _settled(documents, code, tiles + 1))

    def by_camera(self, documents: DocumentsScreen, code: str) -> None:
        """«Chụp bằng camera»: the page is taken by itself once steady; then «Xong»."""
        capture = documents.capture
        assert capture is not None
        tiles = documents.rows[code].tile_count()
        self.tap_text(documents.rows[code], "Chụp bằng camera")
        self.wait(lambda: _settled(documents, code, tiles + 1), SLOW_MS)  # auto-capture
        self.tap(capture.done_button)

    def declare_and_submit(self, window: MainWindow, navigator: Navigator) -> str:
        """The declaration's tick, «Nộp hồ sơ», and the Done screen's dossier code."""
        declaration = navigator.wizard.frames[7].content
        self.tap(declaration.declare)  # type: ignore[attr-defined]
        self.go_on(navigator)
        self.wait(lambda: window.stack.currentWidget() is navigator.done, SLOW_MS)
        code_label = navigator.done.findChild(QLabel, "dossierCode")
        assert code_label is not None
        return str(code_label.text())


def _swipe_into_view(widget: QWidget) -> None:
    """What a resident does before tapping something below the fold: scroll to it (a
    kinetic scroll area passes on only taps that land in its visible part)."""
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QScrollArea):
            ancestor.ensureWidgetVisible(widget, 0, 0)
        ancestor = ancestor.parentWidget()


def _editor(screen: ApplicantScreen | FormScreen, name: str) -> QWidget:
    editor = screen.fields.editors[name].editor
    assert editor is not None, f"{name} is a choice, not a field to type in"
    return editor


def _settled(documents: DocumentsScreen, code: str, tiles: int) -> bool:
    """Component ``code`` shows ``tiles`` pages or files and nothing is being assembled."""
    return (documents.rows[code].tile_count() == tiles
            and all(p.jobs == 0 for p in documents._papers.values()))


def any_text_contains(window: QWidget, needle: str) -> bool:
    texts = [w.text() for w in window.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit)]
    texts += [w.text() for w in window.findChildren(QLabel)]
    return any(needle in t for t in texts)


def assert_nothing_left(window: QWidget, *needles: str) -> None:
    """No widget anywhere in the window still shows the previous resident's data."""
    for needle in needles:
        assert not any_text_contains(window, needle), needle
    assert all(not w.text() for w in window.findChildren(QLineEdit))
    assert all(not w.toPlainText() for w in window.findChildren(QPlainTextEdit))
