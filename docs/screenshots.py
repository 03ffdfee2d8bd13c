"""Render every screen of the kiosk at 1920×1080 and 1366×768 into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py

The real window and navigator on a throw-away data dir, filled with the sample
birth registration the tests use; the printer and camera are left out, the
flatbed is the fake one and the USB stick an empty folder.  The documents
step's camera pages (countdown, corner fallback) and «Xin cắm USB» are taken
in a second window with the demo camera, each prepared afresh at each size.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.app import build_window  # noqa: E402
from kiosk.demo.camera import DemoCamera  # noqa: E402
from kiosk.demo.scanner import FakeScanner  # noqa: E402
from kiosk.ui.context import UiServices  # noqa: E402
from kiosk.ui.draft_state import DraftState  # noqa: E402
from kiosk.ui.main_window import MainWindow  # noqa: E402
from kiosk.ui.navigator import Navigator  # noqa: E402
from kiosk.ui.screens.capture import STILL  # noqa: E402
from kiosk.ui.screens.documents import DocumentsScreen  # noqa: E402
from tests.support.kiosk import Kiosk, birth_state, open_kiosk  # noqa: E402
from tests.support.voice import RecordingVoice  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = ((1920, 1080), (1366, 768))


def fill_draft(navigator: Navigator, kiosk: Kiosk) -> None:
    sample = birth_state(kiosk.catalogue, kiosk.clock())
    for f in fields(DraftState):
        setattr(navigator.wizard.state, f.name, getattr(sample, f.name))


def steps(navigator: Navigator, kiosk: Kiosk) -> list[tuple[str, Callable[[], None]]]:
    def step(index: int) -> Callable[[], None]:
        def show() -> None:
            if index > 0:
                fill_draft(navigator, kiosk)
            navigator.wizard.go(index)
        return show

    names = ["choose", "details", "applicant", "form", "documents", "result-fee", "review",
             "declaration"]
    shots = [("home", navigator.go_home), ("guide", lambda: navigator._show(navigator.guide)),
             ("track", navigator.show_track), ("help", lambda: navigator.request_help("home"))]
    shots += [(f"step-{i + 1}-{name}", step(i)) for i, name in enumerate(names)]
    shots += paged(navigator, kiosk, 2, "applicant") + paged(navigator, kiosk, 3, "form")
    shots.append(("step-3-applicant-keyboard", editing(navigator, kiosk, 2, "ho_ten")))
    shots.append(("step-4-form-number-pad", editing(navigator, kiosk, 3, "ngay_sinh")))
    shots.append(("done", lambda: done(navigator, kiosk)))
    shots += rating_pages(navigator)
    shots.append(("error", lambda: navigator._show(navigator.error)))
    return shots


def paged(navigator: Navigator, kiosk: Kiosk, index: int, name: str
          ) -> list[tuple[str, Callable[[], None]]]:
    """Every page of a step of several pages (the applicant, the form)."""
    fill_draft(navigator, kiosk)
    navigator.wizard.go(index)
    count = navigator.wizard.frames[index].content.fields.count()  # type: ignore[attr-defined]

    def page(number: int) -> Callable[[], None]:
        def show() -> None:
            fill_draft(navigator, kiosk)
            navigator.wizard.go(index)
            navigator.wizard.frames[index].content.fields.turn(number)  # type: ignore[attr-defined]
        return show

    return [(f"step-{index + 1}-{name}-page-{n + 1}", page(n)) for n in range(count)]


def editing(navigator: Navigator, kiosk: Kiosk, index: int, field: str) -> Callable[[], None]:
    """A step with the on-screen keyboard (or number pad) open on one field."""
    def show() -> None:
        fill_draft(navigator, kiosk)
        navigator.wizard.go(index)
        navigator.wizard.frames[index].content.fields.edit(field)  # type: ignore[attr-defined]
    return show


def done(navigator: Navigator, kiosk: Kiosk) -> None:
    (dossier,) = kiosk.seal_births(1)
    navigator._sealed(dossier)


def rating_pages(navigator: Navigator) -> list[tuple[str, Callable[[], None]]]:
    """The rating after Done: the faces, and the reasons asked at 2 (two chosen)."""
    rating = navigator.rating

    def reasons() -> None:
        navigator.show_rating()
        rating.choose(2)
        for reason in ("so_lan_di_lai", "thai_do_ho_tro"):
            rating.reasons[reason].setChecked(True)

    return [("rating-faces", navigator.show_rating), ("rating-reasons", reasons)]


def wait(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Run the event loop (camera threads, the runner) until ``condition`` or a timeout."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    print(f"screenshots: gave up waiting for {condition}")


def documents_pages(navigator: Navigator, kiosk: Kiosk) -> list[tuple[str, Callable[[], None]]]:
    """The documents step's own pages: «Xin cắm USB», the countdown, the corner fallback."""
    screen = navigator.wizard.frames[4].content
    assert isinstance(screen, DocumentsScreen)
    capture = screen.capture
    assert capture is not None and screen.usb is not None

    def on_step(button: str) -> None:
        fill_draft(navigator, kiosk)
        navigator.wizard.go(4)
        wait(lambda: not screen.scanner.probing)
        screen.show_list()
        row = screen.rows["GCS"]
        (found,) = [b for b in row.findChildren(QPushButton) if b.text() == button]
        found.click()

    def usb_wait() -> None:
        on_step("Từ USB")
        wait(lambda: screen.usb is not None and screen.usb.waiting.text() == "Đang chờ USB…")

    def holding() -> None:
        on_step("Chụp bằng camera")
        wait(lambda: capture.holding.text().endswith("1"))

    def corners() -> None:
        on_step("Chụp bằng camera")
        wait(capture.live.has_image)
        capture.manual_button.click()
        wait(lambda: capture.views.currentIndex() == STILL)

    return [("step-5-documents-usb-wait", usb_wait), ("step-5-capture-holding", holding),
            ("step-5-capture-corners", corners)]


