"""The background runner's lanes, time limits and cancelling: a slow file never holds up a seal,
a job past its limit answers with a typed error, the session wipe drops a running import."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QStackedWidget
from pytestqt.qtbot import QtBot

from kiosk.scanner.usb import import_file
from kiosk.store.records import QueuedDossier
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.runner import LANE_THREADS, BackgroundRunner, JobTimedOut, Lane
from kiosk.ui.wizard import Wizard
from tests.support.kiosk import Kiosk, tiny_pdf
from tests.ui.conftest import services_for
from tests.ui.test_wizard import Step, full_draft

pytestmark = pytest.mark.gui
GUARD_S = 10.0  # a gate nobody opens ends here, so a failing test fails instead of hanging


class Answers:
    """What came back to the GUI thread, in order."""

    def __init__(self) -> None:
        self.done: list[Any] = []
        self.failed: list[BaseException] = []


def gated(gate: threading.Event, started: threading.Event | None = None,
          then: Callable[[], Any] = lambda: "late") -> Callable[[], Any]:
    """A job that waits for ``gate`` (a slow file, as slow as the test wants), then ``then``."""
    def job() -> Any:
        if started is not None:
            started.set()
        gate.wait(GUARD_S)
        return then()
    return job


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()


def test_a_seal_is_answered_while_every_files_thread_is_stuck_on_a_slow_file(
    qtbot: QtBot, backend: Kiosk,
) -> None:
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    runner = BackgroundRunner(stack)
    steps = [Step("Bước thử", lambda s: None), Step("Cam kết", full_draft(backend))]
    wizard = Wizard(services_for(backend), runner, steps,
                    lambda w: (stack.addWidget(w), stack.setCurrentWidget(w)), review_index=0)
    wizard.start()
    gate, answers = threading.Event(), Answers()
    for _ in range(LANE_THREADS[Lane.FILES] + 1):  # every thread busy, and one more waiting
        runner.submit(gated(gate), answers.done.append, answers.failed.append, lane=Lane.FILES)
    qtbot.waitUntil(lambda: runner.busy(Lane.FILES) == LANE_THREADS[Lane.FILES])
    wizard.go(1)
    try:
        with qtbot.waitSignal(wizard.sealed, timeout=10_000) as sealed:
            wizard.next()
        assert answers.done == [] and not gate.is_set()  # the seal came first, by far
    finally:
        gate.set()
    dossier: QueuedDossier = sealed.args[0]
    assert backend.queue.find(dossier.code) is not None
    assert runner.wait()
    qtbot.waitUntil(lambda: len(answers.done) == LANE_THREADS[Lane.FILES] + 1)


def test_a_job_past_its_time_limit_answers_with_a_typed_error_and_its_token_set(
    qtbot: QtBot, runner: BackgroundRunner,
) -> None:
    gate, cancel, answers = threading.Event(), threading.Event(), Answers()
    runner.submit(gated(gate), answers.done.append, answers.failed.append, lane=Lane.FILES,
                  time_limit=0.05, cancel=cancel)
    try:
        qtbot.waitUntil(lambda: bool(answers.failed), timeout=5_000)
    finally:
        gate.set()
    (error,) = answers.failed
    assert isinstance(error, JobTimedOut) and error.code == "job_timed_out"
    assert "quá lâu" in error.message
    assert cancel.is_set()  # the caged work behind it is told to stop
    assert runner.wait()
    QCoreApplication.processEvents()  # the job's own late answer, had it been kept
    assert answers.done == [] and len(answers.failed) == 1


def test_a_job_within_its_time_limit_answers_as_usual(
    qtbot: QtBot, runner: BackgroundRunner,
) -> None:
    answers = Answers()
    with qtbot.waitCallback() as called:
        runner.submit(lambda: 41 + 1, called, answers.failed.append, time_limit=30)
    called.assert_called_with(42)
    assert answers.failed == []


def test_cancelling_the_resident_spares_the_main_lane_and_skips_a_job_not_yet_started(
    qtbot: QtBot, runner: BackgroundRunner,
) -> None:
    gate, answers, seal = threading.Event(), Answers(), Answers()
    tokens = [threading.Event() for _ in range(LANE_THREADS[Lane.FILES] + 1)]
    started = [threading.Event() for _ in tokens]
    ran: list[int] = []
    for n, token in enumerate(tokens):
        runner.submit(gated(gate, started[n], lambda n=n: ran.append(n)), answers.done.append,
                      answers.failed.append, lane=Lane.FILES, cancel=token)
    runner.submit(gated(gate, then=lambda: "sealed"), seal.done.append, seal.failed.append)
    running = LANE_THREADS[Lane.FILES]
    assert all(event.wait(GUARD_S) for event in started[:running])  # the last one waits
    assert runner.cancel_resident() == len(tokens)
    gate.set()
    assert runner.wait()
    qtbot.waitUntil(lambda: seal.done == ["sealed"])
    assert all(token.is_set() for token in tokens)
    assert answers.done == answers.failed == []
    assert not started[-1].is_set()
    assert sorted(ran) == list(range(running))  # the one still waiting never ran


def test_the_session_wipe_drops_the_answer_of_a_running_usb_import(
    qtbot: QtBot, kiosk: tuple[MainWindow, Navigator], tmp_path: Path,
) -> None:
    window, navigator = kiosk
    runner = window.findChild(BackgroundRunner)
    assert runner is not None
    stick_file = tmp_path / "to-khai.pdf"
    stick_file.write_bytes(tiny_pdf("to khai"))
    gate, started, cancel, answers = (threading.Event(), threading.Event(), threading.Event(),
                                      Answers())
    runner.submit(gated(gate, started, lambda: import_file(stick_file)), answers.done.append,
                  answers.failed.append, lane=Lane.FILES, time_limit=60, cancel=cancel)
    assert started.wait(GUARD_S)  # the import is running
    navigator.start_submission()
    navigator.end_session()  # the resident walked away: the one wipe
    gate.set()
    assert runner.wait()
    QCoreApplication.processEvents()
    assert cancel.is_set()
    assert answers.done == [] and answers.failed == []
    with qtbot.waitCallback() as called:  # the runner goes on taking the next resident's work
        runner.submit(lambda: import_file(stick_file), called, answers.failed.append,
                      lane=Lane.FILES)
    assert called.args is not None and called.args[0][0].name == "to-khai.pdf"
