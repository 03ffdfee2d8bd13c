"""What the documents step holds for one document component: its pages and its files.

Photographed and scanned pages of a component become one PDF (the screen has it
assembled on the runner; ``version`` lets it drop an older assembly), files from
a USB stick are kept as they were imported.  The draft's documents and the
tiles of the component's row are made from here.  A component the kiosk writes
itself (``generated``) is not the step's to show or drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from PySide6.QtGui import QImage

from kiosk.domain.catalogue import DocumentComponent, Procedure
from kiosk.domain.draft import DraftDocument
from kiosk.draft_file import CONTENT_TYPES
from kiosk.scanner.arrays import Frame
from kiosk.scanner.assemble import AssembledPdf
from kiosk.scanner.usb import ImportedFile
from kiosk.ui.widgets.document_row import Tile, page_thumbnail


@dataclass
class Papers:
    """What one component holds: pages that make one PDF, and files kept as they are."""

    component: DocumentComponent
    pages: list[Frame] = field(default_factory=list)
    thumbs: list[QImage] = field(default_factory=list)
    files: list[DraftDocument] = field(default_factory=list)
    file_thumbs: list[QImage | None] = field(default_factory=list)
    pdf: AssembledPdf | None = None
    version: int = 0  # bumped on every page change: an older assembly is dropped
    jobs: int = 0  # scans and assemblies under way

    def documents(self) -> list[DraftDocument]:
        """The component's files: its pages as one PDF (once assembled), then its files."""
        code = self.component.code
        found = []
        if self.pdf is not None:
            found.append(DraftDocument(code, f"{code.lower()}.pdf", "pdf", "application/pdf",
                                       self.pdf.data, self.pdf.page_count))
        found.extend(self.files)
        return found

    def add_page(self, page: Frame) -> None:
        self.pages.append(page)
        self.thumbs.append(page_thumbnail(page))

    def add_files(self, found: list[ImportedFile], thumbs: list[QImage | None]) -> None:
        for item, thumb in zip(found, thumbs, strict=True):
            self.files.append(DraftDocument(
                self.component.code, item.name, item.kind.value,
                CONTENT_TYPES[item.kind.value], item.data, item.pages or 1))
            self.file_thumbs.append(thumb)

    def remove(self, index: int) -> Literal["page", "file", ""]:
        """Delete a tile: a page (by its place) or, after the pages, a file; which it was."""
        if index < len(self.pages):
            del self.pages[index]
            del self.thumbs[index]
            return "page"
        if index - len(self.pages) < len(self.files):
            del self.files[index - len(self.pages)]
            del self.file_thumbs[index - len(self.pages)]
            return "file"
        return ""

    def tiles(self, page: str) -> list[Tile]:
        """The row's thumbnails: the pages, captioned ``page`` with their number, then the files."""
        tiles = [Tile(thumb, page.format(number=n)) for n, thumb in enumerate(self.thumbs, start=1)]
        tiles += [Tile(thumb, _short(doc.file_name), doc.kind)
                  for doc, thumb in zip(self.files, self.file_thumbs, strict=True)]
        return tiles


def generated(procedure: Procedure, documents: list[DraftDocument]) -> list[DraftDocument]:
    """The draft's files of components the kiosk writes itself: not this step's to drop."""
    codes = {c.code for c in procedure.documents if getattr(c, "generated", False)}
    return [d for d in documents if d.component_code in codes]


def _short(name: str, limit: int = 12) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"
