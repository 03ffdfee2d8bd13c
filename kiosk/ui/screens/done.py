"""Done: the dossier code in large red digits, the appointment, the receipt, then home.

The receipt prints by itself off the GUI thread; if the printer fails, the
code stays on screen (and as a QR to photograph) and the resident is told to
ask an official.  A kiosk without a printer (the demo's "file" mode) shows the
saved slip itself in place of the QR, so nobody copies the code by hand.
«In lại» prints one slip per tap that counts: it is disabled while a slip is
being printed.  The screen goes home by itself after a while.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain.dates import to_vietnam_time
from kiosk.domain.fees import format_vnd
from kiosk.receipts.data import receipt_from_dossier
from kiosk.receipts.raster import GreyPage, rasterize_pdf
from kiosk.store.records import QueuedDossier
from kiosk.ui.context import UiServices
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.voice import ListenButton
from kiosk.ui.widgets.basics import plain_label, touch_button
from kiosk.ui.widgets.qr import qr_pixmap

TEXTS = {
    "title": "Ông/Bà đã nộp hồ sơ thành công",
    "code": "Mã hồ sơ:",
    "due": "Hẹn trả kết quả: {due}",
    "qr": "Có thể chụp mã này bằng điện thoại để tra cứu sau.",
    "printing": "Đang in phiếu hẹn…",
    "printed": "Đã in phiếu hẹn. Xin nhận phiếu ở khe máy in và giữ phiếu để nhận kết quả.",
    "saved": "Kiosk này không in giấy: phiếu hẹn đã được lưu thành tệp PDF, hiện ở bên phải. "
    "Có thể chụp ảnh phiếu bằng điện thoại để giữ mã hồ sơ. Tệp: {path}",
    "print_failed": "Chưa in được phiếu hẹn. Xin ghi lại mã hồ sơ ở trên và đến quầy Một cửa "
    "để cán bộ hỗ trợ.",
    "reprint": "Chưa nhận được phiếu? In lại",
    "home": "Về trang chủ",
    "returning": "Tự động về trang chủ sau {seconds} giây.",
    "pay": "Nộp lệ phí {amount} ngay: quét mã VietQR bên cạnh bằng ứng dụng ngân hàng.",
}
# Read aloud by «Nghe hướng dẫn» (kiosk/ui/voice.py): what to do here, in plain words.
SPOKEN = {
    "screen": "Ông bà đã nộp hồ sơ thành công. Phiếu hẹn ghi mã hồ sơ và ngày trả kết quả, "
        "xin giữ phiếu để nhận kết quả. Có thể chụp mã QR trên màn hình bằng điện thoại để tra "
        "cứu sau. Xong, chạm Về trang chủ.",
}
QR_PIXELS = 280
VIETQR_PIXELS = 220
PREVIEW_PIXELS = 360  # the saved slip's width on screen (the QR column's)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    vietqr: str | None  # the payment code when the fee is paid online
    amount: int
    saved: Path | None = None  # "file" mode: where the slip went instead of a printer
    preview: GreyPage | None = None  # the saved slip's first page, to show


class DoneScreen(QWidget):
    home_requested = Signal()

    def __init__(self, services: UiServices, runner: BackgroundRunner,
                 tick_ms: int = 1000) -> None:
        super().__init__()
        self.setObjectName("done")
        self._services = services
        self._runner = runner
        self._code: str | None = None
        self._printing: str | None = None  # the code whose slip is being printed
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 20, 48, 20)  # large text fits 1366×768
        layout.setSpacing(12)
        layout.addWidget(plain_label(TEXTS["title"], "title"))
        columns = QHBoxLayout()
        columns.setSpacing(40)
        columns.addLayout(self._main_column(), 1)
        columns.addLayout(self._qr_column())
        layout.addLayout(columns, 1)
        layout.addLayout(self._footer())

    def _main_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(plain_label(TEXTS["code"], "subtitle"))
        self.code = plain_label("", "dossierCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        column.addWidget(self.code)
        self.due = plain_label("", "status")
        column.addWidget(self.due)
        self.status = plain_label("", "body")
        column.addWidget(self.status)
        self.pay = plain_label("", "body")
        column.addWidget(self.pay)
        column.addStretch(1)
        self.reprint = touch_button(TEXTS["reprint"], "secondary", self.print_receipt)
        column.addWidget(self.reprint, 0, Qt.AlignmentFlag.AlignLeft)
        return column

    def _qr_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(8)
        self.qr = QLabel()
        self.qr.setObjectName("codeQr")
        self.qr.setFixedSize(QR_PIXELS, QR_PIXELS)
        column.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.qr_hint = plain_label(TEXTS["qr"], "muted")
        self.qr_hint.setMaximumWidth(QR_PIXELS + 80)
        column.addWidget(self.qr_hint)
        self.receipt = SlipPreview()
        column.addWidget(self.receipt, 10)  # the space the QR and its hint leave
        self.vietqr = QLabel()
        self.vietqr.setObjectName("vietQr")
        self.vietqr.setFixedSize(VIETQR_PIXELS, VIETQR_PIXELS)
        self.vietqr.hide()
        column.addWidget(self.vietqr, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        return column

    def _footer(self) -> QHBoxLayout:
        footer = QHBoxLayout()
        self.returning = plain_label("", "muted")
        footer.addWidget(self.returning, 1)
        footer.addWidget(ListenButton(SPOKEN["screen"]))
        footer.addSpacing(20)
        footer.addWidget(touch_button(TEXTS["home"], "primary", self._go_home))
        return footer

    # --- showing a dossier ------------------------------------------------------

    def show_dossier(self, dossier: QueuedDossier) -> None:
        """Show the new dossier, start printing its receipt and the countdown home."""
        self.clear()
        self._code = dossier.code
        self.code.setText(dossier.code)
        due = to_vietnam_time(dossier.due_at).strftime("%H:%M ngày %d/%m/%Y")
        self.due.setText(TEXTS["due"].format(due=due))
        self.qr.setPixmap(qr_pixmap(dossier.code, QR_PIXELS))
        self.print_receipt()

    def print_receipt(self) -> None:
        code = self._code
        if code is None or code == self._printing:  # its slip is on the way already
            return
        self._printing = code
        self._restart_countdown()  # reprinting takes a moment: do not leave mid-way
        self.reprint.setEnabled(False)
        self.status.setText(TEXTS["printing"])
        services = self._services
        self._runner.submit(lambda: _print(services, code),
                            lambda outcome: self._printed(code, outcome),
                            lambda error: self._print_failed(code, error))

    def clear(self) -> None:
        """Forget the dossier shown (the session wipe)."""
        self._timer.stop()
        self._code = None
        for label in (self.code, self.due, self.status, self.pay, self.returning):
            label.clear()
        self.receipt.show_page(None)
        self.qr.show()
        self.qr_hint.show()
        self.qr.clear()
        self.vietqr.clear()
        self.vietqr.hide()
        self.reprint.setEnabled(True)

    def _printed(self, code: str, outcome: PrintOutcome) -> None:
        self._answered(code)
        if code != self._code:  # a late answer about a previous resident
            return
        self.reprint.setEnabled(True)
        self.status.setText(_print_status(outcome))
        if outcome.preview is not None:  # the slip itself, with its QR, instead of the QR
            self.qr.hide()
            self.qr_hint.hide()
            self.receipt.show_page(outcome.preview)
        if outcome.vietqr:
            self.vietqr.setPixmap(qr_pixmap(outcome.vietqr, VIETQR_PIXELS))
            self.vietqr.show()
            self.pay.setText(TEXTS["pay"].format(amount=format_vnd(outcome.amount)))

    def _print_failed(self, code: str, error: BaseException) -> None:
        log.error("receipt for %s not printed", code, exc_info=error)
        self._answered(code)
        if code == self._code:
            self.reprint.setEnabled(True)
            self.status.setText(TEXTS["print_failed"])

    def _answered(self, code: str) -> None:
        if self._printing == code:
            self._printing = None

    # --- going home -------------------------------------------------------------

    def _restart_countdown(self) -> None:
        self._left = self._services.config.session.done_return_seconds
        self._show_countdown()
        self._timer.start()

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._go_home()
        else:
            self._show_countdown()

    def _show_countdown(self) -> None:
        self.returning.setText(TEXTS["returning"].format(seconds=self._left))

    def _go_home(self) -> None:
        self.clear()
        self.home_requested.emit()


def _print(services: UiServices, code: str) -> PrintOutcome:
    """Off the GUI thread: find the sealed dossier, print its receipt, read its VietQR."""
    detail = services.queue.find(code)
    if detail is None:
        raise LookupError(code)
    receipt = receipt_from_dossier(detail, services.config)
    amount = receipt.online_fee_total
    try:
        saved = services.print_receipt(detail)
    except Exception:  # whatever the printer did, the dossier is sealed: show its code
        log.exception("receipt for %s not printed", code)
        return PrintOutcome(False, receipt.vietqr, amount)
    return PrintOutcome(True, receipt.vietqr, amount, saved, _preview(saved))


def _preview(saved: Path | None) -> GreyPage | None:
    """The saved slip's first page as pixels (off the GUI thread); None if it cannot be."""
    if saved is None or saved.suffix.lower() != ".pdf":
        return None
    try:
        return rasterize_pdf(saved.read_bytes(), width_px=PREVIEW_PIXELS)[0]
    except Exception:  # the slip is saved all the same; the code stays on screen
        log.exception("saved receipt %s not previewed", saved)
        return None


class SlipPreview(QLabel):
    """A saved slip, at the column's width, its top part when taller than the space."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("receiptPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self._page = QPixmap()
        self.hide()

    def show_page(self, page: GreyPage | None) -> None:
        if page is None:
            self._page = QPixmap()
            self.clear()
            self.hide()
            return
        image = QImage(page.pixels, page.width, page.height, page.width,
                       QImage.Format.Format_Grayscale8)
        self._page = QPixmap.fromImage(image.copy())  # the pixels outlive the worker's bytes
        self.show()
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(PREVIEW_PIXELS, 0) if not self._page.isNull() else QSize(0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._page.isNull():
            return
        width = min(self.width(), PREVIEW_PIXELS)
        scaled = self._page.scaledToWidth(max(width, 1), Qt.TransformationMode.SmoothTransformation)
        if scaled.height() > self.height() > 0:
            scaled = scaled.copy(0, 0, scaled.width(), self.height())
        self.setPixmap(scaled)


def _print_status(outcome: PrintOutcome) -> str:
    if not outcome.printed:
        return TEXTS["print_failed"]
    return TEXTS["saved"].format(path=outcome.saved) if outcome.saved else TEXTS["printed"]
