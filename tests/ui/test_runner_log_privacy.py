"""What the background runner logs about a job names the job, never what it was given."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.ui.runner import BackgroundRunner
from tests.support.kiosk import birth_draft, open_kiosk

pytestmark = pytest.mark.gui


def seal(draft: object) -> object:
    return draft


def test_a_job_refused_after_shutdown_is_logged_by_name_not_by_its_arguments(
        qapp: QApplication, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    kiosk = open_kiosk(tmp_path / "kiosk")
    try:
        draft = birth_draft(kiosk.catalogue, kiosk.clock())
    finally:
        kiosk.close()
    runner = BackgroundRunner()
    assert runner.shutdown()
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.runner"):
        runner.submit(functools.partial(seal, draft), lambda _r: None, lambda _e: None)
    (record,) = caplog.records
    assert record.getMessage() == "job seal submitted after shutdown: not run"
    assert draft.applicant.full_name not in caplog.text
