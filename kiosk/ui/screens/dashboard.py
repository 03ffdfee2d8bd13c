"""The official's dashboard: who is signed in, calls for help, the dossiers, the kiosk's health.

One screen with four pages behind large tabs (dossiers, today and devices,
the audit log, settings and control) and a fifth for a tờ khai being read.
A resident's open call for help shows above everything, with «Tiếp nhận».
The screen only emits intents; ``kiosk.ui.official_flow`` acts on them.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.dates import format_moment
from kiosk.store.helpcalls import HelpCall
from kiosk.ui.device_status import DeviceLine
from kiosk.ui.screens.dashboard_data import DashboardData
from kiosk.ui.screens.dashboard_dossiers import DossierPage
from kiosk.ui.screens.dashboard_pages import AuditPage, DeclarationPage, StatusPage
from kiosk.ui.screens.dashboard_settings import SettingsPage
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import plain_label, touch_button

TEXTS = {
    "title": "Bảng điều khiển",
    "who": "Cán bộ: {who}",
    "sign_out": "Đăng xuất",
    "assisted": "Nộp hồ sơ giúp người dân",
    "call": "Người dân đang cần hỗ trợ (gọi lúc {at}, ở màn hình «{where}»).",
    "taken": "Cán bộ {who} đã tiếp nhận yêu cầu lúc {at} (màn hình «{where}»).",
    "wizard_step": "Nộp hồ sơ, bước {step}",
    "take": "Tiếp nhận",
    "dossiers": "Hồ sơ",
    "status": "Thiết bị, số liệu",
    "audit": "Nhật ký",
    "settings": "Cài đặt",
    "loading": "Đang tải số liệu…",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py).
SPOKEN = {
    "screen": "Đây là bảng điều khiển của cán bộ. Trang Hồ sơ liệt kê các hồ sơ, hồ sơ bị từ "
        "chối ở trên cùng kèm lý do, có nút Gửi lại ngay, In lại phiếu và Xem tờ khai. Nếu người "
        "dân đang gọi, chạm Tiếp nhận. Xong việc, chạm Đăng xuất.",
}
TABS = ("dossiers", "status", "audit", "settings")
# Where a call was made, as the navigator records it, in the words the screens show.
SCREEN_NAMES = {"home": "Trang chủ", "track": "Tra cứu hồ sơ", "guide": "Hướng dẫn",
                "wizard": "Nộp hồ sơ"}


def call_place(call: HelpCall) -> str:
    """«Nộp hồ sơ, bước 3» for a call from the wizard's third step (recorded as
    ``"3 ApplicantScreen"``), else the screen's own name."""
    number = (call.step or "").split(" ", 1)[0]
    if call.screen == "wizard" and number.isdigit():
        return TEXTS["wizard_step"].format(step=number)
    return SCREEN_NAMES.get(call.screen, call.screen)


class HelpBanner(QFrame):
    """The oldest open call, and «Tiếp nhận»; hidden while nobody calls."""

    take_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("idlePanel")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        self.text = plain_label("", "fieldLabel")
        row.addWidget(self.text, 1)
        self.take = touch_button(TEXTS["take"], "primary", self._take)
        row.addWidget(self.take)
        self.call: HelpCall | None = None
        self.hide()

    def show_calls(self, calls: list[HelpCall], first: int | None) -> None:
        """``first``: the call the official signed in to answer, shown before older ones."""
        chosen = next((c for c in calls if c.id == first), calls[0] if calls else None)
        self.call = chosen
        if chosen is None:
            self.hide()
            return
        where = call_place(chosen)
        if chosen.state == "taken":
            self.text.setText(TEXTS["taken"].format(who=chosen.taken_by or "",
                                                    at=format_moment(chosen.taken_at or chosen.at),
                                                    where=where))
        else:
            self.text.setText(TEXTS["call"].format(at=format_moment(chosen.at), where=where))
        self.show()

    def _take(self) -> None:
        if self.call is not None:
            self.take_requested.emit(self.call.id)


class DashboardScreen(QWidget):
    sign_out_requested = Signal()
    assisted_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("dashboard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 12, 32, 12)
        layout.setSpacing(6)
        layout.addLayout(self._header())
        self.banner = HelpBanner()
        layout.addWidget(self.banner)
        layout.addLayout(self._tabs())
        self.message = plain_label("", "message")
        self.message.hide()
        layout.addWidget(self.message)
        self.pages = QStackedWidget()
        self.dossiers = DossierPage()
        self.status = StatusPage()
        self.audit = AuditPage()
        self.settings = SettingsPage()
        self.declaration = DeclarationPage()
        for page in (self.dossiers, self.status, self.audit, self.settings, self.declaration):
            self.pages.addWidget(page)
        layout.addWidget(self.pages, 1)
        self.declaration.closed.connect(lambda: self.show_tab("dossiers"))
        self.show_tab("dossiers")

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(plain_label(TEXTS["title"], "title"))
        self.who = plain_label("", "subtitle")
        row.addWidget(self.who, 1)
        row.addWidget(ListenButton(SPOKEN["screen"]))
        row.addWidget(touch_button(TEXTS["sign_out"], "secondary", self.sign_out_requested.emit))
        return row

    def _tabs(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.tabs: dict[str, QPushButton] = {}
        for name in TABS:
            button = touch_button(TEXTS[name], "choice", partial(self.show_tab, name))
            button.setCheckable(True)
            self.tabs[name] = button
            row.addWidget(button)
        row.addStretch(1)
        self.assisted = touch_button(TEXTS["assisted"], "", self.assisted_requested.emit)
        row.addWidget(self.assisted)
        return row

    def show_tab(self, name: str) -> None:
        for tab, button in self.tabs.items():
            button.setChecked(tab == name)
        page = {"dossiers": self.dossiers, "status": self.status, "audit": self.audit,
                "settings": self.settings}[name]
        self.settings.reset()
        self.pages.setCurrentWidget(page)

    # --- what the controller shows -------------------------------------------------

    def signed_in(self, who: str) -> None:
        # A non-breaking hyphen: «(CB-DEMO)» wraps before the bracket, never at its hyphen.
        self.who.setText(TEXTS["who"].format(who=who.replace("-", "\u2011")))
        self.show_message("", ok=True)
        self.show_tab("dossiers")

    def show_data(self, data: DashboardData, first_call: int | None) -> None:
        self.banner.show_calls(data.open_calls, first_call)
        self.dossiers.show_data(data)
        self.status.show_data(data)
        self.audit.show_data(data)

    def show_devices(self, lines: list[DeviceLine]) -> None:
        self.status.show_devices(lines)

    def show_message(self, text: str, *, ok: bool) -> None:
        """What an action did: ``ok`` in the success colour, a failure in the error colour."""
        name = "notice" if ok else "message"
        if self.message.objectName() != name:
            self.message.setObjectName(name)
            self.message.style().unpolish(self.message)  # the stylesheet's colour for the name
            self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))  # no empty line taking room

    def open_declaration(self, code: str) -> None:
        for button in self.tabs.values():
            button.setChecked(False)
        self.declaration.loading(code)
        self.pages.setCurrentWidget(self.declaration)

    def show_declaration(self, code: str, image: QImage | None) -> None:
        self.declaration.show_image(code, image)
