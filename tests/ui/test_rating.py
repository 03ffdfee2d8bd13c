"""The satisfaction rating after Done: faces, reasons at three or fewer, once per resident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config, SessionConfig
from kiosk.domain.ratings import LEVEL_LABELS, LEVELS, REASON_LABELS, REASONS, REASONS_UP_TO
from kiosk.store.ratings import Rating
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.rating import TIMEOUT_MS, FaceButton, RatingScreen
from tests.support.kiosk import START, Kiosk, open_kiosk
from tests.support.touch import Finger, open_window
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui
WAIT_MS = 10_000


@pytest.fixture
def runner() -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()


def rating_screen(qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner,
                  **timing: int) -> RatingScreen:
    screen = RatingScreen(services_for(backend), runner, **timing)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def all_ratings(backend: Kiosk) -> int:
    return backend.office.ratings.summary(START - timedelta(days=1)).count


def recorded(qtbot: QtBot, backend: Kiosk, screen: RatingScreen) -> Rating:
    key = screen.key
    assert key is not None
    qtbot.waitUntil(lambda: backend.office.ratings.find(key) is not None, timeout=WAIT_MS)
    rating = backend.office.ratings.find(key)
    assert rating is not None
    return rating


def shown_text(screen: RatingScreen) -> str:
    page = screen.pages.currentWidget()
    return " ".join(label.text() for label in page.findChildren(QLabel) if label.isVisible())


def test_after_done_a_five_is_recorded_with_the_dossier_code_then_thanks_then_home(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    (dossier,) = backend.seal_births(1)
    navigator.wizard.sealed.emit(dossier)  # as when the wizard has sealed it
    finger = Finger()
    finger.tap_text(navigator.done, "Về trang chủ")
    rating = navigator.rating
    assert window.stack.currentWidget() is rating
    assert [face.text() for face in rating.findChildren(FaceButton)] == list(
        LEVEL_LABELS.values())
    finger.tap(rating.faces[5])
    assert "Cảm ơn Ông/Bà đã đánh giá" in shown_text(rating)
    stored = recorded(qtbot, backend, rating)
    assert (stored.level, stored.reasons, stored.dossier_code) == (5, (), dossier.code)
    assert stored.comment is None and stored.state == "PENDING"
    qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.home, timeout=WAIT_MS)
    assert rating.key is None  # the session ended: nothing of this resident is kept
    assert all_ratings(backend) == 1


def test_a_two_asks_why_and_records_the_two_reasons_chosen(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner,
) -> None:
    screen = rating_screen(qtbot, backend, runner)
    screen.start("H01.2026.000001")
    finger = Finger()
    finger.tap(screen.faces[2])
    assert screen.pages.currentWidget() is screen.reasons_page
    assert all_ratings(backend) == 0  # nothing yet: the reasons are asked first
    trips, staff, other = (screen.reasons[r] for r in ("so_lan_di_lai", "thai_do_ho_tro",
                                                        "khac"))
    for button in (staff, trips, other):
        finger.tap(button)
    finger.tap(other)  # chosen by mistake, taken back
    assert trips.text() == "✓ " + REASON_LABELS["so_lan_di_lai"]
    assert other.text() == REASON_LABELS["khac"] and not other.isChecked()
    finger.tap_text(screen, "Gửi đánh giá")
    stored = recorded(qtbot, backend, screen)
    assert stored.level == 2 and stored.dossier_code == "H01.2026.000001"
    assert stored.reasons == ("so_lan_di_lai", "thai_do_ho_tro")  # the canonical order
    assert "Cảm ơn Ông/Bà đã đánh giá" in shown_text(screen)


@pytest.mark.parametrize("level", [5, 3])
def test_a_double_tap_records_one_rating(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, level: int,
) -> None:
    screen = rating_screen(qtbot, backend, runner)
    screen.start("H01.2026.000002")
    for _ in range(2):  # no wait between: the second lands while the first is recorded
        QTest.mouseClick(screen.faces[level], Qt.MouseButton.LeftButton)
    if level <= 3:
        send = screen.send
        for _ in range(2):
            QTest.mouseClick(send, Qt.MouseButton.LeftButton)
    recorded(qtbot, backend, screen)
    assert runner.wait(WAIT_MS)
    qtbot.wait(50)  # any answer still queued is delivered
    assert all_ratings(backend) == 1


def test_dones_own_countdown_leads_to_the_rating_too(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path,
) -> None:
    site = open_kiosk(tmp_path / "kiosk", Config(session=SessionConfig(done_return_seconds=1)))
    window, navigator = open_window(qtbot, qapp, services_for(site))
    try:
        (dossier,) = site.seal_births(1)
        navigator.wizard.sealed.emit(dossier)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is navigator.rating,
                        timeout=WAIT_MS)
        Finger().tap(navigator.rating.faces[4])
        stored = recorded(qtbot, site, navigator.rating)
        assert (stored.level, stored.dossier_code) == (4, dossier.code)
    finally:
        navigator.shutdown()
        site.close()


def test_thirty_seconds_without_a_touch_go_home_and_record_nothing(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], backend: Kiosk,
) -> None:
    window, navigator = kiosk
    rating = navigator.rating
    assert rating.timeout_ms == TIMEOUT_MS == 30_000
    navigator.show_rating()
    assert window.stack.currentWidget() is rating
    timer = rating.idle_timer
    assert timer.isActive() and timer.interval() == 30_000
    timer.timeout.emit()  # the thirty seconds, driven (a real short timer runs below)
    assert window.stack.currentWidget() is navigator.home
    assert all_ratings(backend) == 0


@pytest.mark.parametrize("level", [None, 1])
def test_the_timer_gives_up_on_the_faces_and_on_the_reasons_without_recording(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, level: int | None,
) -> None:
    screen = rating_screen(qtbot, backend, runner, timeout_ms=100)
    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.start("H01.2026.000003")
        if level is not None:
            Finger().tap(screen.faces[level])  # a level chosen, its reasons never sent
    assert runner.wait(WAIT_MS)
    assert all_ratings(backend) == 0 and screen.key is None
    assert screen.pages.currentWidget() is screen.faces_page  # ready for the next resident


def test_skip_is_always_there_and_records_nothing(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner,
) -> None:
    screen = rating_screen(qtbot, backend, runner)
    screen.start(None)
    finger = Finger()
    assert screen.skip.isVisible()
    finger.tap(screen.faces[1])
    assert screen.skip.isVisible()
    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        finger.tap(screen.skip)
    assert runner.wait(WAIT_MS) and all_ratings(backend) == 0


def test_faces_and_reasons_are_large_enough_to_touch(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, qapp: QApplication,
) -> None:
    screen = rating_screen(qtbot, backend, runner)
    screen.start(None)
    for face in screen.faces.values():
        assert face.width() >= 180 and face.height() >= 200
    Finger().tap(screen.faces[3])
    for button in screen.reasons.values():
        assert button.height() >= 60 and button.width() >= 300


TAPS = st.lists(st.one_of(
    st.tuples(st.just("face"), st.sampled_from(LEVELS)),
    st.tuples(st.just("reason"), st.sampled_from(REASONS)),
    st.tuples(st.just("send"), st.just("")),
    st.tuples(st.just("skip"), st.just("")),
), max_size=8)


def tap_target(screen: RatingScreen, kind: str, value: int | str) -> QWidget:
    if kind == "face":
        return screen.faces[int(value)]
    if kind == "reason":
        return screen.reasons[str(value)]
    return screen.send if kind == "send" else screen.skip


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(taps=TAPS)
def test_any_taps_record_at_most_one_rating_and_reasons_only_at_three_or_fewer(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, taps: list[tuple[str, int | str]],
) -> None:
    screen = rating_screen(qtbot, backend, runner)
    before = all_ratings(backend)
    screen.start("H01.2026.000009")
    key = screen.key
    assert key is not None
    for kind, value in taps:  # straight through the widgets, hidden ones too (a late tap)
        QTest.mouseClick(tap_target(screen, kind, value), Qt.MouseButton.LeftButton)
    assert runner.wait(WAIT_MS)
    qtbot.wait(5)
    stored = backend.office.ratings.find(key)
    assert all_ratings(backend) - before == (0 if stored is None else 1)
    if stored is not None:
        assert stored.level <= REASONS_UP_TO or stored.reasons == ()
    screen.close()
