"""QR codes on screen, drawn by zxing-cpp: crisp modules, scaled without blur."""

from __future__ import annotations

import numpy as np
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap


def qr_pixmap(text: str, pixels: int) -> QPixmap:
    """``text`` as a QR code with its quiet zone, about ``pixels`` wide."""
    matrix = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(
        scale=1, add_quiet_zones=True)
    array = np.ascontiguousarray(np.asarray(matrix, dtype=np.uint8))
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(image.scaled(pixels, pixels, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))
