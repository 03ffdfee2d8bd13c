"""The procedure's details: short lines to decide on, every long note behind «Xem thêm»."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.domain.catalogue import Procedure
from kiosk.services import shipped_catalogue
from kiosk.ui import theme
from kiosk.ui.draft_state import DraftState
from kiosk.ui.screens.details import ProcedureDetailsScreen
from kiosk.ui.widgets.more import MoreText
from kiosk.ui.wizard import StepFrame
from tests.support.touch import Finger

pytestmark = pytest.mark.gui

BIRTH = "1.001193"
FEES = {"xac_nhan_tinh_trang_hon_nhan": 15_000}
WORD = re.compile(r"\w+")
PROCEDURES = [p.code for p in shipped_catalogue()]


def open_details(qtbot: QtBot, code: str, size: tuple[int, int] = (1366, 768)
                 ) -> tuple[ProcedureDetailsScreen, StepFrame]:
    """The step in its frame (header, «Tiếp tục») at a window's size."""
    details = ProcedureDetailsScreen(FEES)
    frame = StepFrame(details, 2, 8)
    qtbot.addWidget(frame)
    frame.resize(*size)
    state = DraftState()
    state.choose(shipped_catalogue().get(code))
    details.load(state)
    frame.show()
    qtbot.waitExposed(frame)
    settle()
    return details, frame


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def shown(details: ProcedureDetailsScreen) -> list[str]:
    return [lb.text() for lb in details.findChildren(QLabel) if lb.isVisible() and lb.text()]


def procedure(code: str) -> Procedure:
    return shipped_catalogue().get(code)


def with_notes(details: ProcedureDetailsScreen) -> list[MoreText]:
    return [row for row in details.rows if row.has_more]


