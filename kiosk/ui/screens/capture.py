"""Photographing one paper: live preview with the page outline, auto-capture, corner fallback.

Live: the camera's picture with the outline found, a hint in Vietnamese
("Ảnh bị mờ…"), and once a good page has been still for about 1.5 s, "Giữ
yên… 2, 1" and the page is taken by itself, flattened and added; the kept page
is shown for a moment, then the camera is live for the next one.  "Chụp" takes
it at once.  Dragging the four corners is the fallback, not a step: the editor
opens only when no outline was found, when flattening failed, or on «Chỉnh góc
bằng tay».

The buttons never change meaning under a finger: one row, the same four
labels in the same places whatever happens (an auto-capture may land while a
finger is on its way), each disabled while its action is unavailable; «Xong»
(back to the list) at the far end of the row.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

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
    "manual": "Chỉnh góc bằng tay",
    "accept": "Dùng ảnh này",
    "retake": "Chụp lại",
    "done": "Xong",
    "holding": "Giữ yên… {seconds}",
    "adjust": "Kéo bốn chấm tròn vào đúng bốn góc tờ giấy, rồi chạm «Dùng ảnh này».",
    "not_found": "Không thấy rõ mép tờ giấy. Kéo bốn chấm tròn vào bốn góc tờ giấy rồi "
    "chạm «Dùng ảnh này», hoặc chạm «Chụp lại».",
    "working": "Đang làm phẳng và làm rõ trang giấy, xin chờ…",
    "kept": "Đã thêm trang. Đặt trang tiếp theo vào, hoặc chạm «Xong».",
    "failed": "Chưa xử lý được ảnh này. Xin chỉnh góc hoặc chụp lại.",
}

LIVE, STILL = 0, 1
SIDE_WIDTH = 440  # the hint column: wide enough for a hint in two or three lines
KEPT_SECONDS = 1.5  # the page just added stays in view this long before the camera is back
LIVE_MODE, WORKING_MODE, EDITOR_MODE = "live", "working", "editor"


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
        self._kept_until = 0.0  # previews wait while the page just added is shown
        self.mode = LIVE_MODE
        self.camera = PageCamera(open_source, self)
        self.camera.preview.connect(self._show_preview)
        self.camera.hint.connect(self._show_hint)
        self.camera.countdown.connect(self._show_countdown)
        self.camera.captured.connect(self._show_still)
        self.camera.failed.connect(self._show_failure)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.heading = plain_label("", "resultTitle")  # across the screen: a long name wraps
        layout.addWidget(self.heading)
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
        self._set_mode(LIVE_MODE)

    def _texts(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        self.hint = plain_label("", "status")
        self.holding = plain_label("", "status")
        self.count = plain_label("", "muted")
        self.message = plain_label("", "message")
        for label in (self.hint, self.holding, self.count, self.message):
            label.setFixedWidth(SIDE_WIDTH)
            column.addWidget(label)
        self.message.hide()
        column.addStretch(1)
        return column

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        self.capture_button = touch_button(TEXTS["capture"], "primary", self.camera.capture)
        self.manual_button = touch_button(TEXTS["manual"], "secondary", self._manual)
        self.accept_button = touch_button(TEXTS["accept"], "secondary", self._accept)
        self.retake_button = touch_button(TEXTS["retake"], "secondary", self._retake)
        for button in self.row_buttons():
            row.addWidget(button)
        row.addStretch(1)
        self.done_button = touch_button(TEXTS["done"], "secondary", self.done_requested.emit)
        row.addWidget(self.done_button)  # back to the list: always there, at the far end
        return row

    def row_buttons(self) -> tuple[QPushButton, ...]:
        """The capture row, left to right: always these four, in this order."""
        return (self.capture_button, self.manual_button, self.accept_button,
                self.retake_button)

    def _set_mode(self, mode: str) -> None:
        """Enable what ``mode`` can do; labels and places never change."""
        self.mode = mode
        self.capture_button.setEnabled(mode == LIVE_MODE)
        self.manual_button.setEnabled(mode == LIVE_MODE)
        self.accept_button.setEnabled(mode == EDITOR_MODE)
        self.retake_button.setEnabled(mode == EDITOR_MODE)
        self.count.setVisible(mode != EDITOR_MODE)  # room for the editor's instructions

    # -- from the documents screen -------------------------------------------------------

    def start(self, component_name: str, pages: int) -> None:
        """Show the live camera for one document component that already has ``pages``."""
        self._generation += 1
        self._still = None
        self._kept_until = 0.0
        self.heading.setText(TEXTS["heading"].format(name=component_name))
        self.set_page_count(pages)
        self.hint.setText(TEXTS["starting"])
        self.holding.clear()
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
        self._kept_until = 0.0
        for label in (self.heading, self.hint, self.holding, self.count):
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
        self._set_mode(LIVE_MODE)

    def _show_preview(self, image: QImage) -> None:
        if self.views.currentIndex() == LIVE and time.monotonic() >= self._kept_until:
            self.live.set_image(image)

    def _show_hint(self, text: str) -> None:
        if self.mode == LIVE_MODE:
            self.hint.setText(text)

    def _show_countdown(self, seconds: int) -> None:
        shown = self.mode == LIVE_MODE and seconds > 0
        self.holding.setText(TEXTS["holding"].format(seconds=seconds) if shown else "")

    def _show_failure(self, text: str) -> None:
        self.hint.clear()
        self.holding.clear()
        self._say(text)

    def _manual(self) -> None:
        self.camera.capture(manual=True)

    # -- a still: kept at once, or into the corner editor --------------------------------

    def _show_still(self, still: Still) -> None:
        self._still = still
        self.holding.clear()
        self._say("")
        if still.found and not still.manual:
            self._flatten(still.frame, still.corners, fallback=True)
        else:
            self._open_editor(still, TEXTS["adjust"] if still.found else TEXTS["not_found"])

    def _open_editor(self, still: Still, hint: str) -> None:
        self._still = still
        height, width = still.frame.shape[:2]
        self.editor.set_still(frame_image(still.frame), (width, height), still.corners)
        self.views.setCurrentIndex(STILL)
        self.hint.setText(hint)
        self._set_mode(EDITOR_MODE)

    def _retake(self) -> None:
        self._still = None
        self.editor.clear()
        self._say("")
        self.hint.clear()
        self._go_live()
        self.camera.resume(rearm=True)

    def _accept(self) -> None:
        if self._still is not None and self.mode == EDITOR_MODE:
            self._flatten(self._still.frame, self.editor.corners(), fallback=False)

    def _flatten(self, frame: Frame, corners: Points, *, fallback: bool) -> None:
        """Flatten on the runner; ``fallback``: a failure opens the corner editor."""
        generation = self._generation
        self._set_mode(WORKING_MODE)
        self.hint.setText(TEXTS["working"])
        self._runner.submit(lambda: flatten(frame, corners),
                            lambda page: self._accepted(generation, page),
                            lambda error: self._refused(generation, error, fallback))

    def _accepted(self, generation: int, page: Frame) -> None:
        if generation != self._generation:
            return
        self._still = None
        self.editor.clear()
        self._go_live()
        self.live.set_image(frame_image(page))  # what was kept, for a moment
        self._kept_until = time.monotonic() + KEPT_SECONDS
        self.hint.setText(TEXTS["kept"])
        self.page_ready.emit(page)
        self.camera.resume(rearm=False)  # the same page is still on the desk

    def _refused(self, generation: int, error: BaseException, fallback: bool) -> None:
        if generation != self._generation:
            return
        self._say(error.message if isinstance(error, DomainError) else TEXTS["failed"])
        if fallback and self._still is not None:
            self._open_editor(self._still, TEXTS["adjust"])
        else:
            self.hint.setText(TEXTS["adjust"])
            self._set_mode(EDITOR_MODE)


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
