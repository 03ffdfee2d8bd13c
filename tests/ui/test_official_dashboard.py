"""The dashboard through the real widgets: a dossier the real portal simulator refused, with its
reason; «Gửi lại ngay», «In lại phiếu», «Xem tờ khai»; devices; calls for help; the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.draft import Delivery
from kiosk.domain.states import DossierState
from kiosk.store.records import QueuedDossier
from kiosk.sync.status import read_sync_status
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.dashboard_dossiers import DossierCard
from tests.support.kiosk import Kiosk, birth_draft
from tests.support.officials import actions, add_official, sign_in
from tests.support.touch import Finger, open_window
from tests.sync.conftest import kiosk_client
from tests.ui.conftest import RecordingPrinter, services_for

pytestmark = pytest.mark.gui


@pytest.fixture
def finger() -> Finger:
    return Finger()


def colour(label: QLabel) -> str:
    """The text colour the stylesheet gives ``label``, as "#RRGGBB"."""
    return label.palette().color(label.foregroundRole()).name().upper()


@pytest.fixture
def portal(tmp_path: Path, backend: Kiosk) -> Iterator[PortalSimulator]:
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60,
                         clock=backend.clock) as sim:
        yield sim


def sync_once(backend: Kiosk, portal: PortalSimulator) -> None:
    client = kiosk_client(backend, portal.url)
    try:
        backend.sync_worker(client, jitter=lambda: 0.5).run_once()
    finally:
        client.close()


def refused(backend: Kiosk, portal: PortalSimulator) -> QueuedDossier:
    """A dossier the portal refuses for good: delivery by post without an address."""
    draft = replace(birth_draft(backend.catalogue, backend.clock()), delivery=Delivery.BY_POST)
    dossier = backend.submitter.seal(draft)
    sync_once(backend, portal)
    found = backend.queue.find(dossier.code)
    assert found is not None and found.dossier.state is DossierState.FAILED
    return found.dossier


@pytest.fixture
def desk(qtbot: object, qapp: object, backend: Kiosk, printer: RecordingPrinter
         ) -> Iterator[tuple[MainWindow, Navigator]]:
    add_official(backend)
    services = services_for(backend, printer, read_sync=lambda: read_sync_status(backend.db))
    window, navigator = open_window(qtbot, qapp, services)  # type: ignore[arg-type]
    yield window, navigator
    navigator.shutdown()


def card(navigator: Navigator, finger: Finger, code: str) -> DossierCard:
    page = navigator.official.dashboard.dossiers
    finger.wait(lambda: code in page.cards and page.cards[code].isVisible())  # laid out
    return page.cards[code]


def card_texts(found: DossierCard) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in found.findChildren(QLabel))


def test_a_refused_dossier_shows_its_reason_and_is_sent_again_from_the_dashboard(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    portal: PortalSimulator,
) -> None:
    window, navigator = desk
    dossier = refused(backend, portal)
    sign_in(finger, window, navigator)
    found = card(navigator, finger, dossier.code)
    text = card_texts(found)
    assert "Cổng dịch vụ công từ chối, cần cán bộ xử lý" in text
    assert f"Lý do: {dossier.last_error_message}" in text and "DiaChiNhanKetQua" in text
    assert "Bị từ chối: 1" in navigator.official.dashboard.dossiers.counts.text()
    assert found.retry is not None
    finger.tap(found.retry)
    finger.wait(lambda: "dossier_retry" in actions(backend))
    after = backend.queue.find(dossier.code)
    assert after is not None and after.dossier.state is DossierState.PENDING
    assert after.dossier.attempts == 0
    finger.wait(lambda: "hàng đợi gửi lại" in navigator.official.dashboard.message.text())
    finger.wait(lambda: navigator.official.dashboard.dossiers.cards[dossier.code].retry is None)
    entry = backend.office.audit.entries(1)[0]
    assert (entry.actor, entry.action, entry.target) == ("CB-012", "dossier_retry", dossier.code)


def test_a_pending_or_sent_dossier_has_no_retry_button(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    portal: PortalSimulator,
) -> None:
    window, navigator = desk
    sent, = backend.seal_births(1)
    sync_once(backend, portal)
    pending = backend.submitter.seal(birth_draft(backend.catalogue, backend.clock(), "late"))
    sign_in(finger, window, navigator)
    for code, state in ((sent.code, "Đã gửi lên cổng"), (pending.code, "Đang chờ gửi")):
        found = card(navigator, finger, code)
        assert found.retry is None, code
        assert state in card_texts(found)
        assert [b.text() for b in found.findChildren(type(found.reprint))
                ] == ["In lại phiếu", "Xem tờ khai"]


def test_reprint_prints_the_slip_and_is_audited(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    window, navigator = desk
    dossier, = backend.seal_births(1)
    sign_in(finger, window, navigator)
    finger.tap(card(navigator, finger, dossier.code).reprint)
    finger.wait(lambda: len(printer.printed) == 1)
    finger.wait(lambda: "receipt_reprint" in actions(backend))
    message = navigator.official.dashboard.message
    # The job audits on the runner's thread; the GUI thread says it done a moment later.
    finger.wait(lambda: dossier.code in message.text())
    assert colour(message) == theme.SUCCESS  # done: not in the error colour
    assert backend.office.audit.entries(1)[0].target == dossier.code


def test_a_failed_printer_is_said_and_no_reprint_is_audited(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    printer: RecordingPrinter,
) -> None:
    from kiosk.receipts.errors import print_error

    window, navigator = desk
    dossier, = backend.seal_births(1)
    printer.fail_with = print_error("printer_not_found")
    sign_in(finger, window, navigator)
    finger.tap(card(navigator, finger, dossier.code).reprint)
    finger.wait(lambda: "Chưa làm được" in navigator.official.dashboard.message.text())
    assert colour(navigator.official.dashboard.message) == theme.DANGER
    assert "receipt_reprint" not in actions(backend)


def test_the_generated_declaration_is_shown_as_a_page_and_the_view_is_audited(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = desk
    dossier, = backend.seal_births(1)  # sealing wrote its tờ khai (to-khai.pdf)
    sign_in(finger, window, navigator)
    finger.tap(card(navigator, finger, dossier.code).declaration)
    page = navigator.official.dashboard.declaration
    assert navigator.official.dashboard.pages.currentWidget() is page
    finger.wait(lambda: not page.page.pixmap().isNull(), 20_000)
    assert page.page.pixmap().width() >= 800  # readable, not a thumbnail
    assert dossier.code in page.title.text()
    finger.wait(lambda: "declaration_view" in actions(backend))
    assert backend.office.audit.entries(1)[0].detail == {"found": True}
    finger.tap_text(page, "Đóng")
    assert navigator.official.dashboard.pages.currentWidget() is (
        navigator.official.dashboard.dossiers)


def test_devices_todays_figures_and_the_audit_log_are_shown(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
    portal: PortalSimulator,
) -> None:
    window, navigator = desk
    backend.seal_births(2)
    sync_once(backend, portal)
    backend.office.ratings.record("r1", None, 5, [], None, backend.clock())
    backend.office.ratings.record("r2", None, 2, ["thai_do_ho_tro"], None, backend.clock())
    sign_in(finger, window, navigator)
    dashboard = navigator.official.dashboard
    finger.tap_text(dashboard, "Thiết bị, số liệu")
    status = dashboard.status
    finger.wait(lambda: "Ổ đĩa" in status.devices.text())
    devices = status.devices.text()
    for line in ("Camera", "Máy quét", "Máy in", "Cổng dịch vụ công: ✔", "Ổ đĩa: còn trống",
                 "Đồng bộ thành công gần nhất", "Tiến trình đồng bộ"):
        assert line in devices or line.split(":")[0] in devices, line
    assert "liên lạc được" in devices
    assert status.sealed.text() == "Hồ sơ đã nộp hôm nay: 2"
    assert "Lượt đánh giá hôm nay: 2, điểm trung bình 3,5 / 5" in status.ratings.text()
    finger.tap_text(dashboard, "Nhật ký")
    assert "Đăng nhập · CB-012" in dashboard.audit.lines.text()


def test_an_open_call_for_help_is_shown_with_take_over(
    desk: tuple[MainWindow, Navigator], finger: Finger, backend: Kiosk,
) -> None:
    window, navigator = desk
    # As the navigator records a call from the wizard's third step (the applicant).
    call = backend.office.help_calls.open("wizard", "3 ApplicantScreen", backend.clock())
    sign_in(finger, window, navigator, call_id=call.id)
    banner = navigator.official.dashboard.banner
    finger.wait(banner.isVisible)
    assert "Người dân đang cần hỗ trợ" in banner.text.text()
    assert "ở màn hình «Nộp hồ sơ, bước 3»" in banner.text.text()
    assert "Applicant" not in banner.text.text()  # the official reads words, not class names
    assert banner.take.text() == "Tiếp nhận" and banner.take.height() >= 60