def test_the_papers_are_short_names_marked_required_or_if_any(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    lines = shown(details)
    assert "• Giấy chứng sinh (bắt buộc)" in lines
    assert "• Giấy chứng nhận kết hôn của cha, mẹ (nếu có)" in lines
    assert "• Văn bản ủy quyền (nếu có)" in lines
    # The bracketed remark of a name waits behind the tap with the note.
    (birth_paper,) = [r for r in details.rows if "Giấy chứng sinh" in r.line.text()]
    assert birth_paper.more.text().startswith("Hoặc văn bản của người làm chứng")
    assert procedure(BIRTH).documents[1].note in birth_paper.more.text()


@pytest.mark.parametrize("code", PROCEDURES)
def test_the_tờ_khai_is_said_once_as_written_by_the_kiosk_and_never_as_a_paper(
    qtbot: QtBot, code: str
) -> None:
    details, _ = open_details(qtbot, code)
    lines = shown(details)
    generated = procedure(code).generated_documents
    said = lines.count("Tờ khai: máy tự lập, không cần mang theo.")
    assert said == (1 if generated else 0)  # a certified copy has no tờ khai at all
    for document in generated:
        assert not any(document.name in line for line in lines)
    papers = [line for line in lines if line.startswith("• ")]
    assert len(papers) == len(procedure(code).documents_to_bring)


def test_time_fee_and_result_are_one_line_each(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    lines = shown(details)
    assert "Thời hạn: 3 ngày làm việc" in lines
    assert "Lệ phí: Miễn phí" in lines
    assert f"Kết quả: {procedure(BIRTH).result}" in lines
    assert any(line.startswith("Nhận kết quả:") and "bưu điện" in line for line in lines)


@pytest.mark.parametrize("code", PROCEDURES)
def test_every_long_note_is_hidden_until_its_xem_thêm_is_tapped(
    qtbot: QtBot, code: str
) -> None:
    details, _ = open_details(qtbot, code)
    p = procedure(code)
    notes = [d.note for d in p.documents_to_bring if d.note] + [f.note for f in p.fees if f.note]
    notes += [p.time_limit.note] if p.time_limit.note else []
    hidden = " ".join(row.more.text() for row in with_notes(details))
    for note in notes:
        assert note in hidden, note
        assert not any(note in line for line in shown(details)), note
    assert p.level_name in hidden  # the service level too: the card showed it in short
    assert all(not row.more.isVisible() for row in details.rows)
    # Before any tap the page is short enough to read standing at the kiosk.
    assert sum(len(WORD.findall(line)) for line in shown(details)) <= 120


def test_a_tap_shows_the_note_in_place_and_another_hides_it(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    finger = Finger()
    row = with_notes(details)[0]
    assert row.button.text() == "Xem thêm" and not row.more.isVisible()
    top = row.line.mapTo(details, row.line.rect().topLeft())
    finger.tap(row.button)
    settle()
    assert row.more.isVisible() and row.is_open()
    assert row.button.text() == "Thu gọn"
    assert row.more.mapTo(details, row.more.rect().topLeft()).y() > top.y()  # under its line
    assert row.line.mapTo(details, row.line.rect().topLeft()) == top  # the line stays put
    others = [r for r in with_notes(details) if r is not row]
    assert all(not r.more.isVisible() for r in others)  # only the one tapped opens
    finger.tap(row.button)
    settle()
    assert not row.more.isVisible() and row.button.text() == "Xem thêm"


def test_the_xem_thêm_buttons_are_touch_targets_that_keep_their_width(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    rows = with_notes(details)
    assert len(rows) >= 5  # three papers, the time limit, the fee, how the result comes
    for row in rows:
        width = row.button.width()
        assert row.button.height() >= 60 and width >= 60
        row.set_open(True)
        settle()
        assert row.button.width() == width  # «Thu gọn» beside the line: nothing re-wraps


@pytest.mark.parametrize("code", PROCEDURES)
def test_at_1366_by_768_the_page_fits_above_tiếp_tục(qtbot: QtBot, code: str) -> None:
    details, frame = open_details(qtbot, code)
    assert details.scroller.verticalScrollBar().maximum() == 0, "the page has to be scrolled"
    bottom = frame.next_button.mapTo(frame, frame.next_button.rect().bottomRight())
    assert bottom.y() <= 768


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_opened_notes_are_whole_at_either_window_size(
    qtbot: QtBot, size: tuple[int, int]
) -> None:
    for code in PROCEDURES:
        details, _ = open_details(qtbot, code, size)
        for row in details.rows:
            row.set_open(True)
        settle()
        for row in details.rows:
            for label in (row.line, row.more):
                if label.isVisible():
                    assert label.heightForWidth(label.width()) <= label.height(), label.text()


def test_a_note_opened_below_the_fold_is_scrolled_into_view(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    finger = Finger()
    for row in with_notes(details)[:-1]:
        row.set_open(True)  # the page is longer than the screen now
    settle()
    last = with_notes(details)[-1]
    finger.tap(last.button)
    settle()
    viewport = details.scroller.viewport()
    bottom = last.more.mapTo(viewport, last.more.rect().bottomLeft())
    assert details.scroller.verticalScrollBar().value() > 0
    assert 0 <= bottom.y() <= viewport.height()


def test_larger_text_puts_the_columns_one_under_the_other_and_every_line_whole(
    qtbot: QtBot, qapp: QApplication
) -> None:
    font, sheet = qapp.font(), qapp.styleSheet()
    try:
        large = theme.apply(qapp, theme.TextSize.LARGE)
        details = ProcedureDetailsScreen(FEES)
        details.set_metrics(large)
        frame = StepFrame(details, 2, 8)
        qtbot.addWidget(frame)
        frame.resize(1366, 768)
        state = DraftState()
        state.choose(procedure(BIRTH))
        details.load(state)
        frame.show()
        settle()
        papers, terms = details.rows[0], details.rows[-1]
        assert terms.y() > papers.y() and terms.width() == papers.width()  # one column
        for row in details.rows:
            assert row.line.heightForWidth(row.line.width()) <= row.line.height()
            assert row.button.isHidden() or row.button.height() >= 60
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)


def test_going_on_needs_a_procedure_and_clear_leaves_nothing(qtbot: QtBot) -> None:
    details, _ = open_details(qtbot, BIRTH)
    state = DraftState()
    assert not details.commit(state, date(2026, 11, 24)).ok
    state.choose(procedure(BIRTH))
    assert details.commit(state, date(2026, 11, 24)).ok
    details.clear()
    assert details.rows == []
    assert all(not lb.text() for lb in details.findChildren(QLabel) if lb.isVisible())
    assert not [b for b in details.findChildren(QPushButton) if b.isVisible()]
