"""The Track screen: a scanned or typed code brings up the dossier's timeline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.domain.vietqr import build_vietqr
from kiosk.receipts.errors import PrintError
from kiosk.receipts.service import ReceiptPrinter
from kiosk.store.records import StatusEvent
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support.kiosk import Kiosk
from tests.ui.conftest import RecordingPrinter, slip_video

pytestmark = pytest.mark.gui

OWNER = "sync@test:1:track"


def open_track(qtbot: QtBot, window: MainWindow, navigator: Navigator) -> None:
    tap(qtbot, window, "Tra cứu hồ sơ")
    assert window.stack.currentWidget() is navigator.track


def tap(qtbot: QtBot, window: MainWindow, text: str) -> None:
    found = [b for b in window.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, text
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def scan(qtbot: QtBot, navigator: Navigator, text: str) -> None:
    """A USB code scanner: a burst of key events, then Enter."""
    field = navigator.track.code
    for char in text:
        qtbot.keyClick(field, char)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def shown_text(navigator: Navigator) -> str:
    labels = navigator.track.result.findChildren(QLabel)
    return "\n".join(label.text() for label in labels)


def sent_with_history(backend: Kiosk) -> str:
    (dossier,) = backend.seal_births(1)
    job = backend.queue.claim_next(backend.clock(), OWNER)
    assert job is not None
    now = backend.clock()
    backend.queue.mark_sent(job, now, "000.00.00.H23-261124-9001", 1)
    backend.queue.apply_portal_status(dossier.code, 2, [
        StatusEvent(1, now, "Mới đăng ký"),
        StatusEvent(2, now + timedelta(hours=2), "Được tiếp nhận", "Bộ phận Một cửa")], now)
    return dossier.code


def test_a_scanned_receipt_code_shows_the_timeline(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    text = shown_text(navigator)
    assert "Đăng ký khai sinh" in text
    assert "Kiosk đã nhận hồ sơ" in text
    assert "Đã gửi lên cổng dịch vụ công" in text
    assert "Tình trạng: Được tiếp nhận" in text
    assert "Hẹn trả kết quả: 17:00 ngày 27/11/2026" in text
    history = text[text.index("mới nhất ở trên"):]
    assert history.index("Được tiếp nhận") < history.index("Kiosk đã nhận hồ sơ")


def test_the_portals_new_code_finds_the_dossier_too(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, "000.00.00.H23-261124-9001")
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    assert "Mã trên cổng dịch vụ công: 000.00.00.H23-261124-9001" in shown_text(navigator)


def test_a_dossier_not_yet_sent_says_it_is_waiting(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    (dossier,) = backend.seal_births(1)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, dossier.code)
    qtbot.waitUntil(lambda: dossier.code in shown_text(navigator), timeout=10_000)
    assert "Đang chờ gửi lên cổng dịch vụ công" in shown_text(navigator)


def test_an_unknown_code_is_explained(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, "000.00.00.H23-261124-4242")
    qtbot.waitUntil(lambda: "Không tìm thấy" in navigator.track.message.text(), timeout=10_000)
    assert shown_text(navigator) == ""


def test_the_payment_qr_of_the_slip_is_not_taken_for_a_dossier_code(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, build_vietqr(bank_bin="970403", account="0011012345678",
                                        amount=8000, bill_number="H23-261124-1000"))
    assert "mã thanh toán" in navigator.track.message.text()


def test_a_citizen_id_qr_is_explained_and_not_looked_up(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, "030195012345||Nguyen Thi Anh|08031995|Nu|Thon Cong Lac|15082021")
    assert "thẻ căn cước" in navigator.track.message.text()
    assert shown_text(navigator) == ""


def test_text_that_cannot_be_a_code_is_not_found_rather_a_failure(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, "x" * 300)
    qtbot.waitUntil(lambda: "Không tìm thấy" in navigator.track.message.text(), timeout=10_000)


def test_leaving_and_coming_back_shows_nothing_of_the_previous_lookup(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    tap(qtbot, window, "Về trang chủ")
    open_track(qtbot, window, navigator)
    qtbot.waitUntil(lambda: shown_text(navigator) == "", timeout=5_000)
    assert navigator.track.code.text() == ""
    assert navigator.track.message.text() == ""


def test_a_long_timeline_scrolls_instead_of_growing_the_screen(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    now = backend.clock()
    events = [StatusEvent(s, now + timedelta(hours=s), f"Bước {s}") for s in range(3, 11)]
    backend.queue.apply_portal_status(code, 10, events, now)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: "Đã trả kết quả" in shown_text(navigator), timeout=10_000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768


@pytest.fixture
def slip_on_camera(backend: Kiosk, camera_video: list[Path], tmp_path: Path) -> str:
    """A sent dossier whose printed slip the camera shows (set up before the window)."""
    code = sent_with_history(backend)
    detail = backend.queue.find(code)
    assert detail is not None
    pdf = ReceiptPrinter(backend.runtime.config, lambda _pdf: None).pdf(detail)
    camera_video.append(slip_video(tmp_path / "slip.avi", pdf))
    return code


def test_a_slip_held_in_front_of_the_camera_opens_its_dossier(
    qtbot: QtBot, slip_on_camera: str, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    code = slip_on_camera
    open_track(qtbot, window, navigator)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=20_000)
    assert navigator.track.code.text() == code
    assert navigator.track.camera.pixmap() is not None
    tap(qtbot, window, "Về trang chủ")
    assert navigator.camera is not None and not navigator.camera.running


def test_reprint_sends_the_slip_of_the_shown_dossier_to_the_printer(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    tap(qtbot, window, "In lại phiếu hẹn")
    qtbot.waitUntil(lambda: "Đã in xong" in navigator.track.message.text(), timeout=20_000)
    assert len(printer.printed) == 1
    assert printer.printed[0].startswith(b"%PDF")


def test_a_printer_failure_keeps_the_code_on_screen_and_says_what_to_do(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    printer.fail_with = PrintError("no_printer", "Không tìm thấy máy in.")
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    tap(qtbot, window, "In lại phiếu hẹn")
    qtbot.waitUntil(lambda: "Chưa in được" in navigator.track.message.text(), timeout=20_000)
    assert "Không tìm thấy máy in." in navigator.track.message.text()
    assert code in shown_text(navigator)


def test_without_a_camera_the_screen_does_not_mention_one(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    assert not navigator.track.camera.isVisible()
    assert not navigator.track.camera_caption.isVisible()


def test_going_home_from_track_forgets_the_dossier_looked_up(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk
) -> None:
    window, navigator = kiosk
    code = sent_with_history(backend)
    open_track(qtbot, window, navigator)
    scan(qtbot, navigator, code)
    qtbot.waitUntil(lambda: code in shown_text(navigator), timeout=10_000)
    tap(qtbot, window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home
    assert navigator.track.code.text() == ""
    # The result's widgets go with the next turn of the event loop (deleteLater).
    qtbot.waitUntil(lambda: code not in shown_text(navigator), timeout=2_000)


def test_touching_the_code_field_opens_a_code_pad_that_types_the_code(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator]
) -> None:
    window, navigator = kiosk
    open_track(qtbot, window, navigator)
    field = navigator.track.code
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    pad = navigator.track.dock.code_pad
    assert navigator.track.dock.is_open and pad.isVisible()
    for key in "H23-1.5":
        qtbot.mouseClick(pad.key(key), Qt.MouseButton.LeftButton)
    assert field.text() == "H23-1.5"
    qtbot.mouseClick(pad.key("done"), Qt.MouseButton.LeftButton)
    assert not navigator.track.dock.is_open
