"""Step "Giấy tờ kèm theo": every document component of the procedure, and its pages.

One row per component the resident brings (required ones marked "Bắt buộc";
a component the kiosk writes itself, ``generated``, is not listed), each with
the ways in that exist: the camera (the capture view: outline, auto-capture,
corner drag as a fallback), a file from a USB stick («Xin cắm USB» until one is
in), and the flatbed scanner (``scanimage`` through ``scanner_factory``) only
once a probe on the runner has found one (``ScannerAvailability``).
Photographed and scanned pages of one component become one PDF
(``assemble_pdf``, re-made on the background runner whenever a page is added
or deleted); USB files are kept as they were imported.  ``commit`` writes the
documents into the draft and refuses to go on while a required one is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QImage
from PySide6.QtWidgets import QFrame, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.catalogue import Procedure
from kiosk.domain.draft import DraftDocument, check_documents
from kiosk.domain.errors import DomainError, Problems, ValidationError
from kiosk.scanner.arrays import Frame
from kiosk.scanner.assemble import AssembledPdf, assemble_pdf
from kiosk.scanner.availability import ScannerAvailability, probe_scanner
from kiosk.scanner.sane import Scanner, scan_page
from kiosk.scanner.usb import ImportedFile
from kiosk.ui.context import UiServices
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner, Lane
from kiosk.ui.screens.capture import CaptureScreen
from kiosk.ui.screens.document_papers import Papers, generated
from kiosk.ui.widgets.basics import plain_label, scroll_area
from kiosk.ui.widgets.document_row import DocumentRow, file_thumbnail
from kiosk.ui.widgets.more import KeepInView
from kiosk.ui.widgets.usb_picker import UsbPicker
from kiosk.ui.wizard import StepScreen

TEXTS = {
    "title": "Giấy tờ kèm theo",
    "prompt": "Thêm từng giấy tờ dưới đây; giấy «Bắt buộc» phải có.",
    "page": "Trang {number}",
    "scanning": "Đang quét, xin chờ…",
    "scanned": "Đã quét xong.",
    "scan_failed": "Máy quét chưa quét được. Xin thử lại hoặc gọi cán bộ hỗ trợ.",
    "assembling": "Đang ghép các trang…",
    "assemble_failed": "Chưa ghép được các trang thành tệp. Xin xoá trang vừa thêm rồi thử lại.",
    "busy": "Kiosk đang xử lý giấy tờ, xin chờ vài giây rồi chạm «Tiếp tục» lại.",
    "kind": "«{component}» chỉ nhận tệp {allowed}; tệp {file} là {kind}.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Xin thêm các giấy tờ kèm theo. Đặt giấy trước camera để chụp, hoặc quét bằng "
        "máy quét, hoặc lấy tệp từ USB: chạm nút dưới tên của giấy tờ đó. Giấy tờ ghi Bắt buộc "
        "phải có thì mới đi tiếp được. Muốn đọc lại giải thích của một giấy tờ, chạm nút Xem "
        "thêm bên cạnh tên của nó. Xong, chạm Tiếp tục.",
}

LIST, CAMERA, USB = "list", "camera", "usb"
# Time limits on the runner's files lane (a stuck scanner or a hostile file never holds up
# sealing, printing or Track; the session wipe drops these answers).
SCAN_SECONDS = 180.0  # a flatbed page at the kiosk's resolution takes well under a minute
PROBE_SECONDS = 30.0
THUMB_SECONDS = 30.0
ASSEMBLE_SECONDS = 60.0
NO_DEVICE = frozenset(("scanner_none", "scanner_missing"))  # a scan that shows none is there


class DocumentsScreen(StepScreen):
    title = TEXTS["title"]

    def __init__(
        self, services: UiServices, runner: BackgroundRunner,
        scanner_factory: Callable[[], Scanner] | None, usb_root: Path | None,
    ) -> None:
        super().__init__()
        self.setObjectName("documents")
        self._runner = runner
        self._scanner_factory = scanner_factory
        self.scanner = ScannerAvailability()
        self._procedure: Procedure | None = None
        self._papers: dict[str, Papers] = {}
        self.rows: dict[str, DocumentRow] = {}
        self._target: str | None = None  # the component the camera or USB view adds to
        self.views = QStackedWidget()
        self._indexes: dict[str, int] = {LIST: self.views.addWidget(self._list_view())}
        self.capture: CaptureScreen | None = None
        if services.open_camera is not None:
            self.capture = CaptureScreen(services.open_camera, runner)
            self.capture.page_ready.connect(self._add_captured)
            self.capture.done_requested.connect(self.show_list)
            self._indexes[CAMERA] = self.views.addWidget(self.capture)
        self.usb: UsbPicker | None = None
        if usb_root is not None:
            self.usb = UsbPicker(usb_root, runner)
            self.usb.files_chosen.connect(self._add_files)
            self.usb.back_requested.connect(self.show_list)
            self._indexes[USB] = self.views.addWidget(self.usb)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.views)
        self._probe_scanner()

    def _list_view(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(plain_label(TEXTS["prompt"], "subtitle"))
        self.message = plain_label("", "message")
        self.message.hide()  # shown only with something to say: the list keeps the room
        layout.addWidget(self.message)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(16)
        scroll = scroll_area(self.list)
        self._keep = KeepInView(scroll)  # a note opened on the last row is scrolled to
        layout.addWidget(scroll, 1)
        return view

    # -- the step ----------------------------------------------------------------------

    def load(self, state: DraftState) -> None:
        self.show_list()
        self._probe_scanner()
        procedure = state.procedure
        if procedure is None:
            self._reset()
            return
        if self._procedure is None or self._procedure.code != procedure.code:
            self._build(procedure)
        if not any(p.pages or p.files for p in self._papers.values()):
            self._adopt(state.documents)

    def commit(self, state: DraftState, today: date) -> Problems:
        self.show_list()
        if self._procedure is None:
            return Problems()
        if any(p.jobs for p in self._papers.values()):
            self._say(TEXTS["busy"])
            return Problems((ValidationError("documents_busy", TEXTS["busy"], field="documents"),))
        state.documents = generated(self._procedure, state.documents) + self.documents()
        problems = check_documents(self._procedure, state.documents)
        self._say("\n".join(e.message for e in problems.errors))
        return problems

    def clear(self) -> None:
        self.show_list()
        self._reset()
        if self.capture is not None:
            self.capture.clear()
        if self.usb is not None:
            self.usb.clear()

    def documents(self) -> list[DraftDocument]:
        """The component files in catalogue order: each one's pages as one PDF, then its files."""
        return [document for papers in self._papers.values() for document in papers.documents()]

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def hideEvent(self, event: QHideEvent) -> None:
        self.show_list()  # leaving the step turns the camera off
        super().hideEvent(event)

    # -- building the rows -------------------------------------------------------------

    def _build(self, procedure: Procedure) -> None:
        self._reset()
        self._procedure = procedure
        for component in procedure.documents_to_bring:
            row = DocumentRow(component, camera=self.capture is not None,
                              scanner=self.scanner.present, usb=self.usb is not None)
            row.camera_requested.connect(self._open_camera)
            row.scan_requested.connect(self._scan)
            row.usb_requested.connect(self._open_usb)
            row.delete_requested.connect(self.delete_item)
            self._keep.watch(row.title)
            self._papers[component.code] = Papers(component)
            self.rows[component.code] = row
            if self.list_layout.count():
                self.list_layout.addWidget(_rule())
            self.list_layout.addWidget(row)

    def _reset(self) -> None:
        self._procedure = None
        self._papers = {}
        self.rows = {}
        self._target = None
        self._keep.forget()
        self._say("")
        while (item := self.list_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.deleteLater()

    def _adopt(self, documents: list[DraftDocument]) -> None:
        """Files already in the draft (the step shown again after a wipe of this screen)."""
        for document in documents:
            papers = self._papers.get(document.component_code)
            if papers is not None:
                papers.files.append(document)
                papers.file_thumbs.append(None)
        for code in self._papers:
            self._refresh(code)

    # -- the scanner's probe ------------------------------------------------------------

    def _probe_scanner(self) -> None:
        """Ask SANE on the runner when the last answer is stale (never on the GUI thread)."""
        factory = self._scanner_factory
        if factory is None or self.scanner.probing or not self.scanner.stale():
            return
        self.scanner.probing = True
        self._runner.submit(lambda: probe_scanner(factory), self._probed,
                            lambda _error: self._probed(False), lane=Lane.FILES,
                            time_limit=PROBE_SECONDS, resident=False)

    def _probed(self, present: bool) -> None:
        self.scanner.record(present)
        for row in self.rows.values():
            row.set_scanner(present)

    # -- the three ways in -------------------------------------------------------------

    def show_list(self) -> None:
        if self.capture is not None:
            self.capture.stop()
        self.views.setCurrentIndex(self._indexes[LIST])

    def _on_list(self) -> bool:
        """A row's buttons count only while the list is shown (not a tap that came late)."""
        return self.views.currentIndex() == self._indexes[LIST]

    def _open_camera(self, code: str) -> None:
        if self.capture is None or code not in self._papers or not self._on_list():
            return
        self._target = code
        papers = self._papers[code]
        self._say("")
        self.views.setCurrentIndex(self._indexes[CAMERA])
        self.capture.start(papers.component.name, len(papers.pages))

    def _open_usb(self, code: str) -> None:
        if self.usb is None or code not in self._papers or not self._on_list():
            return
        self._target = code
        self._say("")
        self.views.setCurrentIndex(self._indexes[USB])
        self.usb.open(self._papers[code].component.name)

    def _scan(self, code: str) -> None:
        papers = self._papers.get(code)
        if self._scanner_factory is None or papers is None or papers.jobs:
            return
        factory = self._scanner_factory
        papers.jobs += 1
        self.rows[code].set_status(TEXTS["scanning"])
        self._runner.submit(lambda: scan_page(factory()),
                            lambda page: self._scanned(papers, page),
                            lambda error: self._scan_failed(papers, error),
                            lane=Lane.FILES, time_limit=SCAN_SECONDS)

    def _scanned(self, papers: Papers, page: Frame) -> None:
        papers.jobs -= 1
        if self._papers.get(papers.component.code) is papers:
            self.rows[papers.component.code].set_status(TEXTS["scanned"])
            self._add_page(papers, page)

    def _scan_failed(self, papers: Papers, error: BaseException) -> None:
        papers.jobs -= 1
        if isinstance(error, DomainError) and error.code in NO_DEVICE:
            self.scanner.forget()  # unplugged since the probe: ask again, hide if gone
            self._probe_scanner()
        if self._papers.get(papers.component.code) is papers:
            text = error.message if isinstance(error, DomainError) else TEXTS["scan_failed"]
            self.rows[papers.component.code].set_status(text)

    def _add_captured(self, page: Frame) -> None:
        papers = self._papers.get(self._target or "")
        if papers is not None:
            self._add_page(papers, page)
            if self.capture is not None:
                self.capture.set_page_count(len(papers.pages))

    def _add_files(self, found: list[ImportedFile]) -> None:
        papers = self._papers.get(self._target or "")
        if papers is None or self.usb is None:
            return
        allowed = papers.component.kinds
        for item in found:
            if item.kind.value not in allowed:
                self.usb.show_refused(TEXTS["kind"].format(
                    component=papers.component.name, file=item.name, kind=item.kind.upper(),
                    allowed=", ".join(k.upper() for k in allowed)))
                return
        papers.jobs += 1  # pictures of image files are decoded on the runner
        self._runner.submit(lambda: [file_thumbnail(item) for item in found],
                            lambda thumbs: self._files_ready(papers, found, thumbs),
                            lambda _error: self._files_ready(papers, found, [None] * len(found)),
                            lane=Lane.FILES, time_limit=THUMB_SECONDS)

    def _files_ready(
        self, papers: Papers, found: list[ImportedFile], thumbs: list[QImage | None]
    ) -> None:
        papers.jobs -= 1
        if self._papers.get(papers.component.code) is not papers:
            return
        papers.add_files(found, thumbs)
        self._refresh(papers.component.code)
        self.show_list()

    # -- pages and their PDF -------------------------------------------------------------

    def _add_page(self, papers: Papers, page: Frame) -> None:
        papers.add_page(page)
        self._pages_changed(papers)

    def delete_item(self, code: str, index: int) -> None:
        """Delete a tile of a row: a page (by its place) or, after the pages, a file."""
        papers = self._papers.get(code)
        if papers is None:
            return
        removed = papers.remove(index)
        if removed == "page":
            self._pages_changed(papers)
        elif removed == "file":
            self._refresh(code)

    def _pages_changed(self, papers: Papers) -> None:
        papers.version += 1
        papers.pdf = None
        self._refresh(papers.component.code)
        if not papers.pages:
            return
        version, pages, name = papers.version, list(papers.pages), papers.component.name
        papers.jobs += 1
        self._runner.submit(lambda: assemble_pdf(pages, title=name),
                            lambda pdf: self._assembled(papers, version, pdf),
                            lambda _error: self._assembled(papers, version, None),
                            lane=Lane.FILES, time_limit=ASSEMBLE_SECONDS)

    def _assembled(self, papers: Papers, version: int, pdf: AssembledPdf | None) -> None:
        papers.jobs -= 1
        if version != papers.version or self._papers.get(papers.component.code) is not papers:
            return
        papers.pdf = pdf
        if pdf is None:
            self.rows[papers.component.code].set_status(TEXTS["assemble_failed"])

    def _refresh(self, code: str) -> None:
        self.rows[code].show_items(self._papers[code].tiles(TEXTS["page"]))


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("rule")
    return line
