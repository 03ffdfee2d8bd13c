"""A PDF page as an image (QtPdf), for the declaration step and the official's view.

Pure function of bytes: safe on a worker thread (QImage, not QPixmap), so
callers run it through the BackgroundRunner and never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument

from kiosk.declarations.service import sealed_declaration
from kiosk.store.queue import DossierQueue

PAGE_GAP = 16  # px between stacked pages


def pdf_page_images(pdf: bytes, width_px: int, trim_pt: tuple[float, float] = (0.0, 0.0)
                    ) -> list[QImage]:
    """Every page of ``pdf`` rendered ``width_px`` wide (none if unreadable).

    ``trim_pt`` (left, right) cuts the pages' side margins off, so the text
    itself fills the width: a screen has less room than paper.
    """
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    try:
        if document.status() != QPdfDocument.Status.Ready:
            return []
        images = []
        for page in range(document.pageCount()):
            size = document.pagePointSize(page)
            scale = width_px / max(size.width() - sum(trim_pt), 1.0)
            full = document.render(page, QSize(round(size.width() * scale),
                                               round(size.height() * scale)))
            images.append(full.copy(round(trim_pt[0] * scale), 0, width_px, full.height()))
        return images
    finally:
        document.close()
        buffer.close()


def pdf_page_image(pdf: bytes, width_px: int, trim_pt: tuple[float, float] = (0.0, 0.0)
                   ) -> QImage:
    """All pages of ``pdf`` one under another on grey, ``width_px`` wide (null if unreadable)."""
    pages = pdf_page_images(pdf, width_px, trim_pt)
    if not pages:
        return QImage()
    height = sum(p.height() for p in pages) + PAGE_GAP * (len(pages) - 1)
    sheet = QImage(width_px, height, QImage.Format.Format_RGB32)
    sheet.fill(QColor("#9e9e9e"))
    painter = QPainter(sheet)
    y = 0
    for page in pages:
        painter.fillRect(0, y, page.width(), page.height(), QColor("#ffffff"))
        painter.drawImage(0, y, page)
        y += page.height() + PAGE_GAP
    painter.end()
    return sheet


def sealed_declaration_image(queue: DossierQueue, code: str, width_px: int) -> QImage | None:
    """The generated tờ khai of sealed dossier ``code`` as an image, for the official's side."""
    pdf = sealed_declaration(queue, code)
    return None if pdf is None else pdf_page_image(pdf, width_px)
