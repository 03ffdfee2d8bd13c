"""Work done ahead so a tap is answered at once: the form's pages built between events
while earlier steps show, the keyboard and the lists moved onto the window before the
first tap needs them, and a list's rows reused from one search to the next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.services import shipped_catalogue
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.form_pages import FormPages

pytestmark = pytest.mark.gui

NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
BIRTH = "1.001193"


@pytest.fixture
def state() -> DraftState:
    state = DraftState()
    state.choose(shipped_catalogue().get(BIRTH))
    return state


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def form(window: QWidget, metrics: theme.Metrics) -> FormScreen:
    """The form inside a window, not shown yet (a later step of the flow)."""
    screen = FormScreen(lambda: NOW, metrics)
    screen.setParent(window)
    screen.resize(1366, 768)
    screen.hide()
    return screen


def test_pages_built_ahead_are_the_pages_built_at_once(qtbot: QtBot, form: FormScreen,
                                                       state: DraftState) -> None:
    procedure = state.procedure
    assert procedure is not None
    at_once = FormPages(procedure.fields, form.dock)
    qtbot.addWidget(at_once)
    ahead = FormPages(procedure.fields, form.dock, ahead=True)
    qtbot.addWidget(ahead)
    assert ahead.count() == 0 and ahead.building
    assert ahead.build_one() and ahead.count() == 1  # one page a call
    ahead.finish()
    assert not ahead.building and ahead.count() == at_once.count() > 1
    assert list(ahead.editors) == list(at_once.editors)
    assert [[f.specs for f in page] for page in ahead.lists] == [
        [f.specs for f in page] for page in at_once.lists]
    assert ahead.own_heading == at_once.own_heading


def test_prepare_builds_the_chosen_form_between_events_and_load_uses_it(
        qtbot: QtBot, form: FormScreen, state: DraftState) -> None:
    form.prepare(state)
    prepared = form._kept[BIRTH][1]
    assert prepared.building  # nothing built yet: the tap that chose waits for nothing
    qtbot.waitUntil(lambda: not prepared.building and form._ahead is None, timeout=20_000)
    # the keyboard and every list waited on the window, hidden, for the first tap
    assert form.dock.parentWidget() is form.window() and not form.dock.isVisible()
    lists = [fields for page in prepared.lists for fields in page]
    assert all(fields.picker_built == fields.picks for fields in lists)  # only where needed
    pickers = [fields.picker for fields in lists if fields.picks]
    assert pickers and all(p.parentWidget() is form.window() and not p.isVisible()
                           for p in pickers)
    form.show()
    form.load(state)
    assert form.fields is prepared
    assert form.fields.values()["ho_ten_tre"] == ""


def test_load_before_the_pages_are_all_built_finishes_them(
        qtbot: QtBot, form: FormScreen, state: DraftState) -> None:
    form.prepare(state)
    form.show()
    form.load(state)  # the resident was faster than the ticks
    assert not form.fields.building and form.fields.count() > 1
    assert form._ahead is None
    form.turn_to("noi_sinh")
    assert form.fields.plan.fields and form.fields.index == form.fields.page_of("noi_sinh")


def test_a_keyboard_closed_stays_hidden_on_the_window_and_opens_again(
        qtbot: QtBot, form: FormScreen, state: DraftState) -> None:
    form.show()
    form.load(state)
    form.turn_to("ngay_sinh")
    editor = form.fields.editors["ngay_sinh"].editor
    assert editor is not None
    for _ in range(2):
        QTest.mouseClick(editor, Qt.MouseButton.LeftButton)
        assert form.dock.isVisible() and form.dock.pad.isVisible()
        QTest.mouseClick(form.dock.pad.key("done"), Qt.MouseButton.LeftButton)
        assert not form.dock.isVisible() and form.dock.parentWidget() is form.window()


def test_rows_of_a_list_are_reused_and_pick_what_they_now_show(
        qtbot: QtBot, form: FormScreen, state: DraftState) -> None:
    form.show()
    form.load(state)
    form.turn_to("noi_sinh")
    button = form.fields.editors["noi_sinh"].pick_button
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    picker = form.fields.list_of("noi_sinh").picker
    provinces = list(picker.rows)
    QTest.mouseClick(picker.row("Thành phố Hải Phòng"), Qt.MouseButton.LeftButton)
    wards = list(picker.rows)
    assert wards[:len(provinces)] == provinces[:len(wards)]  # the same buttons, new texts
    assert all(not row.isChecked() for row in wards)
    picker.search_box.setText("tu ky")
    assert [row.text() for row in picker.rows] == ["Xã Tứ Kỳ"]
    assert all(not row.isVisible() for row in wards[1:])
    QTest.mouseClick(picker.rows[0], Qt.MouseButton.LeftButton)
    assert form.fields.values()["noi_sinh"] == "Xã Tứ Kỳ, Thành phố Hải Phòng"
