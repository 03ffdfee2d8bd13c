"""Choosing a file from a USB stick: one big button per file, checked before it is taken.

The files under the stick's mount folder (``/media`` on the kiosk) are listed
on the background runner (a slow stick must not freeze the screen), a few
folders deep and at most a screenful or two.  A tapped file goes through
``import_file`` (type read from the content, sizes bounded, ZIPs opened
defensively) on the runner too; a refused file says why in Vietnamese and the
list stays, so another file can be chosen.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.errors import DomainError
from kiosk.scanner.usb import ImportedFile, import_file
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button

TEXTS = {
    "heading": "Chọn tệp trong USB cho: {name}",
    "looking": "Đang đọc USB…",
    "none": "Không thấy tệp nào trong USB. Xin cắm USB vào cổng của kiosk, chờ vài giây "
    "rồi chạm «Đọc lại USB».",
    "choose": "Chạm vào tệp cần nộp (PDF, ảnh JPEG/PNG, Word hoặc ZIP).",
    "checking": "Đang kiểm tra tệp {name}…",
    "refused": "Không dùng được tệp này: {reason}",
    "unreadable": "Không đọc được tệp {name}. Xin rút USB ra, cắm lại rồi thử lại.",
    "refresh": "Đọc lại USB",
    "back": "Quay lại danh sách",
    "size": "{name}   ({size})",
}

MAX_FILES = 200
MAX_DEPTH = 4


class UsbPicker(QWidget):
    files_chosen = Signal(object)  # list[ImportedFile]
    back_requested = Signal()

    def __init__(
        self, root: Path, runner: BackgroundRunner, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("usbPicker")
        self._root = root
        self._runner = runner
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.heading = plain_label("", "resultTitle")
        self.prompt = plain_label("", "body")
        self.message = plain_label("", "message")
        for label in (self.heading, self.prompt, self.message):
            layout.addWidget(label)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.list_layout.setSpacing(12)
        scroll = scroll_area(self.list)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addWidget(touch_button(TEXTS["back"], "secondary", self.back_requested.emit))
        row.addStretch(1)
        row.addWidget(touch_button(TEXTS["refresh"], "secondary", self.refresh))
        layout.addLayout(row)

    def open(self, component_name: str) -> None:
        self.heading.setText(TEXTS["heading"].format(name=component_name))
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self._clear_list()
        self.message.clear()
        self.prompt.setText(TEXTS["looking"])
        root = self._root
        self._runner.submit(lambda: list_files(root), lambda files: self._listed(generation, files),
                            lambda _error: self._listed(generation, []))

    def clear(self) -> None:
        """Forget the listing and messages (the session wipe; the stick may be another's)."""
        self._generation += 1
        self._clear_list()
        for label in (self.heading, self.prompt, self.message):
            label.clear()

    def show_refused(self, reason: str) -> None:
        """The file was read but its document cannot take it (a kind it does not accept)."""
        self.message.setText(TEXTS["refused"].format(reason=reason))

    def _listed(self, generation: int, files: list[tuple[Path, int]]) -> None:
        if generation != self._generation:
            return
        self.prompt.setText(TEXTS["choose"] if files else TEXTS["none"])
        for path, size in files:
            text = TEXTS["size"].format(name=_shown_name(path, self._root), size=size_text(size))
            button = touch_button(text, "fileButton", partial(self._choose, path))
            self.list_layout.addWidget(button)

    def _choose(self, path: Path) -> None:
        self._generation += 1
        generation = self._generation
        self.message.setText(TEXTS["checking"].format(name=path.name))
        self._runner.submit(lambda: import_file(path),
                            lambda found: self._imported(generation, found),
                            lambda error: self._refused(generation, path, error))

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


def list_files(root: Path) -> list[tuple[Path, int]]:
    """Visible regular files under ``root`` with their sizes, by name (runs on the runner)."""
    found: list[tuple[Path, int]] = []
    if not root.is_dir():
        return found
    base_depth = len(root.parts)
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if len(Path(folder).parts) - base_depth >= MAX_DEPTH:
            dirs[:] = []
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            try:
                found.append((path, path.stat().st_size))
            except OSError:  # pulled out mid-listing, or an unreadable entry
                continue
            if len(found) >= MAX_FILES:
                return found
    return found


def _shown_name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
