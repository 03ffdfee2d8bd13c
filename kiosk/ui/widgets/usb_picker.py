"""Choosing a file from a USB stick: one big button per file, checked before it is taken.

With no stick in (or none with a file the kiosk takes) the resident sees «Xin
cắm USB»: which files are accepted and that they will appear right here.  The
mount folder (``/media`` on the kiosk) is looked at again every
``POLL_MS`` on the background runner while the picker is shown (a slow stick
must not freeze the screen), a few folders deep and at most a screenful or
two; the list is rebuilt only when what is on the stick changed, so buttons
do not move under a finger.  A tapped file goes through ``import_file`` (type
read from the content, sizes bounded, ZIPs opened defensively) on the runner
too; a refused file says why in Vietnamese and the list stays.  Both run on the
runner's files lane with a time limit (a hostile stick or file never holds up
sealing, printing or Track); the session wipe drops their answers.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.errors import DomainError
from kiosk.scanner.usb import ImportedFile, import_file
from kiosk.ui.runner import BackgroundRunner, Lane
from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button

TEXTS = {
    "heading": "Chọn tệp trong USB cho: {name}",
    "looking": "Đang đọc USB…",
    "insert": "Xin cắm USB",
    "expect": "Cắm USB vào cổng USB của kiosk. Kiosk nhận tệp PDF, ảnh JPEG hoặc PNG, "
    "tệp Word (DOC, DOCX) và tệp nén ZIP chứa các tệp đó. Các tệp sẽ tự hiện ra ở đây "
    "sau vài giây; chạm vào tệp cần nộp.",
    "waiting": "Đang chờ USB…",
    "no_usable": "USB đã cắm nhưng không có tệp PDF, ảnh, Word hay ZIP nào. Xin chép tệp "
    "giấy tờ vào USB, hoặc cắm USB khác.",
    "choose": "Chạm vào tệp cần nộp (PDF, ảnh JPEG/PNG, Word hoặc ZIP).",
    "checking": "Đang kiểm tra tệp {name}…",
    "refused": "Không dùng được tệp này: {reason}",
    "unreadable": "Không đọc được tệp {name}. Xin rút USB ra, cắm lại rồi thử lại.",
    "back": "Quay lại danh sách",
    "size": "{name}   ({size})",
}

MAX_FILES = 200
SHOWN_CHARS = 60  # of a file's path on its button
MAX_SEEN = 2000  # entries looked at in one listing, whatever they are: a full stick stays quick
MAX_DEPTH = 4
POLL_MS = 1500
LIST_SECONDS = 20.0  # a listing of the stick, at most
IMPORT_SECONDS = 60.0  # one file's checks, at most (the caged child has its own limits)
ACCEPTED_SUFFIXES = frozenset((".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".zip"))
WAITING, FILES = 0, 1


@dataclass(frozen=True)
class Listing:
    """What the stick holds: the files offered (path, size), and how many others were seen."""

    files: list[tuple[Path, int]] = field(default_factory=list)
    others: int = 0


class UsbPicker(QWidget):
    files_chosen = Signal(object)  # list[ImportedFile]
    back_requested = Signal()

    def __init__(
        self, root: Path, runner: BackgroundRunner, parent: QWidget | None = None, *,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("usbPicker")
        self._root = root
        self._runner = runner
        self._generation = 0
        self._listing: Listing | None = None  # None: not read yet since opening
        self._polling = False  # a listing is under way on the runner
        self.listings = 0  # listings answered so far (tests wait on it)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.heading = plain_label("", "resultTitle")
        self.message = plain_label("", "message")
        layout.addWidget(self.heading)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._waiting_page())
        self.pages.addWidget(self._files_page())
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(touch_button(TEXTS["back"], "secondary", self.back_requested.emit))
        row.addStretch(1)
        layout.addLayout(row)

    def _waiting_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 24, 0, 0)
        column.setSpacing(16)
        self.insert_title = plain_label(TEXTS["insert"], "title")
        self.expect = plain_label(TEXTS["expect"], "body")
        self.waiting = plain_label("", "status")
        for label in (self.insert_title, self.expect, self.waiting):
            column.addWidget(label)
        column.addStretch(1)
        return page

    def _files_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.prompt = plain_label(TEXTS["choose"], "body")
        column.addWidget(self.prompt)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.list_layout.setSpacing(12)
        column.addWidget(scroll_area(self.list), 1)
        return page

    @property
    def waiting_for_stick(self) -> bool:
        """«Xin cắm USB» is shown (no stick, or none with a file the kiosk takes)."""
        return self.pages.currentIndex() == WAITING

    def open(self, component_name: str) -> None:
        self.heading.setText(TEXTS["heading"].format(name=component_name))
        self._generation += 1
        self._listing = None
        self._clear_list()
        self.message.clear()
        self.pages.setCurrentIndex(WAITING)
        self.waiting.setText(TEXTS["looking"])
        self._timer.start()
        self._poll()

    def clear(self) -> None:
        """Forget the listing and messages (the session wipe; the stick may be another's)."""
        self._timer.stop()
        self._generation += 1
        self._listing = None
        self._polling = False  # a listing under way was cancelled by the wipe: never answers
        self._clear_list()
        for label in (self.heading, self.message, self.waiting):
            label.clear()
        self.pages.setCurrentIndex(WAITING)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()  # nobody is looking: no more reading the stick
        super().hideEvent(event)

    def show_refused(self, reason: str) -> None:
        """The file was read but its document cannot take it (a kind it does not accept)."""
        self.message.setText(TEXTS["refused"].format(reason=reason))

    def _poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        generation, root = self._generation, self._root
        self._runner.submit(lambda: list_files(root),
                            lambda listing: self._listed(generation, listing),
                            lambda _error: self._listed(generation, Listing()),
                            lane=Lane.FILES, time_limit=LIST_SECONDS)

    def _listed(self, generation: int, listing: Listing) -> None:
        self._polling = False
        self.listings += 1
        if generation != self._generation or listing == self._listing:
            return
        self._listing = listing
        self._clear_list()
        if not listing.files:
            self.pages.setCurrentIndex(WAITING)
            self.waiting.setText(TEXTS["no_usable"] if listing.others else TEXTS["waiting"])
            return
        for path, size in listing.files:
            text = TEXTS["size"].format(name=shown_name(path, self._root), size=size_text(size))
            button = touch_button(text, "fileButton", partial(self._choose, path))
            self.list_layout.addWidget(button)
        self.pages.setCurrentIndex(FILES)

    def _choose(self, path: Path) -> None:
        self._generation += 1  # a listing already asked for is dropped: the list stays put
        generation = self._generation
        self.message.setText(TEXTS["checking"].format(name=path.name))
        cancel = threading.Event()  # set by the runner on time-out and wipe (see kiosk.ui.runner)
        self._runner.submit(lambda: import_file(path, cancel=cancel),
                            lambda found: self._imported(generation, found),
                            lambda error: self._refused(generation, path, error),
                            lane=Lane.FILES, time_limit=IMPORT_SECONDS, cancel=cancel)

    def _imported(self, generation: int, found: list[ImportedFile]) -> None:
        if generation != self._generation:
            return
        self.message.clear()
        self.files_chosen.emit(found)

    def _refused(self, generation: int, path: Path, error: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(error, DomainError):
            self.message.setText(TEXTS["refused"].format(reason=error.message))
        else:
            self.message.setText(TEXTS["unreadable"].format(name=path.name))

    def _clear_list(self) -> None:
        while (item := self.list_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()
                widget.deleteLater()


def list_files(root: Path) -> Listing:
    """Visible regular files under ``root`` with an accepted suffix, with their sizes, by
    name; and how many other files were seen (runs on the runner, every poll: at most
    ``MAX_SEEN`` entries are looked at, ``MAX_FILES`` offered)."""
    found: list[tuple[Path, int]] = []
    others = seen = 0
    if not root.is_dir():
        return Listing()
    base_depth = len(root.parts)
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if len(Path(folder).parts) - base_depth >= MAX_DEPTH:
            dirs[:] = []
        for name in sorted(names):
            seen += 1
            if seen > MAX_SEEN or len(found) >= MAX_FILES:
                return Listing(found, others)
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            if path.suffix.lower() not in ACCEPTED_SUFFIXES:
                others += 1
                continue
            try:
                found.append((path, path.stat().st_size))
            except OSError:  # pulled out mid-listing, or an unreadable entry
                continue
    return Listing(found, others)


def shown_name(path: Path, root: Path, limit: int = SHOWN_CHARS) -> str:
    """The path on the stick as a button shows it: a long one keeps its start and its end
    (the file's own name and kind), so a button is never wider than the screen."""
    try:
        text = str(path.relative_to(root))
    except ValueError:
        text = path.name
    text = text.encode("utf-8", "replace").decode("utf-8")  # a name that is not UTF-8
    if len(text) <= limit:
        return text
    tail = min(len(path.name), limit // 2)
    return text[:limit - tail - 1] + "…" + text[-tail:]


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
