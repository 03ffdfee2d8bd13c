"""A real kiosk behind the window: temp data dir, migrated database, shipped catalogue.

Outside devices are at the boundary: the printer records the PDFs it is given
(the real CUPS path is tested in tests/receipts), and the camera plays a video
file of a printed receipt, as a webcam would show it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.receipts.errors import PrintError
from kiosk.receipts.raster import rasterize_pdf
from kiosk.receipts.service import ReceiptPrinter
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.ui import theme
from kiosk.ui.context import UiServices
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support.kiosk import Kiosk, open_kiosk
from tests.support.touch import open_window


class RecordingPrinter:
    """Stands where the printer is: keeps what it was asked to print, or fails like one."""

    def __init__(self) -> None:
        self.printed: list[bytes] = []
        self.fail_with: PrintError | None = None

    def __call__(self, pdf: bytes) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.printed.append(pdf)


def slip_video(path: Path, slip_pdf: bytes, frames: int = 12) -> Path:
    """A 1280×720 video of the top of a printed slip lying on a desk, as a webcam sees it."""
    page = rasterize_pdf(slip_pdf, width_px=520)[0]
    grey = np.frombuffer(page.pixels, np.uint8).reshape(page.height, page.width)
    top = cv2.cvtColor(grey[:680], cv2.COLOR_GRAY2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, (1280, 720))
    for _ in range(frames):
        frame = np.full((720, 1280, 3), (60, 90, 120), np.uint8)
        frame[20:20 + top.shape[0], 380:380 + top.shape[1]] = top
        writer.write(frame)
    writer.release()
    return path


def services_for(backend: Kiosk, printer: Callable[[bytes], None] | None = None,
                 **devices: Any) -> UiServices:
    """The UI's services on ``backend``: slips go to ``printer`` (or nowhere); ``devices``
    are UiServices' keyword arguments (open_camera, open_scanner, usb_root, submitter)."""
    submitter = devices.pop("submitter", backend.submitter)
    receipts = ReceiptPrinter(backend.runtime.config, printer or (lambda _pdf: None))
    return UiServices(backend.runtime.config, backend.catalogue, backend.queue, submitter,
                      backend.clock, print_receipt=receipts.print, office=backend.office,
                      **devices)


@pytest.fixture(autouse=True)
def widgets_deleted(qapp: QApplication) -> Iterator[None]:
    """What a test built is deleted before the next test starts, not left to some later
    event loop: whole windows piled up, and every restyle (each new window, the text size)
    re-polished them all, so GUI tests got slower and slower.  Set up before ``qtbot`` and
    the kiosk, so this runs after pytest-qt has closed the test's widgets (deleteLater) and
    after ``Navigator.shutdown`` or the runner's shutdown has dropped late job answers."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture(scope="session")
def fonts(qapp: QApplication) -> None:
    theme.load_fonts()


@pytest.fixture(autouse=True)
def themed(qapp: QApplication, fonts: None) -> None:
    """Every screen is tested under the kiosk's own fonts and stylesheet, as residents see it
    first: at the normal size, whatever size an earlier test left the application in."""
    normal = theme.Metrics(theme.TextSize.NORMAL.value)
    font = qapp.font()
    if (qapp.styleSheet() != theme.stylesheet(normal) or font.family() != theme.FAMILY
            or font.pointSize() != normal.body):
        theme.apply(qapp, theme.TextSize.NORMAL)


@pytest.fixture
def metrics(qapp: QApplication) -> Iterator[theme.Metrics]:
    """The normal text size's metrics; the theme is put back if a test changed it."""
    font, sheet = qapp.font(), qapp.styleSheet()
    yield theme.apply(qapp, theme.TextSize.NORMAL)
    if qapp.styleSheet() != sheet:  # the same sheet again would only re-polish every widget
        qapp.setStyleSheet(sheet)
    if qapp.font() != font:
        qapp.setFont(font)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Kiosk]:
    kiosk = open_kiosk(tmp_path / "kiosk")
    yield kiosk
    kiosk.close()


@pytest.fixture
def printer() -> RecordingPrinter:
    return RecordingPrinter()


@pytest.fixture
def camera_video(tmp_path: Path) -> list[Path]:
    """Put a video path in the list to give the kiosk a camera that plays it."""
    return []


@pytest.fixture
def kiosk(
    qtbot: QtBot, qapp: QApplication, backend: Kiosk, printer: RecordingPrinter,
    camera_video: list[Path],
) -> Iterator[tuple[MainWindow, Navigator]]:
    def open_camera() -> FrameSource:
        return VideoFileSource(camera_video[0], loop=True)

    services = services_for(backend, printer,
                            open_camera=open_camera if camera_video else None)
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    navigator.shutdown()
