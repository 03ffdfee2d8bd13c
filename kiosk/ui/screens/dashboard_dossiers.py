"""The dashboard's dossier list: counts by state, then one card per dossier, refused ones first.

A card says the code, the procedure, when it was sealed, how many attempts,
the next retry and the reason in the sync worker's Vietnamese; «Gửi lại ngay»
appears only on a FAILED dossier (the only state the store lets an official
move), «In lại phiếu» and «Xem tờ khai» on every one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.domain.dates import format_moment
from kiosk.domain.states import PORTAL_STATUS_LABELS, DossierState
from kiosk.ui.screens.dashboard_data import DashboardData, DossierLine
from kiosk.ui.theme import PAPER, PRIMARY
from kiosk.ui.widgets.basics import plain_label, scroll_area, touch_button

TEXTS = {
    "counts": "Chờ gửi: {pending} · Đang gửi: {sending} · Đã gửi: {sent} · Bị từ chối: {failed}",
    "empty": "Chưa có hồ sơ nào trên kiosk này.",
    "heading": "{code} — {procedure}",
    "sealed": "Nộp lúc {at} · {state}",
    "attempts": "Đã thử gửi {count} lần",
    "next_retry": "thử lại lúc {at}",
    "portal": "Trạng thái trên cổng: {status}",
    "reason": "Lý do: {reason}",
    "retry": "Gửi lại ngay",
    "reprint": "In lại phiếu",
    "declaration": "Xem tờ khai",
}
SHOWN_AT_MOST = 60  # cards on screen; the CLI lists the rest
RETRY_STYLE = f"QPushButton {{ background: {PRIMARY}; color: {PAPER}; }}"


def ordered(lines: list[DossierLine]) -> list[DossierLine]:
    """Refused dossiers first (they need an official), then the newest."""
    return sorted(lines, key=lambda line: (not line.retryable, -line.dossier.id))


def detail_lines(line: DossierLine) -> list[str]:
    d = line.dossier
    texts = [TEXTS["sealed"].format(at=format_moment(d.received_at), state=line.state_label)]
    if d.attempts:
        attempts = TEXTS["attempts"].format(count=d.attempts)
        if d.state is DossierState.PENDING:
            attempts += ", " + TEXTS["next_retry"].format(at=format_moment(d.next_attempt_at))
        texts.append(attempts)
    if d.state is DossierState.SENT and d.portal_status is not None:
        status = PORTAL_STATUS_LABELS.get(d.portal_status, str(d.portal_status))
        texts.append(TEXTS["portal"].format(status=status))
    return texts


class DossierCard(QFrame):
    def __init__(self, line: DossierLine, page: DossierPage) -> None:
        super().__init__()
        self.setObjectName("documentRow")
        self.code = line.code
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(4)
        layout.addWidget(plain_label(TEXTS["heading"].format(code=line.code,
                                                             procedure=line.procedure_name),
                                     "fieldLabel"))
        for detail in detail_lines(line):
            layout.addWidget(plain_label(detail, "muted"))
        if line.dossier.last_error_message:
            layout.addWidget(plain_label(TEXTS["reason"].format(
                reason=line.dossier.last_error_message), "message"))
        buttons = QHBoxLayout()
        self.retry: QPushButton | None = None
        if line.retryable:
            self.retry = touch_button(TEXTS["retry"], "",
                                      lambda: page.retry_requested.emit(self.code))
            self.retry.setStyleSheet(RETRY_STYLE)  # the one action a refused dossier needs
            buttons.addWidget(self.retry)
        self.reprint = touch_button(TEXTS["reprint"], "",
                                    lambda: page.reprint_requested.emit(self.code))
        buttons.addWidget(self.reprint)
        self.declaration = touch_button(TEXTS["declaration"], "",
                                        lambda: page.declaration_requested.emit(self.code))
        buttons.addWidget(self.declaration)
        buttons.addStretch(1)
        layout.addLayout(buttons)


class DossierPage(QWidget):
    retry_requested = Signal(str)
    reprint_requested = Signal(str)
    declaration_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.counts = plain_label("", "status")
        layout.addWidget(self.counts)
        self._list = QWidget()
        self._rows = QVBoxLayout(self._list)
        self._rows.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(scroll_area(self._list), 1)
        self.cards: dict[str, DossierCard] = {}

    def show_data(self, data: DashboardData) -> None:
        c = data.counts
        self.counts.setText(TEXTS["counts"].format(
            pending=c.get(DossierState.PENDING, 0), sending=c.get(DossierState.SENDING, 0),
            sent=c.get(DossierState.SENT, 0), failed=c.get(DossierState.FAILED, 0)))
        self._clear()
        lines = ordered(data.dossiers)[:SHOWN_AT_MOST]
        if not lines:
            self._rows.addWidget(plain_label(TEXTS["empty"], "body"))
        for line in lines:
            card = DossierCard(line, self)
            self.cards[line.code] = card
            self._rows.addWidget(card)

    def _clear(self) -> None:
        self.cards = {}
        while (item := self._rows.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
