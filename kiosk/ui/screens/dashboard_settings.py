"""The dashboard's settings and the kiosk's control: the only way out of full screen.

Settings are chosen from short lists (nothing is typed): the text size a new
resident starts with, the idle time, and a printer test page.  Restarting and
shutting down ask to confirm first, on this page (no modal dialog a finger
could miss).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button

TEXTS = {
    "text_size": "Cỡ chữ khi người dân bắt đầu",
    "normal": "Chữ cỡ thường",
    "large": "Chữ to",
    "idle": "Tự về trang chủ khi không ai chạm trong",
    "seconds": "{minutes} phút",
    "seconds_half": "{seconds} giây",
    "printer": "Máy in",
    "test_page": "In trang thử",
    "control": "Điều khiển kiosk",
    "exit_fullscreen": "Thoát toàn màn hình",
    "restart": "Khởi động lại ứng dụng",
    "shutdown": "Tắt ứng dụng",
    "confirm_restart": "Khởi động lại ứng dụng ngay bây giờ?",
    "confirm_shutdown": "Tắt ứng dụng? Kiosk sẽ không phục vụ người dân cho đến khi được bật "
    "lại.",
    "yes": "Đồng ý",
    "no": "Không",
}
TEXT_SIZES = ("normal", "large")
LABEL_WIDTH = 420  # px: a setting's name wraps beside its choices
IDLE_CHOICES = (60, 120, 180, 300)  # seconds before the «Còn … giây» warning


def idle_label(seconds: int) -> str:
    if seconds % 60 == 0:
        return TEXTS["seconds"].format(minutes=seconds // 60)
    return TEXTS["seconds_half"].format(seconds=seconds)


class SettingsPage(QWidget):
    setting_requested = Signal(str, str)  # name, value
    test_page_requested = Signal()
    exit_fullscreen_requested = Signal()
    restart_requested = Signal()
    shutdown_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        outer.addWidget(scroll_area(content))  # large text: the page scrolls, never clips
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        # While a restart or shutdown is being confirmed, the question and its two answers
        # are all the page shows: at 1366×768 they would otherwise fall below the fold.
        self.settings_part = QWidget()
        settings = QVBoxLayout(self.settings_part)
        settings.setContentsMargins(0, 0, 0, 0)
        settings.setSpacing(8)
        self.choices: dict[tuple[str, str], QPushButton] = {}
        settings.addLayout(self._choice_row(TEXTS["text_size"], "text_size",
                                            [(v, TEXTS[v]) for v in TEXT_SIZES]))
        settings.addLayout(self._choice_row(TEXTS["idle"], "idle_seconds",
                                            [(str(s), idle_label(s)) for s in IDLE_CHOICES]))
        settings.addWidget(plain_label(TEXTS["control"], "fieldLabel"))
        settings.addLayout(self._control_row())
        layout.addWidget(self.settings_part)
        self._confirming: str | None = None
        self.confirm_text = plain_label("", "message")
        layout.addWidget(self.confirm_text)
        layout.addLayout(self._confirm_row())
        layout.addStretch(1)
        self._show_confirm(None)

    def _choice_row(self, title: str, name: str, options: list[tuple[str, str]]
                    ) -> QHBoxLayout:
        row = QHBoxLayout()
        heading = plain_label(title, "fieldLabel")
        heading.setFixedWidth(LABEL_WIDTH)
        row.addWidget(heading)
        for value, label in options:
            emit = partial(self.setting_requested.emit, name, value)
            button = touch_button(label, "choice", emit)
            button.setCheckable(True)
            self.choices[(name, value)] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _control_row(self) -> QGridLayout:
        grid = QGridLayout()
        self.test_page = touch_button(TEXTS["test_page"], "", self.test_page_requested.emit)
        self.exit_fullscreen = touch_button(TEXTS["exit_fullscreen"], "",
                                            self.exit_fullscreen_requested.emit)
        self.restart = touch_button(TEXTS["restart"], "", lambda: self._show_confirm("restart"))
        self.shutdown = touch_button(TEXTS["shutdown"], "", lambda: self._show_confirm("shutdown"))
        for index, button in enumerate((self.test_page, self.exit_fullscreen, self.restart,
                                        self.shutdown)):
            grid.addWidget(button, index // 2, index % 2)
        return grid

    def _confirm_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.yes = touch_button(TEXTS["yes"], "primary", self._confirmed)
        self.no = touch_button(TEXTS["no"], "secondary", lambda: self._show_confirm(None))
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addStretch(1)
        return row

    def _show_confirm(self, what: str | None) -> None:
        self._confirming = what
        self.confirm_text.setText(TEXTS[f"confirm_{what}"] if what else "")
        self.confirm_text.setVisible(what is not None)
        self.yes.setVisible(what is not None)
        self.no.setVisible(what is not None)
        self.settings_part.setVisible(what is None)

    def _confirmed(self) -> None:
        what = self._confirming
        self._show_confirm(None)
        if what == "restart":
            self.restart_requested.emit()
        elif what == "shutdown":
            self.shutdown_requested.emit()

    def show_settings(self, values: dict[str, str]) -> None:
        """Check the buttons of the values in force."""
        for (name, value), button in self.choices.items():
            button.setChecked(values.get(name) == value)

    def reset(self) -> None:
        self._show_confirm(None)
