"""Guide: what online public services are, what they bring, how to use them from home.

From the commune's own leaflet (the seed document), with today's names of the
service levels (Decree 42/2022) and the old level numbers in brackets, and the
VNeID login that replaced portal passwords in July 2024.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import footer, plain_label, scroll_area
from kiosk.ui.widgets.qr import qr_pixmap

TEXTS = {
    "title": "Hướng dẫn dịch vụ công trực tuyến",
    "levels_title": "Hai hình thức nộp hồ sơ trực tuyến",
    "partial": "Trực tuyến một phần (trước đây gọi là mức độ 3): Ông/Bà khai và gửi hồ sơ qua "
    "mạng; nộp phí (nếu có) và nhận kết quả trực tiếp tại bộ phận Một cửa.",
    "full": "Trực tuyến toàn trình (trước đây gọi là mức độ 4): Ông/Bà gửi hồ sơ và nộp phí qua "
    "mạng; kết quả được trả qua mạng, qua bưu điện hoặc tại bộ phận Một cửa — có thể không "
    "cần đến trụ sở UBND.",
    "benefits_title": "Lợi ích",
    "home_title": "Nộp hồ sơ tại nhà",
    "kiosk_title": "Tại kiosk này",
    "kiosk": "Chạm «Nộp hồ sơ» ở trang chủ: kiosk hướng dẫn từng bước, in phiếu hẹn có mã hồ sơ. "
    "Mang phiếu đến đây và quét mã để xem hồ sơ đã đến đâu.",
    "qr": "Quét mã này bằng điện thoại để mở cổng dịch vụ công",
    "home": "Về trang chủ",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Trang này giới thiệu cách nộp hồ sơ tại nhà qua mạng. Ông bà đăng nhập cổng "
        "dịch vụ công bằng ứng dụng VNeID trên điện thoại. Quét mã QR bên phải bằng điện thoại "
        "để mở cổng dịch vụ công. Xong, chạm Về trang chủ.",
}
LISTS = {
    "benefits": (
        "Nộp hồ sơ 24/24 giờ, ở bất cứ nơi nào có mạng Internet.",
        "Tiết kiệm thời gian và chi phí đi lại; giảm giấy tờ.",
        "Theo dõi tình trạng hồ sơ trên cổng dịch vụ công, qua tin nhắn hoặc thư điện tử.",
        "Công khai, minh bạch: biết rõ hồ sơ đang ở bước nào.",
    ),
    "home_steps": (
        "Cài ứng dụng VNeID và kích hoạt tài khoản định danh điện tử (từ 1/7/2024 dùng VNeID "
        "để đăng nhập cổng dịch vụ công).",
        "Vào cổng dịch vụ công {portal}, chọn «Đăng nhập bằng VNeID».",
        "Tìm thủ tục cần làm, điền thông tin, đính kèm ảnh chụp hoặc bản quét giấy tờ.",
        "Kiểm tra lại, đánh dấu «Tôi xin chịu trách nhiệm về nội dung đã khai» rồi nộp.",
        "Ghi lại mã số hồ sơ để tra cứu và nhận kết quả.",
    ),
}




class GuideScreen(QWidget):
    home_requested = Signal()
    help_requested = Signal()

    def __init__(self, portal_address: str) -> None:
        super().__init__()
        self.setObjectName("guide")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.addWidget(plain_label(TEXTS["title"], "title"))
        columns = QHBoxLayout()
        columns.setSpacing(32)
        columns.addWidget(scroll_area(self._body(portal_address)), 3)
        columns.addLayout(_portal_qr(portal_address), 1)
        layout.addLayout(columns, 1)
        row = footer(self.home_requested.emit, self.help_requested.emit)
        row.insertWidget(row.count() - 1, ListenButton(SPOKEN["screen"]))
        layout.addLayout(row)

    def _body(self, portal: str) -> QWidget:
        body = QFrame()
        column = QVBoxLayout(body)
        column.setSpacing(10)
        column.addWidget(plain_label(TEXTS["levels_title"], "resultTitle"))
        column.addWidget(plain_label(TEXTS["partial"], "body"))
        column.addWidget(plain_label(TEXTS["full"], "body"))
        column.addWidget(plain_label(TEXTS["benefits_title"], "resultTitle"))
        for line in LISTS["benefits"]:
            column.addWidget(plain_label(f"• {line}", "body"))
        column.addWidget(plain_label(TEXTS["home_title"], "resultTitle"))
        for number, step in enumerate(LISTS["home_steps"], start=1):
            column.addWidget(plain_label(f"{number}. {step.format(portal=portal)}", "body"))
        column.addWidget(plain_label(TEXTS["kiosk_title"], "resultTitle"))
        column.addWidget(plain_label(TEXTS["kiosk"], "body"))
        column.addStretch(1)
        return body


def portal_url(address: str) -> str:
    return address if address.startswith(("http://", "https://")) else f"https://{address}"


def _portal_qr(address: str) -> QVBoxLayout:
    column = QVBoxLayout()
    picture = QLabel()
    picture.setObjectName("qr")
    picture.setPixmap(qr_pixmap(portal_url(address), 280))
    picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
    column.addWidget(picture)
    column.addWidget(plain_label(TEXTS["qr"], "muted"))
    column.addWidget(plain_label(address, "body"))
    column.addStretch(1)
    return column
