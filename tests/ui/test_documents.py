"""The Documents step: camera (auto and whole frame), flatbed scanner, USB files, delete, wipe.

The camera is a video file of a synthetic page on a desk played as a webcam
would show it; the scanner is ``FakeScanner``; the USB stick is a temp folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.scanner import synthetic
from kiosk.scanner.arrays import f32
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.scanner.sane import FakeScanner
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.capture import STILL
from kiosk.ui.screens.documents import DocumentsScreen
from tests.support.kiosk import Kiosk, tiny_pdf
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui

BIRTH = "1.001193"
PAGE_CORNERS = f32([[190, 40], [450, 50], [440, 420], [180, 410]])
TK_NAME = "Tờ khai đăng ký khai sinh theo mẫu"


def desk_video(path: Path, *, with_page: bool, frames: int = 10) -> Path:
    """A short 640×480 video of a wooden desk, with an A4 page lying still on it or not."""
    rng = np.random.default_rng(11)
    frame = synthetic.render_desk(rng, (640, 480), "wood")
    if with_page:
        frame = synthetic.place(frame, synthetic.render_page(rng, width=300), PAGE_CORNERS)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    for _ in range(frames):
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def video(tmp_path: Path) -> list[Path]:
    return [desk_video(tmp_path / "page.avi", with_page=True)]


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    root = tmp_path / "usb"
    (root / "giay to").mkdir(parents=True)
    page = synthetic.render_page(np.random.default_rng(2), width=300)
    cv2.imwrite(str(root / "giay to" / "chung-sinh.png"), page)
    (root / "to-khai.pdf").write_bytes(tiny_pdf("to khai"))
    (root / "ghi-chu.pdf").write_text("đây không phải PDF", encoding="utf-8")
    return root


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.wait()


@pytest.fixture
def screen(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, runner: BackgroundRunner,
    video: list[Path], usb: Path,
) -> Iterator[tuple[DocumentsScreen, DraftState]]:
    theme.load_fonts()
    theme.apply(qapp, theme.TextSize.NORMAL)

    def open_camera() -> FrameSource:
        return VideoFileSource(video[0], loop=True)

    services = services_for(backend, open_camera=open_camera)
    screen = DocumentsScreen(services, runner, FakeScanner, usb)
    qtbot.addWidget(screen)
    screen.resize(1366, 640)
    state = DraftState(procedure=backend.catalogue.get(BIRTH))
    screen.load(state)
    screen.show()
    qtbot.waitExposed(screen)
    yield screen, state
    if screen.capture is not None:
        screen.capture.stop()
    runner.wait()


def tap(qtbot: QtBot, parent: QWidget, text: str, index: int = 0) -> None:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) > index, f"no visible button {text!r}"
    qtbot.mouseClick(found[index], Qt.MouseButton.LeftButton)


def tiles(screen: DocumentsScreen, code: str) -> int:
    return screen.rows[code].tile_count()


def settled(screen: DocumentsScreen) -> bool:
    return all(p.jobs == 0 for p in screen._papers.values())


def test_a_page_held_still_under_the_camera_is_captured_by_itself(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    tap(qtbot, documents.rows["GCS"], "Chụp bằng camera")
    capture = documents.capture
    assert capture is not None
    qtbot.waitUntil(lambda: capture.views.currentIndex() == STILL, timeout=20_000)
    corners = capture.editor.corners()
    assert np.max(np.linalg.norm(corners - PAGE_CORNERS, axis=1)) < 12
    tap(qtbot, capture, "Dùng ảnh này")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=20_000)
    assert "Đã chụp 1 trang" in capture.count.text()
    tap(qtbot, capture, "Xong, quay lại danh sách")
    assert not capture.camera.running
    documents.commit(state, date(2026, 11, 24))
    (tk,) = [d for d in state.documents if d.component_code == "GCS"]
    assert (tk.kind, tk.content_type, tk.pages) == ("pdf", "application/pdf", 1)
    assert tk.data.startswith(b"%PDF")


def test_the_whole_frame_can_be_taken_when_no_page_is_found(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState], video: list[Path],
    tmp_path: Path,
) -> None:
    documents, _state = screen
    video[0] = desk_video(tmp_path / "desk.avi", with_page=False)
    tap(qtbot, documents.rows["GCS"], "Chụp bằng camera")
    capture = documents.capture
    assert capture is not None
    qtbot.waitUntil(lambda: capture.live.has_image(), timeout=20_000)
    tap(qtbot, capture, "Dùng cả khung hình")
    qtbot.waitUntil(lambda: capture.views.currentIndex() == STILL, timeout=20_000)
    assert capture.editor.corners().tolist() == [[0, 0], [639, 0], [639, 479], [0, 479]]
    tap(qtbot, capture, "Dùng ảnh này")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=20_000)


def test_a_corner_dragged_by_hand_moves_the_outline(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, _state = screen
    tap(qtbot, documents.rows["GCS"], "Chụp bằng camera")
    capture = documents.capture
    assert capture is not None
    qtbot.waitUntil(lambda: capture.views.currentIndex() == STILL, timeout=20_000)
    editor = capture.editor
    before = editor.corners()
    start = editor.handle_centres()[0].toPoint()
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(editor, start + QPoint(30, 30))
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=start + QPoint(30, 30))
    after = editor.corners()
    assert after[0][0] > before[0][0] + 10 and after[0][1] > before[0][1] + 10
    assert np.allclose(after[1:], before[1:])
    tap(qtbot, capture, "Chụp lại")
    assert capture.views.currentIndex() != STILL


def test_a_flatbed_scan_adds_a_page(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    tap(qtbot, documents.rows["GCS"], "Quét bằng máy quét")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=30_000)
    assert documents.rows["GCS"].status.text() == "Đã quét xong."
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert gcs.kind == "pdf" and gcs.pages == 1


def test_deleting_a_page_leaves_the_others_in_the_pdf(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    for count in (1, 2):
        tap(qtbot, documents.rows["GCS"], "Quét bằng máy quét")
        qtbot.waitUntil(lambda c=count: tiles(documents, "GCS") == c and settled(documents),
                        timeout=30_000)
    tap(qtbot, documents.rows["GCS"], "Xoá")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=30_000)
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert gcs.pages == 1


def open_usb(qtbot: QtBot, documents: DocumentsScreen, code: str) -> None:
    tap(qtbot, documents.rows[code], "Từ USB")
    assert documents.usb is not None
    qtbot.waitUntil(lambda: any("to-khai.pdf" in b.text()
                                for b in documents.usb.findChildren(QPushButton)),
                    timeout=10_000)


def usb_button(documents: DocumentsScreen, name: str) -> QPushButton:
    assert documents.usb is not None
    (button,) = [b for b in documents.usb.findChildren(QPushButton) if name in b.text()]
    return button


def test_a_file_from_usb_is_added_as_it_is(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    open_usb(qtbot, documents, "GCS")
    qtbot.mouseClick(usb_button(documents, "chung-sinh.png"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=10_000)
    assert documents.views.currentIndex() == 0  # back on the list
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert (gcs.file_name, gcs.kind, gcs.content_type) == ("chung-sinh.png", "png", "image/png")


def test_a_text_file_renamed_to_pdf_is_refused_in_vietnamese(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, _state = screen
    open_usb(qtbot, documents, "GCS")
    assert documents.usb is not None
    qtbot.mouseClick(usb_button(documents, "ghi-chu.pdf"), Qt.MouseButton.LeftButton)
    message = documents.usb.message
    qtbot.waitUntil(lambda: "Không dùng được" in message.text(), timeout=10_000)
    assert "không phải PDF" in message.text()
    assert tiles(documents, "GCS") == 0


def test_a_missing_required_document_blocks_going_on_and_is_named(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    problems = documents.commit(state, date(2026, 11, 24))
    assert not problems.ok
    assert [e.code for e in problems.errors] == ["missing_document"]
    assert "Giấy chứng sinh" in documents.message.text()
    assert TK_NAME not in documents.message.text()  # the kiosk writes the tờ khai itself


def test_the_tk_is_not_listed_and_the_birth_certificate_lets_the_resident_go_on(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    assert "TK" not in documents.rows  # never asked for: the kiosk writes it
    tap(qtbot, documents.rows["GCS"], "Quét bằng máy quét")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents),
                    timeout=30_000)
    assert documents.commit(state, date(2026, 11, 24)).ok
    assert documents.message.text() == ""
    assert [d.component_code for d in state.documents] == ["GCS"]


def test_clear_leaves_nothing_of_the_resident_on_screen(
    qtbot: QtBot, screen: tuple[DocumentsScreen, DraftState]
) -> None:
    documents, state = screen
    tap(qtbot, documents.rows["GCS"], "Quét bằng máy quét")
    qtbot.waitUntil(lambda: tiles(documents, "GCS") == 1 and settled(documents), timeout=30_000)
    open_usb(qtbot, documents, "KH")
    documents.commit(state, date(2026, 11, 24))
    documents.clear()
    qtbot.wait(50)  # deleteLater of the old rows
    assert documents.rows == {} and documents.documents() == []
    labels = [lb for lb in documents.findChildren(QLabel)]
    assert all(lb.pixmap().isNull() for lb in labels)
    texts = {lb.text() for lb in labels} - {""}
    assert texts == {"Thêm từng giấy tờ dưới đây: chụp bằng camera, quét bằng máy quét, hoặc "
                     "lấy tệp từ USB. Mục «Bắt buộc» phải có thì mới đi tiếp được."}
    assert documents.usb is not None and not any(
        ".pdf" in b.text() for b in documents.usb.findChildren(QPushButton))
    assert documents.capture is not None and not documents.capture.editor.has_image()
