"""Photographing a paper on the Documents step: auto-capture, the fallback, steady buttons.

The camera is a looping video of a synthetic A4 page on a desk (still, shaken,
or absent), played through the real ``PageCamera`` thread, page detection and
quality verdict; the pages go into the real Documents screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.demo.scanner import FakeScanner
from kiosk.scanner.quality import MESSAGES as QUALITY
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.capture import EDITOR_MODE, LIVE, STILL, CaptureScreen
from kiosk.ui.screens.documents import DocumentsScreen
from tests.support.kiosk import Kiosk
from tests.support.papers import PAGE_CORNERS, desk_video, video_camera
from tests.support.touch import pause, spin_until
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui

BIRTH = "1.001193"
CODE = "GCS"  # the birth certificate: a component the resident brings


@pytest.fixture
def video(tmp_path: Path) -> list[Path]:
    return [desk_video(tmp_path / "page.avi")]


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()  # the screens that asked are deleted after the test


@pytest.fixture
def documents(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, video: list[Path], tmp_path: Path,
) -> Iterator[DocumentsScreen]:
    services = services_for(backend, open_camera=video_camera(video))
    screen = DocumentsScreen(services, runner, FakeScanner, tmp_path / "usb")
    qtbot.addWidget(screen)
    screen.resize(1366, 640)
    screen.load(DraftState(procedure=backend.catalogue.get(BIRTH)))
    screen.show()
    qtbot.waitExposed(screen)
    yield screen
    if screen.capture is not None:
        screen.capture.stop()
    runner.wait()


class Watch:
    """What the capture screen showed while it ran: views, countdown, hints, buttons."""

    def __init__(self, capture: CaptureScreen) -> None:
        self.capture = capture
        self.views: list[int] = []
        self.countdown: list[int] = []
        self.hints: list[str] = []
        self.buttons: list[list[tuple[str, QRect]]] = []
        capture.views.currentChanged.connect(self.views.append)
        capture.camera.countdown.connect(self.countdown.append)
        capture.camera.hint.connect(self.hints.append)
        for signal in (capture.camera.preview, capture.camera.countdown,
                       capture.camera.captured, capture.page_ready):
            signal.connect(self.sample)

    def sample(self, *_args: object) -> None:
        QApplication.processEvents()  # the row laid out as the resident now sees it
        self.buttons.append([(b.text(), b.geometry()) for b in self.capture.row_buttons()])


def click(button: QPushButton) -> None:
    assert button.isVisible()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def open_camera(documents: DocumentsScreen) -> CaptureScreen:
    capture = documents.capture
    assert capture is not None
    (button,) = [b for b in documents.rows[CODE].findChildren(QPushButton)
                 if b.text() == "Chụp bằng camera"]
    click(button)
    return capture


def pages(documents: DocumentsScreen) -> int:
    return documents.rows[CODE].tile_count()


def settled(documents: DocumentsScreen, count: int) -> bool:
    return pages(documents) == count and all(p.jobs == 0 for p in documents._papers.values())


def test_a_page_held_still_is_taken_by_itself_once_after_a_countdown(
    documents: DocumentsScreen,
) -> None:
    capture = open_camera(documents)
    watch = Watch(capture)
    spin_until(lambda: settled(documents, 1), 20_000)
    assert 1 in watch.countdown and watch.countdown[-1] == 0  # "Giữ yên… 1", then done
    assert STILL not in watch.views  # no corners to drag: the outline was found
    assert capture.hint.text() == "Đã thêm trang. Đặt trang tiếp theo vào, hoặc chạm «Xong»."
    pause(4_000)  # the same page lies there: not taken a second time
    assert pages(documents) == 1
    assert capture.count.text() == "Đã chụp 1 trang cho giấy tờ này."
    click(capture.done_button)
    assert not capture.camera.running
    state = DraftState(procedure=documents._procedure)
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == CODE]
    assert (gcs.kind, gcs.pages) == ("pdf", 1) and gcs.data.startswith(b"%PDF")


def test_the_countdown_is_shown_while_the_page_is_held(documents: DocumentsScreen) -> None:
    capture = open_camera(documents)
    texts: list[str] = []
    capture.camera.countdown.connect(lambda _s: texts.append(capture.holding.text()))
    spin_until(lambda: settled(documents, 1), 20_000)
    assert "Giữ yên… 1" in texts
    assert capture.holding.text() == ""


def test_a_shaking_page_is_not_taken_though_the_picture_is_good(
    documents: DocumentsScreen, video: list[Path], tmp_path: Path,
) -> None:
    video[0] = desk_video(tmp_path / "shaking.avi", shake_px=8)
    capture = open_camera(documents)
    watch = Watch(capture)
    spin_until(lambda: QUALITY["ok"] in watch.hints, 20_000)  # the page is seen, and sharp
    pause(4_000)
    assert pages(documents) == 0 and capture.views.currentIndex() == LIVE
    assert set(watch.countdown) <= {0, 2}  # a countdown may start, never runs out


def test_the_capture_buttons_keep_their_words_and_places_through_an_auto_capture(
    documents: DocumentsScreen,
) -> None:
    capture = open_camera(documents)
    watch = Watch(capture)
    watch.sample()
    spin_until(lambda: settled(documents, 1), 20_000)
    pause(500)
    watch.sample()
    first = watch.buttons[0]
    assert [text for text, _ in first] == ["Chụp", "Chỉnh góc bằng tay", "Dùng ảnh này",
                                           "Chụp lại"]
    assert len(watch.buttons) > 10
    assert all(sample == first for sample in watch.buttons)


def test_in_live_view_only_the_live_actions_are_enabled(documents: DocumentsScreen) -> None:
    capture = open_camera(documents)
    enabled = [b.isEnabled() for b in capture.row_buttons()]
    assert enabled == [True, True, False, False]
    assert capture.done_button.isEnabled()


def test_corners_are_dragged_only_when_the_resident_asks(documents: DocumentsScreen) -> None:
    capture = open_camera(documents)
    click(capture.manual_button)
    spin_until(lambda: capture.views.currentIndex() == STILL, 20_000)
    assert capture.mode == EDITOR_MODE
    assert [b.isEnabled() for b in capture.row_buttons()] == [False, False, True, True]
    assert [b.text() for b in capture.row_buttons()] == ["Chụp", "Chỉnh góc bằng tay",
                                                         "Dùng ảnh này", "Chụp lại"]
    editor = capture.editor
    before = editor.corners()
    assert np.max(np.linalg.norm(before - PAGE_CORNERS, axis=1)) < 12  # the outline found
    start = editor.handle_centres()[0].toPoint()
    QTest.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(editor, start + QPoint(30, 30))
    QTest.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=start + QPoint(30, 30))
    after = editor.corners()
    assert after[0][0] > before[0][0] + 10 and after[0][1] > before[0][1] + 10
    assert np.allclose(after[1:], before[1:])
    click(capture.accept_button)
    spin_until(lambda: settled(documents, 1), 20_000)
    assert capture.views.currentIndex() == LIVE


def test_with_no_page_found_chup_opens_the_corners_on_the_whole_picture(
    documents: DocumentsScreen, video: list[Path], tmp_path: Path,
) -> None:
    video[0] = desk_video(tmp_path / "desk.avi", with_page=False)
    capture = open_camera(documents)
    spin_until(capture.live.has_image, 20_000)
    click(capture.capture_button)
    spin_until(lambda: capture.views.currentIndex() == STILL, 20_000)
    assert capture.editor.corners().tolist() == [[0, 0], [639, 0], [639, 479], [0, 479]]
    assert "Không thấy rõ mép tờ giấy" in capture.hint.text()
    click(capture.accept_button)
    spin_until(lambda: settled(documents, 1), 20_000)


def test_chup_lai_goes_back_to_the_live_camera_without_a_page(
    documents: DocumentsScreen, video: list[Path], tmp_path: Path,
) -> None:
    video[0] = desk_video(tmp_path / "desk.avi", with_page=False)
    capture = open_camera(documents)
    spin_until(capture.live.has_image, 20_000)
    click(capture.capture_button)
    spin_until(lambda: capture.views.currentIndex() == STILL, 20_000)
    click(capture.retake_button)
    assert capture.views.currentIndex() == LIVE
    assert [b.isEnabled() for b in capture.row_buttons()] == [True, True, False, False]
    pause(500)
    assert pages(documents) == 0


def test_a_tap_on_chup_takes_a_found_page_at_once_without_the_editor(
    documents: DocumentsScreen,
) -> None:
    capture = open_camera(documents)
    watch = Watch(capture)
    click(capture.capture_button)  # taken by the first frame: long before a hold could end
    spin_until(lambda: settled(documents, 1), 20_000)
    assert STILL not in watch.views
    assert watch.countdown in ([], [0])  # no countdown ran


def test_the_long_name_and_the_editors_instructions_are_never_cut(
    documents: DocumentsScreen,
) -> None:
    documents.resize(1286, 520)  # the room the step leaves it at 1366×768
    capture = open_camera(documents)
    click(capture.manual_button)
    spin_until(lambda: capture.views.currentIndex() == STILL, 20_000)
    pause(0)
    assert capture.heading.text().startswith("Chụp: Giấy chứng sinh (hoặc văn bản")
    for label in (capture.heading, capture.hint):
        assert label.isVisible() and label.height() >= label.heightForWidth(label.width())
        bottom = label.mapTo(capture, label.rect().bottomLeft()).y()
        assert bottom <= capture.views.geometry().bottom()
