"""Pictures that keep their proportions, and the still whose four page corners a finger drags.

``ImageView`` paints an image as large as fits, centred, never stretched.
``CornerEditor`` adds the page outline and four round handles (64 px across,
bigger than a fingertip) that follow a drag; corners are kept in the frame's
own pixels, so what the resident sets is exactly what the page is cut along.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.scanner.arrays import Points, f32
from kiosk.ui import theme

HANDLE_DIAMETER = 64
GRAB_RADIUS = 56  # a finger landing near a handle takes it


class ImageView(QWidget):
    """An image drawn at the largest size that fits, with its aspect kept."""

    margin = 0  # pixels kept free around the image

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 270)

    def sizeHint(self) -> QSize:
        return QSize(640, 360)  # small: it grows into whatever room the screen has

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.update()

    def clear(self) -> None:
        self._image = QImage()
        self.update()

    def has_image(self) -> bool:
        return not self._image.isNull()

    def image_rect(self) -> QRectF:
        """Where the image is drawn inside the widget."""
        if self._image.isNull():
            return QRectF()
        room_w, room_h = self.width() - 2 * self.margin, self.height() - 2 * self.margin
        scale = max(0.01, min(room_w / self._image.width(), room_h / self._image.height()))
        w, h = self._image.width() * scale, self._image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202020"))
        if not self._image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.image_rect(), self._image)
        self.paint_over(painter)
        painter.end()

    def paint_over(self, painter: QPainter) -> None:
        """Subclasses draw on top of the image here."""


class CornerEditor(ImageView):
    """The captured still with four draggable corners (TL, TR, BR, BL, in frame pixels)."""

    margin = HANDLE_DIAMETER // 2  # a handle on the frame's edge is still whole on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame_size = (1, 1)  # width, height of the frame the corners belong to
        self._corners = f32(np.zeros((4, 2)))
        self._dragging: int | None = None

    def set_still(self, image: QImage, frame_size: tuple[int, int], corners: Points) -> None:
        self._frame_size = frame_size
        self._corners = f32(corners).copy()
        self.set_image(image)

    def set_corners(self, corners: Points) -> None:
        self._corners = f32(corners).copy()
        self.update()

    def corners(self) -> Points:
        return self._corners.copy()

    def clear(self) -> None:
        self._corners = f32(np.zeros((4, 2)))
        self._dragging = None
        super().clear()

    def handle_centres(self) -> list[QPointF]:
        """Where the four handles are on screen (tests tap and drag these)."""
        return [self._to_widget(float(x), float(y)) for x, y in self._corners]

    def _scale(self) -> float:
        rect = self.image_rect()
        return rect.width() / self._frame_size[0] if rect.width() else 1.0

    def _to_widget(self, x: float, y: float) -> QPointF:
        rect, scale = self.image_rect(), self._scale()
        return QPointF(rect.left() + x * scale, rect.top() + y * scale)

    def _to_frame(self, point: QPointF) -> tuple[float, float]:
        rect, scale = self.image_rect(), self._scale()
        x = (point.x() - rect.left()) / scale
        y = (point.y() - rect.top()) / scale
        return (min(max(x, 0.0), self._frame_size[0] - 1.0),
                min(max(y, 0.0), self._frame_size[1] - 1.0))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.has_image():
            return
        where = event.position()
        distances = [np.hypot(c.x() - where.x(), c.y() - where.y())
                     for c in self.handle_centres()]
        nearest = int(np.argmin(distances))
        self._dragging = nearest if distances[nearest] <= GRAB_RADIUS else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging is None:
            return
        self._corners[self._dragging] = self._to_frame(event.position())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = None

    def paint_over(self, painter: QPainter) -> None:
        if not self.has_image():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        centres = self.handle_centres()
        painter.setPen(QPen(QColor(theme.PRIMARY), 5))
        painter.setBrush(QColor(11, 79, 156, 40))
        painter.drawPolygon(QPolygonF(centres))
        radius = HANDLE_DIAMETER / 2
        for number, centre in enumerate(centres):
            active = number == self._dragging
            painter.setPen(QPen(QColor(theme.PAPER), 4))
            painter.setBrush(QColor(theme.DANGER if active else theme.PRIMARY))
            painter.drawEllipse(centre, radius, radius)
