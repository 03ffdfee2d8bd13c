"""Track a dossier: scan the receipt's QR or barcode (or type the code), see its timeline.

A USB scanner types the code and Enter into the focused field; the kiosk's own
record is shown at once, offline included, with the portal's statuses as the
sync worker last saw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.states import PORTAL_STATUS_LABELS, DossierState
from kiosk.store.records import DossierDetail
from kiosk.ui.theme import Metrics
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import footer, plain_label, scroll_area, touch_button
from kiosk.ui.widgets.dock import KeyboardDock

TEXTS = {
    "title": "Tra cứu hồ sơ",
    "prompt": "Đưa mã QR hoặc mã vạch trên phiếu hẹn vào máy quét, hoặc nhập mã hồ sơ rồi "
    "chạm «Tra cứu».",
    "placeholder": "Mã hồ sơ, ví dụ 000.00.00.H23-261124-1000",
    "lookup": "Tra cứu",
    "home": "Về trang chủ",
    "empty": "Xin nhập hoặc quét mã hồ sơ.",
    "searching": "Đang tìm hồ sơ…",
    "not_found": "Không tìm thấy hồ sơ «{code}» trên kiosk này. Xin kiểm tra lại mã, hoặc hỏi "
    "cán bộ ở quầy Một cửa.",
    "payment_code": "Đây là mã thanh toán lệ phí. Xin quét mã hồ sơ ở phía trên của phiếu.",
    "card_code": "Đây là mã QR của thẻ căn cước. Để tra cứu, xin quét mã trên phiếu hẹn.",
    "failed": "Chưa tra cứu được lúc này. Xin thử lại, hoặc hỏi cán bộ ở quầy Một cửa.",
    "code": "Mã hồ sơ: {code}",
    "official": "Mã trên cổng dịch vụ công: {code}",
    "due": "Hẹn trả kết quả: {due}",
    "received": "Kiosk đã nhận hồ sơ",
    "waiting": "Đang chờ gửi lên cổng dịch vụ công (kiosk sẽ tự gửi khi có mạng)",
    "sent": "Đã gửi lên cổng dịch vụ công",
    "refused": "Cổng dịch vụ công chưa nhận hồ sơ; cán bộ Một cửa đang xử lý",
    "updated": "Cập nhật lần cuối: {at}",
    "status": "Tình trạng: {status}",
    "history": "Các bước đã qua (mới nhất ở trên):",
    "camera": "Hoặc đưa mã QR trên phiếu hẹn vào trước camera",
    "reprint": "In lại phiếu hẹn",
    "printing": "Đang in phiếu hẹn…",
    "printed": "Đã in xong phiếu hẹn. Xin nhận phiếu ở khe máy in.",
    "saved": "Phiếu hẹn đã được lưu thành tệp PDF: {path}",
    "print_failed": "Chưa in được phiếu hẹn: {reason} Mã hồ sơ vẫn ở trên màn hình; "
    "xin hỏi cán bộ ở quầy Một cửa.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Để xem hồ sơ đã đến đâu, xin đưa mã QR trên phiếu hẹn vào máy quét, hoặc giơ "
        "phiếu trước camera. Cũng có thể chạm vào ô mã hồ sơ, gõ mã, rồi chạm Tra cứu.",
}


@dataclass(frozen=True)
class TimelineRow:
    at: datetime | None
    text: str


def timeline_rows(detail: DossierDetail) -> list[TimelineRow]:
    """The dossier's story in the resident's words: the kiosk's steps, then the portal's."""
    d = detail.dossier
    rows = [TimelineRow(d.received_at, TEXTS["received"])]
    if d.state is DossierState.FAILED:
        rows.append(TimelineRow(d.updated_at, TEXTS["refused"]))
    elif d.sent_at is None:
        rows.append(TimelineRow(None, TEXTS["waiting"]))
    else:
        rows.append(TimelineRow(d.sent_at, TEXTS["sent"]))
    for event in detail.timeline:
        label = PORTAL_STATUS_LABELS.get(event.status, f"Trạng thái {event.status}")
        note = f" — {event.note}" if event.note and event.note != label else ""
        rows.append(TimelineRow(event.at, label + note))
    return rows


def when(moment: datetime) -> str:
    return to_vietnam_time(moment).strftime("%H:%M ngày %d/%m/%Y")


class TrackScreen(QWidget):
    lookup_requested = Signal(str)
    reprint_requested = Signal(str)
    home_requested = Signal()
    help_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("track")
        self._shown_code: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 24, 48, 24)
        outer.setSpacing(16)
        outer.addWidget(plain_label(TEXTS["title"], "title"))
        columns = QHBoxLayout()
        columns.setSpacing(32)
        layout = QVBoxLayout()
        layout.setSpacing(16)
        columns.addLayout(layout, 3)
        columns.addLayout(self._side_column(), 1)
        outer.addLayout(columns, 1)
        layout.addWidget(plain_label(TEXTS["prompt"], "subtitle"))
        layout.addLayout(self._entry_row())
        self.message = plain_label("", "message")
        layout.addWidget(self.message)
        self.result = QFrame()
        self.result.setObjectName("result")
        self.result_layout = QVBoxLayout(self.result)
        self.result_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = scroll_area(self.result)  # a long timeline scrolls; the screen never grows
        layout.addWidget(scroll, 1)
        row = footer(self.home_requested.emit, self.help_requested.emit)
        row.insertWidget(row.count() - 1, ListenButton(SPOKEN["screen"]))
        outer.addLayout(row)
        # Touching the code field opens a code pad; a USB scanner types into it all the same.
        self.dock = KeyboardDock(self)
        self.dock.closed.connect(self.code.setFocus)
        self.code.installEventFilter(self)

    def _side_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        self.camera = QLabel()
        self.camera.setObjectName("camera")
        self.camera.setFixedSize(320, 240)
        self.camera.setScaledContents(True)
        column.addWidget(self.camera)
        self.camera_caption = plain_label(TEXTS["camera"], "muted")
        column.addWidget(self.camera_caption)
        column.addStretch(1)
        self.reprint = touch_button(TEXTS["reprint"], "", self._reprint)
        self.reprint.hide()
        column.addWidget(self.reprint)
        return column

    def _entry_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(TEXTS["placeholder"])
        self.code.setMinimumHeight(72)
        self.code.returnPressed.connect(self._lookup)
        row.addWidget(self.code, 1)
        row.addWidget(touch_button(TEXTS["lookup"], "primary", self._lookup))
        return row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        pressed = event.type() == QEvent.Type.MouseButtonPress
        if watched is self.code and pressed and self.dock.target() is not self.code:
            self.dock.open_code_for(self.code)
        return False

    def set_metrics(self, metrics: Metrics) -> None:
        """Restyle the code pad after the text size changed."""
        self.dock.set_metrics(metrics)

    def reset(self) -> None:
        """Forget the previous lookup: the next resident sees nothing of it."""
        self.dock.close_keyboard()
        self.code.clear()
        self.message.clear()
        self.camera.clear()
        self._clear_result()
        self.code.setFocus()

    def set_camera_available(self, available: bool) -> None:
        """Without a camera the screen does not invite the resident to hold the slip up."""
        self.camera.setVisible(available)
        self.camera_caption.setVisible(available)

    def show_camera_frame(self, image: QImage) -> None:
        self.camera.setPixmap(QPixmap.fromImage(image))

    def lookup_scanned(self, text: str) -> None:
        """A code read by the camera: shown in the field, then looked up like a typed one."""
        self.code.setText(text.strip())
        self._lookup()

    def _reprint(self) -> None:
        if self._shown_code and self.reprint.isEnabled():
            self.reprint.setEnabled(False)  # until this slip is printed (or fails)
            self.message.setText(TEXTS["printing"])
            self.reprint_requested.emit(self._shown_code)

    def show_printed(self, saved: Path | None = None) -> None:
        """Printed, or (a kiosk without a printer) saved as ``saved``."""
        self.reprint.setEnabled(True)
        self.message.setText(TEXTS["saved"].format(path=saved) if saved else TEXTS["printed"])

    def show_print_failure(self, reason: str) -> None:
        self.reprint.setEnabled(True)
        self.message.setText(TEXTS["print_failed"].format(reason=reason))

    def _lookup(self) -> None:
        self.dock.close_keyboard()  # the result shows where the pad was
        code = self.code.text().strip()
        self._clear_result()
        if not code:
            self.message.setText(TEXTS["empty"])
            return
        self.message.setText(TEXTS["searching"])
        self.lookup_requested.emit(code)

    def show_other_code(self, kind: str) -> None:
        """A QR that is not a dossier code (the slip's payment QR, a citizen ID card)."""
        self.message.setText(TEXTS[f"{kind}_code"])

    def show_not_found(self, code: str) -> None:
        self.message.setText(TEXTS["not_found"].format(code=code[:64]))

    def show_failure(self) -> None:
        self.message.setText(TEXTS["failed"])

    def show_detail(self, detail: DossierDetail) -> None:
        d = detail.dossier
        self.message.clear()
        self._clear_result()
        self._shown_code = d.code
        self.reprint.show()
        rows = timeline_rows(detail)
        self._add(plain_label(str(detail.payload.get("TenTTHC", "")), "resultTitle"))
        self._add(plain_label(TEXTS["status"].format(status=rows[-1].text), "status"))
        self._add(plain_label(TEXTS["due"].format(due=when(d.due_at)), "body"))
        self._add(plain_label(TEXTS["code"].format(code=d.code), "body"))
        if d.official_code and d.official_code != d.code:
            self._add(plain_label(TEXTS["official"].format(code=d.official_code), "body"))
        self._add(plain_label(TEXTS["history"], "muted"))
        for row in reversed(rows):
            stamp = f"{when(row.at)}: " if row.at else "• "
            self._add(plain_label(stamp + row.text, "timeline"))
        self._add(plain_label(TEXTS["updated"].format(at=when(d.portal_updated_at or d.updated_at)),
                         "muted"))

    def _add(self, widget: QWidget) -> None:
        self.result_layout.addWidget(widget)

    def _clear_result(self) -> None:
        self._shown_code = None
        self.reprint.hide()
        while (item := self.result_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
