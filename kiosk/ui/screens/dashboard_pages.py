"""The dashboard's other pages: today and the devices, the audit log (read only), a tờ khai.

Settings and the kiosk's control buttons are in ``dashboard_settings``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.dates import format_moment
from kiosk.domain.officials import AUDIT_LABELS
from kiosk.domain.ratings import LEVEL_LABELS
from kiosk.store.audit import AuditEntry
from kiosk.ui.device_status import DeviceLine
from kiosk.ui.screens.dashboard_data import DashboardData
from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button

TEXTS = {
    "today": "Hôm nay",
    "sealed_today": "Hồ sơ đã nộp hôm nay: {count}",
    "ratings_today": "Lượt đánh giá hôm nay: {count}, điểm trung bình {average} / 5",
    "no_ratings": "Hôm nay chưa có lượt đánh giá nào.",
    "by_level": "{label}: {count}",
    "devices": "Thiết bị",
    "checking": "Đang kiểm tra thiết bị…",
    "device": "{mark} {name}: {state}",
    "ok": "✔",
    "bad": "✖",
    "none": "–",  # a device this kiosk does not have: neither good nor bad
    "audit_title": "Nhật ký thao tác (chỉ xem, mới nhất ở trên)",
    "audit_line": "{at} · {actor} · {action}{target}",
    "audit_empty": "Nhật ký chưa có dòng nào.",
    "declaration_title": "Tờ khai của hồ sơ {code}",
    "declaration_missing": "Hồ sơ {code} không có tờ khai do kiosk lập.",
    "declaration_loading": "Đang mở tờ khai…",
    "close": "Đóng",
}
PAGE_WIDTH = 900  # px: a tờ khai is read at this width


class StatusPage(QWidget):
    """Today's figures and one line per device."""

    def __init__(self) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        outer.addWidget(scroll_area(content))
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(TEXTS["today"], "resultTitle"))
        self.sealed = plain_label("", "body")
        layout.addWidget(self.sealed)
        self.ratings = plain_label("", "body")
        layout.addWidget(self.ratings)
        layout.addWidget(plain_label(TEXTS["devices"], "resultTitle"))
        self.devices = plain_label(TEXTS["checking"], "body")
        layout.addWidget(self.devices)
        layout.addStretch(1)

    def show_data(self, data: DashboardData) -> None:
        self.sealed.setText(TEXTS["sealed_today"].format(count=data.sealed_today))
        summary = data.ratings_today
        if not summary.count or summary.average is None:
            self.ratings.setText(TEXTS["no_ratings"])
            return
        levels = " · ".join(TEXTS["by_level"].format(label=LEVEL_LABELS[level], count=count)
                            for level, count in sorted(summary.by_level.items()))
        average = f"{summary.average:.1f}".replace(".", ",")
        self.ratings.setText(TEXTS["ratings_today"].format(count=summary.count, average=average)
                             + "\n" + levels)

    def show_devices(self, lines: list[DeviceLine]) -> None:
        self.devices.setText("\n".join(
            TEXTS["device"].format(mark=_mark(line.ok), name=line.name, state=line.state)
            for line in lines))


def _mark(ok: bool | None) -> str:
    return TEXTS["none" if ok is None else "ok" if ok else "bad"]


def audit_line(entry: AuditEntry) -> str:
    target = f" · {entry.target}" if entry.target else ""
    return TEXTS["audit_line"].format(at=format_moment(entry.at), actor=entry.actor,
                                      action=_action_label(entry.action),
                                      target=target)


def _action_label(action: str) -> str:
    return AUDIT_LABELS.get(action, action)


class AuditPage(QWidget):
    """The newest entries of the append-only log: labels, nothing to press."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label(TEXTS["audit_title"], "resultTitle"))
        self.lines = plain_label("", "timeline")
        self.lines.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(scroll_area(self.lines), 1)

    def show_data(self, data: DashboardData) -> None:
        lines = [audit_line(entry) for entry in data.audit]
        self.lines.setText("\n".join(lines) if lines else TEXTS["audit_empty"])


class DeclarationPage(QWidget):
    """A sealed dossier's generated tờ khai as the office receives it."""

    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = plain_label("", "resultTitle")
        top.addWidget(self.title, 1)
        top.addWidget(touch_button(TEXTS["close"], "secondary", self.closed.emit))
        layout.addLayout(top)
        self.page = QLabel()
        self.page.setObjectName("declarationPage")
        self.page.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(scroll_area(self.page), 1)

    def loading(self, code: str) -> None:
        self.title.setText(TEXTS["declaration_title"].format(code=code))
        self.page.clear()
        self.page.setText(TEXTS["declaration_loading"])

    def show_image(self, code: str, image: QImage | None) -> None:
        if image is None or image.isNull():
            self.page.setText(TEXTS["declaration_missing"].format(code=code))
            return
        self.page.setPixmap(QPixmap.fromImage(image))
