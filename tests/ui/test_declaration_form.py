"""The declaration step shows the tờ khai the kiosk wrote, and the signature lands on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from kiosk.config import SiteConfig
from kiosk.declarations.layout import BODY, LEFT, PAGE_W, RIGHT
from kiosk.services import shipped_catalogue
from kiosk.ui.draft_state import DraftState
from kiosk.ui.pdf_page import sealed_declaration_image
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.declaration import DeclarationScreen
from tests.support.kiosk import START, FakeClock, birth_state, open_kiosk

pytestmark = pytest.mark.gui


@pytest.fixture
def runner() -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()  # the screens that asked are deleted after the test


@pytest.fixture
def screen(qtbot: QtBot, runner: BackgroundRunner) -> DeclarationScreen:
    screen = DeclarationScreen(FakeClock(), SiteConfig(), runner)
    qtbot.addWidget(screen)
    screen.resize(1286, 560)  # the step's room in a 1366×768 window
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def shown(screen: DeclarationScreen) -> bool:
    pixmap = screen.page.pixmap()
    return pixmap is not None and not pixmap.isNull()


def sign(qtbot: QtBot, screen: DeclarationScreen) -> None:
    pad = screen.pad
    points = [QPoint(40 + 50 * i, 60 + (40 if i % 2 else 0)) for i in range(7)]
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(pad, point)
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1])


def test_the_birth_tk_is_shown_off_the_gui_thread_and_legible(
    qtbot: QtBot, screen: DeclarationScreen,
) -> None:
    screen.load(birth_state(shipped_catalogue(), START))
    assert not shown(screen)  # load returned before the PDF was written
    qtbot.waitUntil(lambda: shown(screen), timeout=20_000)
    assert screen.form_box.isVisible()
    pixmap = screen.page.pixmap()
    assert pixmap.width() <= screen.page_view.viewport().width()  # never cut at the side
    px_per_pt = pixmap.width() / (PAGE_W - LEFT - RIGHT + 8)
    assert BODY.size * px_per_pt >= 13  # the form's body text at least 13 px on screen


def test_the_signature_lands_on_the_tk(qtbot: QtBot, screen: DeclarationScreen) -> None:
    screen.load(birth_state(shipped_catalogue(), START))
    qtbot.waitUntil(lambda: shown(screen), timeout=20_000)
    before = screen.page.pixmap().toImage()
    sign(qtbot, screen)
    qtbot.waitUntil(lambda: screen.page.pixmap().toImage() != before, timeout=20_000)


def test_a_procedure_without_a_tk_shows_no_form(qtbot: QtBot, screen: DeclarationScreen) -> None:
    without = next(p for p in shipped_catalogue() if not p.generated_documents)
    screen.load(DraftState(procedure=without))
    assert not screen.form_box.isVisible()


def test_a_render_answering_after_the_wipe_is_dropped(
    qtbot: QtBot, screen: DeclarationScreen, runner: BackgroundRunner,
) -> None:
    screen.load(birth_state(shipped_catalogue(), START))
    screen.clear()
    runner.wait()
    qtbot.wait(50)  # the late answer is delivered to the GUI thread
    assert not shown(screen) and not screen.form_box.isVisible()


def test_the_official_sees_the_sealed_tk_as_an_image(qapp: object, tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path)
    (dossier,) = kiosk.seal_births(1)
    image = sealed_declaration_image(kiosk.queue, dossier.code, 800)
    assert image is not None and image.width() == 800
    assert image.height() > 800 * 1.3  # an A4 page, upright
    assert sealed_declaration_image(kiosk.queue, "000.00.00.H23-261124-9999", 800) is None
