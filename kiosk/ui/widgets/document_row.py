"""One document component on the Documents step: its name, three ways to add it, its pages.

The row only shows what it is given (``show_items``) and emits intents; the
Documents screen keeps the pages and files and decides what each tap does.
Its buttons are only the ways in that exist.  The scanner's comes last: it is
shown or hidden when the probe for a scanner answers, which must move nothing
under a finger.  The title is the component's name without its bracketed remark;
that remark and the catalogue's note wait behind «Xem thêm» beside it (the
resident read them on the details step already).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import cv2
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.catalogue import DocumentComponent
from kiosk.scanner.arrays import Frame, u8
from kiosk.scanner.usb import ImportedFile
from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button
from kiosk.ui.widgets.more import MoreText, brief, joined

TEXTS = {
    "required": "Bắt buộc",
    "optional": "Không bắt buộc",
    "camera": "Chụp bằng camera",
    "scanner": "Quét bằng máy quét",
    "usb": "Từ USB",
    "empty": "Chưa có trang nào.",
    "delete": "Xoá",
    "file": "Tệp {kind}",
}

THUMB_WIDTH = 120
THUMB_HEIGHT = 160
THUMB_PIXELS = 320  # kept per thumbnail: sharp on screen after scaling down
# A picture from a stick is decoded only if its header says at most this many pixels (the
# import's checks bound it already; a thumbnail must never be where a bomb goes off).
THUMB_SOURCE_PIXELS = 50_000_000


@dataclass(frozen=True)
class Tile:
    """What one thumbnail shows: a small picture (or none, for a file) and a caption."""

    image: QImage | None
    caption: str
    kind: str = ""


class DocumentRow(QFrame):
    camera_requested = Signal(str)  # the component code
    scan_requested = Signal(str)
    usb_requested = Signal(str)
    delete_requested = Signal(str, int)  # component code, tile index

    def __init__(
        self, component: DocumentComponent, *, camera: bool, scanner: bool, usb: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("documentRow")
        self.component = component
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        self.title = self._title()
        layout.addWidget(self.title)
        layout.addLayout(self._buttons(camera, scanner, usb))
        self.empty = plain_label(TEXTS["empty"], "muted")
        layout.addWidget(self.empty)
        self.strip = QWidget()
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.setSpacing(16)
        self.strip_layout.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.strip_scroll = scroll_area(self.strip, swipe=False)  # rows come and go
        self.strip_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.strip_scroll.setFixedHeight(THUMB_HEIGHT + 28)  # room for a scroll bar
        self.strip_scroll.hide()
        layout.addWidget(self.strip_scroll)

    def _title(self) -> MoreText:
        """The short name, and its remark and note behind «Xem thêm» (``MoreText`` lays the
        wrapped name out for the width it really has, so no line is lost)."""
        name, aside = brief(self.component.name)
        return MoreText(name, joined(aside, self.component.note), "resultTitle")

    def _badge(self) -> QLabel:
        required = self.component.required
        badge = plain_label(TEXTS["required"] if required else TEXTS["optional"],
                            "message" if required else "muted")
        badge.setWordWrap(False)
        return badge

    def _buttons(self, camera: bool, scanner: bool, usb: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        code = self.component.code
        self.camera_button = touch_button(TEXTS["camera"], "secondary",
                                          partial(self.camera_requested.emit, code))
        self.usb_button = touch_button(TEXTS["usb"], "secondary",
                                       partial(self.usb_requested.emit, code))
        self.scanner_button = touch_button(TEXTS["scanner"], "secondary",
                                           partial(self.scan_requested.emit, code))
        for button, shown in ((self.camera_button, camera), (self.usb_button, usb),
                              (self.scanner_button, scanner)):
            row.addWidget(button)
            if not shown:  # (showing one before the row has a parent would open a window)
                button.hide()
        self.status = plain_label("", "body")
        row.addWidget(self.status, 1)
        row.addWidget(self._badge(), 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def set_scanner(self, available: bool) -> None:
        """Offer the flatbed or not (the probe's answer; the last button, so nothing moves)."""
        self.scanner_button.setVisible(available)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_items(self, tiles: Sequence[Tile]) -> None:
        while (item := self.strip_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # gone at once, not only when the event loop deletes it
                widget.deleteLater()
        for index, tile in enumerate(tiles):
            self.strip_layout.addWidget(self._tile(index, tile))
        self.empty.setVisible(not tiles)
        self.strip_scroll.setVisible(bool(tiles))

    def _tile(self, index: int, tile: Tile) -> QFrame:
        """The picture, and beside it its caption and a "Xoá" button."""
        frame = QFrame()
        frame.setObjectName("pageTile")
        row = QHBoxLayout(frame)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(_picture(tile))
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addStretch(1)
        caption = plain_label(tile.caption, "muted")
        caption.setWordWrap(False)
        column.addWidget(caption)
        code = self.component.code
        column.addWidget(touch_button(TEXTS["delete"], "secondary",
                                 lambda: self.delete_requested.emit(code, index)))
        row.addLayout(column)
        return frame

    def tile_count(self) -> int:
        return self.strip_layout.count()


def page_thumbnail(page: Frame) -> QImage:
    scale = THUMB_PIXELS / page.shape[0]
    small = u8(cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    return _qimage(small)


def file_thumbnail(item: ImportedFile) -> QImage | None:
    """A picture for image files; PDFs and Word files show their kind instead.  The size
    is read from the header first, and the picture decoded straight to thumbnail size."""
    if item.kind.value not in ("jpeg", "png"):
        return None
    buffer = QBuffer()
    buffer.setData(QByteArray(item.data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isEmpty() or size.width() * size.height() > THUMB_SOURCE_PIXELS:
        return None
    reader.setScaledSize(size.scaled(QSize(size.width(), THUMB_PIXELS),
                                     Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def _qimage(image: Frame) -> QImage:
    if image.ndim == 2:
        fmt, data = QImage.Format.Format_Grayscale8, image
    else:
        fmt, data = QImage.Format.Format_RGB888, u8(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    data = u8(data.copy(order="C"))
    height, width = data.shape[:2]
    return QImage(data.data, width, height, data.strides[0], fmt).copy()


def _picture(tile: Tile) -> QLabel:
    picture = QLabel()
    picture.setObjectName("thumbnail")
    picture.setFixedSize(THUMB_WIDTH, THUMB_HEIGHT)
    picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
    if tile.image is not None:
        picture.setPixmap(QPixmap.fromImage(tile.image).scaled(
            THUMB_WIDTH, THUMB_HEIGHT, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
    else:
        picture.setText(TEXTS["file"].format(kind=tile.kind.upper()))
        picture.setWordWrap(True)
    return picture
