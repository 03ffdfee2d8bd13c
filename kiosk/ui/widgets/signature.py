"""A pad to sign with a finger: strokes drawn with touch or mouse, exported as a PNG.

Touch screens deliver a finger as mouse events when the widget does not take
touch events itself, so one set of mouse handlers serves both.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageWriter,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.theme import INK, MUTED, PAPER

PEN_WIDTH = 5
# A tap that barely moves is not a signature stroke worth keeping.
MIN_STROKE_POINTS = 2


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature")
        self.setMinimumSize(QSize(480, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False

    def is_empty(self) -> bool:
        return not any(len(stroke) >= MIN_STROKE_POINTS for stroke in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._drawing = False
        self.update()
        self.changed.emit()

    def to_png(self) -> bytes | None:
        """The signature in black on white at the pad's size, or None when nothing is drawn."""
        if self.is_empty():
            return None
        image = QImage(self.size(), QImage.Format.Format_RGB32)
        image.fill(QColor(PAPER))
        painter = QPainter(image)
        self._draw_strokes(painter, QColor("#000000"))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        written = QImageWriter(buffer, QByteArray(b"PNG")).write(image)
        buffer.close()
        if not written:
            return None
        return bytes(data.data())

    # --- input ---------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = True
            self._strokes.append([event.position()])
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._strokes[-1].append(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing and event.button() == Qt.MouseButton.LeftButton:
            self._drawing = False
            self._strokes[-1].append(event.position())
            self.update()
            self.changed.emit()

    # --- drawing -------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(PAPER))
        painter.setPen(QPen(QColor(MUTED), 3, Qt.PenStyle.DashLine))
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        baseline = round(self.height() * 0.75)
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        self._draw_strokes(painter, QColor(INK))
        painter.end()

    def _draw_strokes(self, painter: QPainter, colour: QColor) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(colour, PEN_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self._strokes:
            if len(stroke) < MIN_STROKE_POINTS:
                continue
            path = QPainterPath(stroke[0])
            for point in stroke[1:]:
                path.lineTo(point)
            painter.drawPath(path)
