"""The wizard controller: step order, back, edit-and-return, sealing off the GUI thread, wipe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date

import pytest
from PySide6.QtWidgets import QLineEdit, QStackedWidget
from pytestqt.qtbot import QtBot

from kiosk.domain.draft import Delivery, Helper
from kiosk.domain.errors import Problems, ValidationError
from kiosk.store.records import QueuedDossier
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.wizard import StepScreen, Wizard
from tests.support.kiosk import Kiosk, birth_state
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui


class Step(StepScreen):
    """A minimal step: one text box whose content is written under ``key``."""

    def __init__(self, title: str, write: Callable[[DraftState], None]) -> None:
        super().__init__()
        self.title = title
        self.box = QLineEdit(self)
        self._write = write
        self.loads = 0
        self.refuse = False

    def load(self, state: DraftState) -> None:
        self.loads += 1

    def commit(self, state: DraftState, today: date) -> Problems:
        if self.refuse:
            return Problems((ValidationError("x", "Chưa xong.", field="x"),))
        self._write(state)
        return Problems()

    def clear(self) -> None:
        self.box.clear()


def full_draft(backend: Kiosk) -> Callable[[DraftState], None]:
    """A step that fills the whole sample birth registration, declaration ticked."""
    sample = birth_state(backend.catalogue, backend.clock())

    def write(state: DraftState) -> None:
        for f in fields(DraftState):
            setattr(state, f.name, getattr(sample, f.name))
        state.declared = True

    return write


@pytest.fixture
def flow(qtbot: QtBot, backend: Kiosk) -> tuple[Wizard, QStackedWidget]:
    services = services_for(backend)
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    steps = [Step(f"Bước thử {i}", lambda s: None) for i in range(3)]
    steps.append(Step("Cam kết", full_draft(backend)))
    wizard = Wizard(services, BackgroundRunner(stack), steps,
                    lambda w: (stack.addWidget(w), stack.setCurrentWidget(w)), review_index=2)
    wizard.start()
    return wizard, stack


def test_next_and_back_walk_the_steps_in_order(flow: tuple[Wizard, QStackedWidget]) -> None:
    wizard, stack = flow
    assert wizard.index == 0 and stack.currentWidget() is wizard.frames[0]
    assert wizard.frames[1].step.text() == "Bước 2/4: Bước thử 1"
    wizard.next()
    wizard.next()
    assert wizard.index == 2
    wizard.back()
    assert wizard.index == 1


def test_a_step_with_problems_does_not_move_on(flow: tuple[Wizard, QStackedWidget]) -> None:
    wizard, _ = flow
    wizard.frames[0].content.refuse = True  # type: ignore[attr-defined]
    wizard.next()
    assert wizard.index == 0


def test_back_on_the_first_step_leaves_the_flow(
    qtbot: QtBot, flow: tuple[Wizard, QStackedWidget]
) -> None:
    wizard, _ = flow
    with qtbot.waitSignal(wizard.cancelled, timeout=1000):
        wizard.back()


def test_edit_from_review_returns_straight_to_review(
    flow: tuple[Wizard, QStackedWidget]
) -> None:
    wizard, _ = flow
    wizard.go(2)
    wizard.edit(0)
    assert wizard.index == 0
    assert wizard.frames[0].next_button.text() == "Xong, về trang xem lại"
    wizard.next()
    assert wizard.index == 2
    assert wizard.frames[0].next_button.text() == "Tiếp tục ›"


def test_the_last_step_seals_off_the_gui_thread_and_wipes(
    qtbot: QtBot, flow: tuple[Wizard, QStackedWidget], backend: Kiosk
) -> None:
    wizard, _ = flow
    wizard.go(3)
    wizard.frames[0].content.box.setText("Nguyễn Thị Ánh")  # type: ignore[attr-defined]
    with qtbot.waitSignal(wizard.sealed, timeout=10_000) as sealed:
        wizard.next()
    dossier: QueuedDossier = sealed.args[0]
    assert backend.queue.find(dossier.code) is not None
    assert is_fresh(wizard.state)
    assert wizard.frames[0].content.box.text() == ""  # type: ignore[attr-defined]


def test_wipe_resets_every_field_of_the_draft(flow: tuple[Wizard, QStackedWidget]) -> None:
    wizard, _ = flow
    state = wizard.state
    full_draft_state = DraftState(applicant={"ho_ten": "A"}, form={"x": "1"},
                                  delivery=Delivery.BY_POST, delivery_address="Thôn Đông",
                                  declared=True, signature_png=b"png",
                                  assisted_by=Helper("Lê Văn Tám", "CB-01"))
    for f in fields(DraftState):
        setattr(state, f.name, getattr(full_draft_state, f.name))
    old_key = state.draft_key
    wizard.wipe()
    assert is_fresh(state)
    assert state.draft_key != old_key  # the next resident's dossier is a new one


def is_fresh(state: DraftState) -> bool:
    """Nothing of a resident left: every field as a new draft has it (its key is its own)."""
    return replace(state, draft_key="") == replace(DraftState(), draft_key="")


def test_choosing_another_procedure_keeps_the_applicant_but_not_the_form(
    backend: Kiosk,
) -> None:
    state = DraftState()
    state.choose(backend.catalogue.get("1.001193"))
    state.applicant = {"ho_ten": "Nguyễn Thị Ánh"}
    state.form = {"ho_ten_tre": "Trần Minh Đức"}
    state.choose(backend.catalogue.get("1.001193"))
    assert state.form == {"ho_ten_tre": "Trần Minh Đức"}
    state.choose(backend.catalogue.get("2.000815"))
    assert state.applicant == {"ho_ten": "Nguyễn Thị Ánh"}
    assert state.form == {} and state.procedure is not None
    assert state.procedure.code == "2.000815"


def test_building_an_incomplete_draft_lists_every_problem(backend: Kiosk) -> None:
    state = DraftState()
    state.choose(backend.catalogue.get("1.001193"))
    draft, problems = state.build(backend.clock())
    assert draft is None
    messages = " ".join(e.message for e in problems.errors)
    assert "Còn thiếu giấy tờ bắt buộc" in messages
    assert "chịu trách nhiệm" in messages
    assert "Họ, chữ đệm và tên" in messages


