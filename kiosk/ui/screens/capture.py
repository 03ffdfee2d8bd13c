"""Photographing one paper: live preview with the page outline, auto-capture, corner drag.

Live: the camera's picture with the outline found, a hint in Vietnamese
("Ảnh bị mờ…"), and the page is taken by itself once it has been still and
sharp for about a second; "Chụp" takes it at once, "Dùng cả khung hình" takes
the whole picture.  Still: the photo with four big corner handles to drag,
"Chụp lại" to go back to live, "Dùng ảnh này" to keep it.  Flattening and
cleaning the page happen on the background runner; the finished page goes out
by ``page_ready`` and the camera comes back live for the next page.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.errors import DomainError
from kiosk.scanner.arrays import Frame, Points
from kiosk.scanner.frames import FrameSource
from kiosk.scanner.warp import finish_page, manual_corners, whole_frame
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.widgets.basics import plain_label, touch_button
from kiosk.ui.widgets.corner_editor import CornerEditor, ImageView
from kiosk.ui.widgets.page_camera import PageCamera, Still

TEXTS = {
    "heading": "Chụp: {name}",
    "starting": "Đang mở camera…",
    "pages": "Đã chụp {count} trang cho giấy tờ này.",
    "no_pages": "Chưa chụp trang nào cho giấy tờ này.",
    "capture": "Chụp",
    "whole": "Dùng cả khung hình",
    "done": "Xong, quay lại danh sách",
    "accept": "Dùng ảnh này",
    "retake": "Chụp lại",
    "adjust": "Kéo bốn chấm tròn vào đúng bốn góc tờ giấy, rồi chạm «Dùng ảnh này».",
    "working": "Đang làm phẳng và làm rõ trang giấy, xin chờ…",
    "kept": "Đã thêm trang. Đặt trang tiếp theo vào, hoặc chạm «Xong».",
    "failed": "Chưa xử lý được ảnh này. Xin chụp lại.",
}

LIVE, STILL = 0, 1
SIDE_WIDTH = 440  # the hint column: wide enough for a hint in two or three lines


class CaptureScreen(QWidget):
    page_ready = Signal(object)  # the finished page image (numpy, gray)
    done_requested = Signal()

    def __init__(
        self, open_source: Callable[[], FrameSource], runner: BackgroundRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("capture")
        self._runner = runner
        self._still: Still | None = None
        self._generation = 0  # answers from the runner for an abandoned capture are dropped
        self.camera = PageCamera(open_source, self)
        self.camera.preview.connect(self._show_preview)
        self.camera.hint.connect(self._show_hint)
        self.camera.captured.connect(self._show_still)
        self.camera.failed.connect(self._show_failure)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        top = QHBoxLayout()
        top.setSpacing(24)
        self.views = QStackedWidget()
        self.live = ImageView()
        self.editor = CornerEditor()
        self.views.addWidget(self.live)
        self.views.addWidget(self.editor)
        top.addWidget(self.views, 1)
        top.addLayout(self._texts(), 0)
        layout.addLayout(top, 1)
        layout.addLayout(self._buttons())
        self._go_live()  # only one set of buttons at a time, from the start (minimum width)

    def _texts(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        self.heading = plain_label("", "resultTitle")
        self.hint = plain_label("", "status")
        self.count = plain_label("", "muted")
        self.message = plain_label("", "message")
        for label in (self.heading, self.hint, self.count, self.message):
            label.setFixedWidth(SIDE_WIDTH)
            column.addWidget(label)
        self.message.hide()
        column.addStretch(1)
        return column

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        self.capture_button = touch_button(TEXTS["capture"], "primary", self.camera.capture)
        self.accept_button = touch_button(TEXTS["accept"], "primary", self._accept)
        self.retake_button = touch_button(TEXTS["retake"], "secondary", self._retake)
        self.whole_button = touch_button(TEXTS["whole"], "secondary", self._use_whole)
        self.done_button = touch_button(TEXTS["done"], "secondary", self.done_requested.emit)
        for button in (self.accept_button, self.capture_button, self.retake_button,
                       self.whole_button, self.done_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- from the documents screen -------------------------------------------------------

    def start(self, component_name: str, pages: int) -> None:
        """Show the live camera for one document component that already has ``pages``."""
        self._generation += 1
        self._still = None
        self.heading.setText(TEXTS["heading"].format(name=component_name))
        self.set_page_count(pages)
        self.hint.setText(TEXTS["starting"])
        self._say("")
        self._go_live()
        self.camera.start()

    def set_page_count(self, pages: int) -> None:
        self.count.setText(TEXTS["pages"].format(count=pages) if pages else TEXTS["no_pages"])

    def stop(self) -> None:
        self.camera.stop()

    def clear(self) -> None:
        """Forget the photo and every text (the session wipe)."""
        self.stop()
        self._generation += 1
        self._still = None
        for label in (self.heading, self.hint, self.count):
            label.clear()
        self._say("")
        self.live.clear()
        self.editor.clear()
        self._go_live()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- live ------------------------------------------------------------------------

    def _go_live(self) -> None:
        self.views.setCurrentIndex(LIVE)
        self._show_buttons(live=True)
        self.accept_button.setEnabled(True)

    def _show_buttons(self, *, live: bool) -> None:
        """Hide the other set first, so the row never needs room for all five at once."""
        live_set, still_set = (self.capture_button, self.done_button), \
            (self.accept_button, self.retake_button)
        for button in still_set if live else live_set:
            button.hide()
        for button in live_set if live else still_set:
            button.show()
        self.updateGeometry()

    def _show_preview(self, image: QImage) -> None:
        if self.views.currentIndex() == LIVE:
            self.live.set_image(image)

    def _show_hint(self, text: str) -> None:
        if self.views.currentIndex() == LIVE:
            self.hint.setText(text)

    def _show_failure(self, text: str) -> None:
        self.hint.clear()
        self._say(text)

    def _use_whole(self) -> None:
        if self.views.currentIndex() == STILL and self._still is not None:
            self.editor.set_corners(whole_frame(self._still.frame))
        else:
            self.camera.capture(whole=True)

    # -- still -----------------------------------------------------------------------

    def _show_still(self, still: Still) -> None:
        self._still = still
        height, width = still.frame.shape[:2]
        self.editor.set_still(frame_image(still.frame), (width, height), still.corners)
        self.views.setCurrentIndex(STILL)
        self.hint.setText(TEXTS["adjust"])
        self._say("")
        self._show_buttons(live=False)

    def _retake(self) -> None:
        self._still = None
        self.editor.clear()
        self._say("")
        self.hint.clear()
        self._go_live()
        self.camera.resume(rearm=True)

    def _accept(self) -> None:
        if self._still is None:
            return
        frame, corners = self._still.frame, self.editor.corners()
        generation = self._generation
        self.accept_button.setEnabled(False)
        self.hint.setText(TEXTS["working"])
        self._runner.submit(lambda: flatten(frame, corners),
                            lambda page: self._accepted(generation, page),
                            lambda error: self._refused(generation, error))

    def _accepted(self, generation: int, page: Frame) -> None:
        if generation != self._generation:
            return
        self._still = None
        self.editor.clear()
        self._go_live()
        self.hint.setText(TEXTS["kept"])
        self.page_ready.emit(page)
        self.camera.resume(rearm=False)  # the same page is still on the desk

    def _refused(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.accept_button.setEnabled(True)
        self.hint.setText(TEXTS["adjust"])
        self._say(error.message if isinstance(error, DomainError) else TEXTS["failed"])


def flatten(frame: Frame, corners: Points) -> Frame:
    """The page cut along ``corners``, flattened and cleaned (runs on the runner)."""
    whole = bool(np.allclose(corners, whole_frame(frame), atol=2.0))
    ordered = manual_corners(corners, frame.shape)
    return finish_page(frame, ordered, straighten=whole)


def frame_image(frame: Frame) -> QImage:
    """A full-size RGB copy of a BGR or gray frame."""
    code = cv2.COLOR_GRAY2RGB if frame.ndim == 2 else cv2.COLOR_BGR2RGB
    rgb = np.ascontiguousarray(cv2.cvtColor(frame, code))
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()