def render_documents_pages(app: QApplication, kiosk: Kiosk, folder: Path) -> None:
    stick = Path(folder) / "media"
    stick.mkdir()
    services = UiServices(kiosk.runtime.config, kiosk.catalogue, kiosk.queue,
                          kiosk.submitter, kiosk.clock, print_receipt=lambda _d: None,
                          open_camera=DemoCamera, open_scanner=FakeScanner, usb_root=stick,
                          office=kiosk.office)
    window, navigator = build_window(app, services, windowed=True)
    window.show()
    for name, show in documents_pages(navigator, kiosk):
        for width, height in SIZES:
            window.resize(width, height)
            show()  # afresh at this size: a countdown runs out, a camera moves on
            render(app, window, name, ((width, height),))
    navigator.shutdown()


def official_pages(navigator: Navigator, kiosk: Kiosk, folder: Path
                   ) -> list[tuple[str, Callable[[], None]]]:
    """The official's side: the PIN pad after a wrong PIN, the dashboard with a dossier the
    real portal simulator refused (and its reason), one sent, one waiting, and a resident's
    call for help; then its other pages."""
    from dataclasses import replace

    from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
    from kiosk.domain.draft import Delivery
    from kiosk.store.officials import SignIn
    from kiosk.sync.client import PortalClient
    from tests.support.kiosk import birth_draft
    from tests.support.officials import add_official

    official = add_official(kiosk)
    kiosk.seal_births(1)
    kiosk.submitter.seal(replace(birth_draft(kiosk.catalogue, kiosk.clock(), "post"),
                                 delivery=Delivery.BY_POST))  # refused: no postal address
    with PortalSimulator(Path(folder) / "portal.sqlite3", clock=kiosk.clock) as portal:
        client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
        client = PortalClient(portal.url, client_id, secret,
                              clock=lambda: kiosk.clock().timestamp())
        kiosk.sync_worker(client, jitter=lambda: 0.5).run_once()
        client.close()
    kiosk.seal_births(1)  # waiting to be sent
    call = kiosk.office.help_calls.open("wizard", "3 ApplicantScreen", kiosk.clock())
    flow = navigator.official
    dashboard = flow.dashboard

    def pad() -> None:
        navigator.request_official()
        wait(lambda: flow.pad.sign_in_button.isEnabled())
        for digit in "482":
            flow.pad.press(digit)
        flow.pad.show_wrong(3)

    def signed_in() -> None:
        flow._answered(SignIn(official, 5, None))  # what a right PIN answers
        flow._call = call.id
        flow.refresh()
        wait(lambda: bool(dashboard.dossiers.cards) and dashboard.banner.isVisible()
             and "Ổ đĩa" in dashboard.status.devices.text())

    def tab(name: str) -> Callable[[], None]:
        return lambda: dashboard.show_tab(name)

    return [("pin-pad", pad), ("dashboard", signed_in),
            ("dashboard-status", tab("status")), ("dashboard-audit", tab("audit")),
            ("dashboard-settings", tab("settings"))]


def render_official_pages(app: QApplication, kiosk: Kiosk, folder: Path) -> None:
    from kiosk.sync.status import read_sync_status

    services = UiServices(kiosk.runtime.config, kiosk.catalogue, kiosk.queue,
                          kiosk.submitter, kiosk.clock, print_receipt=lambda _d: None,
                          open_scanner=FakeScanner, voice=RecordingVoice(), office=kiosk.office,
                          read_sync=lambda: read_sync_status(kiosk.db))
    window, navigator = build_window(app, services, windowed=True)
    window.show()
    for name, show in official_pages(navigator, kiosk, folder):
        show()
        render(app, window, name, settle=lambda: background_done(navigator))
    navigator.shutdown()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        kiosk = open_kiosk(Path(folder))
        services = UiServices(kiosk.runtime.config, kiosk.catalogue, kiosk.queue,
                              kiosk.submitter, kiosk.clock, print_receipt=lambda _d: None,
                              open_scanner=FakeScanner, usb_root=Path(folder),
                              voice=RecordingVoice(),  # «Nghe hướng dẫn» shown, silent
                              office=kiosk.office)
        window, navigator = build_window(app, services, windowed=True)
        window.show()
        documents = navigator.wizard.frames[4].content
        assert isinstance(documents, DocumentsScreen)
        wait(lambda: not documents.scanner.probing)  # the fake flatbed answers its probe
        for name, show in steps(navigator, kiosk):
            show()
            render(app, window, name, settle=lambda: background_done(navigator))
        navigator.shutdown()
        render_documents_pages(app, kiosk, Path(folder))
        render_official_pages(app, kiosk, Path(folder))
        kiosk.close()
    return 0


def background_done(navigator: Navigator) -> None:
    """Let work the screen started off the GUI thread answer (the declaration's tờ khai page)."""
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)  # the page is drawn again 250 ms after a resize
    loop.exec()
    navigator._runner.wait(20_000)


def render(app: QApplication, window: MainWindow, name: str,
           sizes: tuple[tuple[int, int], ...] = SIZES,
           settle: Callable[[], None] = lambda: None) -> None:
    for width, height in sizes:
        window.resize(width, height)
        for _ in range(3):
            app.processEvents()
        if name.endswith("declaration"):
            settle()
            for _ in range(3):
                app.processEvents()
        window.grab().save(str(OUT / f"{name}-{width}.png"))
        hint = window.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            print(f"{name}: needs {hint.width()}×{hint.height()}, more than {width}×{height}")


if __name__ == "__main__":
    sys.exit(main())
