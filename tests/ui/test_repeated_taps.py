"""Taps that count once: repeated taps on the real widgets of the real window.

Two ways a finger repeats itself.  Quick clicks one after the other on the
same button (``qtbot.mouseClick`` several times, no event loop in between)
test the guards of buttons whose work runs in the background: disabled until
the answer comes.  A double tap on the spot, sent to the window as the
platform receives it (``qtbot.mouseDClick`` on the window handle), tests
tap-through: the first tap changes the screen and the second lands on
whatever the next screen has there.

Sealing is counted at the submitter, not only in the queue: the store may also
refuse a second seal of one draft, and these tests are about the UI's guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.domain.draft import Draft
from kiosk.store.records import QueuedDossier
from kiosk.submission import Submitter
from kiosk.ui.draft_state import DraftState
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.widgets.basics import touch_button
from tests.support.kiosk import Kiosk, birth_state
from tests.support.touch import open_window
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui

RESULT_FEE, REVIEW, DECLARATION = 5, 6, 7


class CountingSubmitter(Submitter):
    """The real submitter, counting the seal jobs the UI started."""

    seals = 0

    def seal(self, draft: Draft) -> QueuedDossier:
        self.seals += 1
        return super().seal(draft)


@pytest.fixture
def submitter(backend: Kiosk) -> CountingSubmitter:
    return CountingSubmitter(backend.queue, backend.submitter._calendar,
                             backend.runtime.config, backend.clock)


@pytest.fixture
def kiosk(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter,
    submitter: CountingSubmitter,
) -> Iterator[tuple[MainWindow, Navigator]]:
    window, navigator = open_window(qtbot, qapp,
                                    services_for(backend, printer, submitter=submitter))
    yield window, navigator
    navigator.shutdown()


def at_step(navigator: Navigator, backend: Kiosk, index: int) -> None:
    """The whole sample birth registration entered, declaration ticked, ``index`` shown."""
    wizard = navigator.wizard
    wizard.start()
    sample = birth_state(backend.catalogue, backend.clock())
    for f in fields(DraftState):
        setattr(wizard.state, f.name, getattr(sample, f.name))
    wizard.state.declared = True
    wizard.go(index)


def next_button(navigator: Navigator) -> QPushButton:
    return navigator.wizard.frames[navigator.wizard.index].next_button


def quick_taps(qtbot: QtBot, button: QPushButton, count: int) -> None:
    """``count`` clicks in a row, a few milliseconds apart: no answer can come in between."""
    for _ in range(count):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def double_tap(qtbot: QtBot, button: QPushButton) -> None:
    """Two taps on the spot, as the window receives them from the touch screen."""
    window = button.window()
    handle = window.windowHandle()
    assert handle is not None
    spot = button.mapTo(window, button.rect().center())
    qtbot.mouseDClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)


def test_three_taps_on_nop_ho_so_within_50_ms_seal_one_dossier(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    submitter: CountingSubmitter,
) -> None:
    window, navigator = kiosk
    at_step(navigator, backend, DECLARATION)
    sealed: list[QueuedDossier] = []
    navigator.wizard.sealed.connect(sealed.append)
    button = next_button(navigator)
    assert button.text() == "Nộp hồ sơ"
    quick_taps(qtbot, button, 3)
    assert not button.isEnabled() and button.text() == "Đang lưu hồ sơ…"
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.done, timeout=20_000)
    navigator.shutdown()  # every job started has answered
    assert submitter.seals == 1
    assert len(sealed) == 1 and len(backend.queue.recent()) == 1
    assert button.isEnabled() and button.text() == "Nộp hồ sơ"


def test_a_double_tap_on_nop_ho_so_seals_once(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    submitter: CountingSubmitter,
) -> None:
    window, navigator = kiosk
    at_step(navigator, backend, DECLARATION)
    double_tap(qtbot, next_button(navigator))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.done, timeout=20_000)
    navigator.shutdown()
    assert submitter.seals == 1 and len(backend.queue.recent()) == 1


def test_a_double_tap_on_tiep_tuc_moves_one_step(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    at_step(navigator, backend, RESULT_FEE)
    double_tap(qtbot, next_button(navigator))  # the second tap lands on Review's button
    assert navigator.wizard.index == REVIEW
    assert window.stack.currentWidget() is navigator.wizard.frames[REVIEW]


def test_a_second_tap_that_reaches_the_step_just_left_does_not_move_the_flow(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    _window, navigator = kiosk
    at_step(navigator, backend, RESULT_FEE)
    quick_taps(qtbot, next_button(navigator), 2)
    assert navigator.wizard.index == REVIEW
    quick_taps(qtbot, navigator.wizard.frames[REVIEW].next_button, 1)
    assert navigator.wizard.index == DECLARATION  # a tap that counts still moves on


def test_a_double_tap_on_in_lai_prints_once(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    window, navigator = kiosk
    at_step(navigator, backend, DECLARATION)
    quick_taps(qtbot, next_button(navigator), 1)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.done, timeout=20_000)
    done = navigator.done
    qtbot.waitUntil(lambda: len(printer.printed) == 1 and done.reprint.isEnabled(),
                    timeout=20_000)
    quick_taps(qtbot, done.reprint, 2)
    qtbot.waitUntil(done.reprint.isEnabled, timeout=20_000)
    double_tap(qtbot, done.reprint)
    qtbot.waitUntil(done.reprint.isEnabled, timeout=20_000)
    navigator.shutdown()
    assert len(printer.printed) == 3  # the slip, then one per double tap


def test_a_double_tap_on_track_reprint_prints_once(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    window, navigator = kiosk
    (dossier,) = backend.seal_births(1)
    navigator.show_track()
    navigator.track.code.setText(dossier.code)
    (lookup,) = [b for b in navigator.track.findChildren(QPushButton) if b.text() == "Tra cứu"]
    quick_taps(qtbot, lookup, 2)
    reprint = navigator.track.reprint
    qtbot.waitUntil(reprint.isVisible, timeout=20_000)
    quick_taps(qtbot, reprint, 2)
    qtbot.waitUntil(lambda: "Đã in xong" in navigator.track.message.text(), timeout=20_000)
    double_tap(qtbot, reprint)
    qtbot.waitUntil(reprint.isEnabled, timeout=20_000)
    navigator.shutdown()
    assert len(printer.printed) == 2
    assert window.stack.currentWidget() is navigator.track


# ------------------------------------------------------------ the button itself


def press(button: QPushButton, at: QPoint, stamp: int) -> None:
    """A press and release at ``at`` whose platform timestamps are ``stamp`` ms."""
    for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                          (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
        local = QPointF(at)
        event = QMouseEvent(kind, local, button.mapToGlobal(local), Qt.MouseButton.LeftButton,
                            buttons, Qt.KeyboardModifier.NoModifier)
        event.setTimestamp(stamp)
        QApplication.sendEvent(button, event)


def test_a_touch_button_takes_a_quick_second_press_once_and_a_later_one_again(
    qtbot: QtBot,
) -> None:
    taps: list[int] = []
    button = touch_button("Chụp", "primary", lambda: taps.append(1))
    qtbot.addWidget(button)
    button.resize(200, 80)
    button.show()
    interval = QApplication.styleHints().mouseDoubleClickInterval()
    press(button, QPoint(20, 20), 1_000)
    press(button, QPoint(180, 60), 1_000 + interval // 2)  # too far apart for a double click
    assert taps == [1]
    press(button, QPoint(100, 40), 1_000 + interval * 2)
    assert taps == [1, 1]
