"""An official at the kiosk, by touch: an account, the PIN pad, the dashboard."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kiosk.domain.draft import Helper
from kiosk.store.officials import Official
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.pin_pad import PinPadScreen
from tests.support.kiosk import Kiosk
from tests.support.touch import Finger

PIN = "482913"
STAFF_ID = "CB-012"
NAME = "Nguyễn Văn An"
LABEL = "Nguyễn Văn An (CB-012)"
HELPER = Helper(NAME, STAFF_ID)
WIRE = {"HoTen": NAME, "MaCanBo": STAFF_ID}  # NguoiHoTro as the payload carries it


def add_official(backend: Kiosk, staff_id: str = STAFF_ID, name: str = NAME,
                 pin: str = PIN) -> Official:
    return backend.office.officials.add(staff_id, name, "can_bo", pin, backend.clock(),
                                        "cli:test")


def enter_pin(finger: Finger, pad: PinPadScreen, pin: str) -> None:
    for digit in pin:
        finger.tap(pad.keys[digit])
    finger.tap(pad.sign_in_button)


def sign_in(finger: Finger, window: MainWindow, navigator: Navigator, pin: str = PIN,
            call_id: int | None = None) -> None:
    """What the 3-second press (or the help screen) leads to, then the PIN: the dashboard."""
    navigator.request_official(call_id)
    pad = navigator.official.pad
    assert window.stack.currentWidget() is pad
    finger.wait(pad.sign_in_button.isEnabled)  # the lock check answered
    enter_pin(finger, pad, pin)
    finger.wait(lambda: window.stack.currentWidget() is navigator.official.dashboard)
    finger.wait(lambda: bool(navigator.official.dashboard.dossiers.counts.text()))


def actions(backend: Kiosk) -> list[str]:
    """The audit log's actions, oldest first."""
    return [entry.action for entry in reversed(backend.office.audit.entries(1000))]


def visible_button(parent: object, text: str) -> QPushButton | None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(parent, QWidget)
    found = [b for b in parent.findChildren(QPushButton) if b.isVisible() and b.text() == text]
    return found[0] if found else None
