"""The Documents step's list: only the ways in that exist, USB files, scans, delete, wipe.

The camera is a video file of a synthetic page on a desk (tests/ui/test_capture.py
photographs with it); the scanner is ``FakeScanner`` or SANE with a private
configuration; the USB mount root is a temporary folder.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.demo.scanner import FakeScanner
from kiosk.domain.catalogue import DocumentComponent, Procedure
from kiosk.domain.draft import DraftDocument
from kiosk.scanner.sane import Scanner
from kiosk.ui.draft_state import DraftState
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.widgets.document_row import DocumentRow
from tests.support.kiosk import Kiosk, tiny_pdf
from tests.support.papers import (
    desk_video,
    fill_stick,
    no_scanner,
    sane_scanner,
    video_camera,
)
from tests.support.touch import pause, spin_until
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui

BIRTH = "1.001193"
GCS_NAME = "Giấy chứng sinh (hoặc văn bản của người làm chứng / giấy cam đoan về việc sinh)"
GCS_TITLE = "Giấy chứng sinh"  # the name without its bracketed remark
CAPITALS = "ẤẦẨẪẬẮẰẲẴẶẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰỲỶỸỴÝ"


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[BackgroundRunner]:
    runner = BackgroundRunner()
    yield runner
    runner.shutdown()  # the screens that asked are deleted after the test


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    return fill_stick(tmp_path / "usb")


Open = Callable[..., tuple[DocumentsScreen, DraftState]]


@pytest.fixture
def open_screen(
    qtbot: QtBot, backend: Kiosk, runner: BackgroundRunner, tmp_path: Path,
) -> Iterator[Open]:
    """The step for a procedure, on a scanner and a USB root of the test's choosing."""
    opened: list[DocumentsScreen] = []
    video = [desk_video(tmp_path / "page.avi")]

    def open_(scanner: Callable[[], Scanner] | None = FakeScanner, usb_root: Path | None = None,
              procedure: Procedure | None = None, width: int = 1366
              ) -> tuple[DocumentsScreen, DraftState]:
        services = services_for(backend, open_camera=video_camera(video))
        screen = DocumentsScreen(services, runner, scanner, usb_root or tmp_path / "no-stick")
        qtbot.addWidget(screen)
        opened.append(screen)
        screen.resize(width, 640)
        state = DraftState(procedure=procedure or backend.catalogue.get(BIRTH))
        screen.load(state)
        screen.show()
        qtbot.waitExposed(screen)
        spin_until(lambda: not screen.scanner.probing, 20_000)
        return screen, state

    yield open_
    for screen in opened:
        if screen.capture is not None:
            screen.capture.stop()
    runner.wait()


def tap(parent: QWidget, text: str, index: int = 0) -> None:
    found = [b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) > index, f"no visible button {text!r}"
    click(found[index])


def click(button: QPushButton) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def visible_texts(row: DocumentRow) -> list[str]:
    """The ways in the row offers (its «Xem thêm» left out)."""
    return [b.text() for b in row.findChildren(QPushButton)
            if b.isVisible() and b is not row.title.button]


def tiles(screen: DocumentsScreen, code: str) -> int:
    return screen.rows[code].tile_count()


def settled(screen: DocumentsScreen) -> bool:
    return all(p.jobs == 0 for p in screen._papers.values())


# -- the scanner: offered only when one is there ----------------------------------------------


def test_with_no_scanner_found_no_row_offers_to_scan(open_screen: Open) -> None:
    documents, _state = open_screen(scanner=no_scanner)
    assert documents.rows
    for row in documents.rows.values():
        assert visible_texts(row) == ["Chụp bằng camera", "Từ USB"]


def test_sane_without_a_device_offers_no_scanner_and_its_test_device_does(
    open_screen: Open, tmp_path: Path
) -> None:
    absent, _ = open_screen(scanner=lambda: sane_scanner(tmp_path / "none", ""))
    assert "Quét bằng máy quét" not in visible_texts(absent.rows["GCS"])
    present, _ = open_screen(scanner=lambda: sane_scanner(tmp_path / "test", "test"))
    assert visible_texts(present.rows["GCS"]) == ["Chụp bằng camera", "Từ USB",
                                                  "Quét bằng máy quét"]


def test_a_scanner_program_that_is_not_installed_means_no_scanner_button(
    open_screen: Open, tmp_path: Path
) -> None:
    def missing() -> Scanner:
        scanner = sane_scanner(tmp_path / "x", "test")
        scanner.executable = "scanimage-not-installed"  # type: ignore[attr-defined]
        return scanner

    documents, _ = open_screen(scanner=missing)
    assert "Quét bằng máy quét" not in visible_texts(documents.rows["GCS"])


def test_the_scanner_is_probed_off_the_gui_thread_and_the_answer_is_kept(
    open_screen: Open
) -> None:
    threads: list[threading.Thread] = []

    def counted() -> Scanner:
        threads.append(threading.current_thread())
        return FakeScanner()

    documents, state = open_screen(scanner=counted)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    documents.load(state)
    documents.load(state)
    assert len(threads) == 1  # cached: the next resident does not wait for SANE


def test_a_scanner_unplugged_since_the_probe_disappears_after_a_failed_scan(
    open_screen: Open
) -> None:
    scanner = FakeScanner()
    documents, _ = open_screen(scanner=lambda: scanner)
    scanner.devices = []
    tap(documents.rows["GCS"], "Quét bằng máy quét")
    spin_until(lambda: settled(documents) and not documents.scanner.probing, 10_000)
    assert "Không tìm thấy máy quét" in documents.rows["GCS"].status.text()
    assert "Quét bằng máy quét" not in visible_texts(documents.rows["GCS"])


def test_a_flatbed_scan_adds_a_page(open_screen: Open) -> None:
    documents, state = open_screen()
    tap(documents.rows["GCS"], "Quét bằng máy quét")
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 30_000)
    assert documents.rows["GCS"].status.text() == "Đã quét xong."
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert gcs.kind == "pdf" and gcs.pages == 1


def test_deleting_a_page_leaves_the_others_in_the_pdf(open_screen: Open) -> None:
    documents, state = open_screen()
    for count in (1, 2):
        tap(documents.rows["GCS"], "Quét bằng máy quét")
        spin_until(lambda c=count: tiles(documents, "GCS") == c and settled(documents), 30_000)
    tap(documents.rows["GCS"], "Xoá")
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 30_000)
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert gcs.pages == 1


def test_deleting_a_file_after_a_page_drops_the_file_and_keeps_the_page(
    open_screen: Open, usb: Path,
) -> None:
    documents, state = open_screen(usb_root=usb)
    tap(documents.rows["GCS"], "Quét bằng máy quét")
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 30_000)
    open_usb(documents, "GCS")
    click(usb_button(documents, "to-khai.pdf"))
    spin_until(lambda: tiles(documents, "GCS") == 2 and settled(documents), 10_000)
    tap(documents.rows["GCS"], "Xoá", index=1)  # the file's tile comes after the page's
    spin_until(lambda: tiles(documents, "GCS") == 1, 10_000)
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert (gcs.kind, gcs.pages) == ("pdf", 1) and gcs.file_name == "gcs.pdf"


# -- USB: «Xin cắm USB» until a stick is in --------------------------------------------------


def file_buttons(documents: DocumentsScreen) -> list[QPushButton]:
    assert documents.usb is not None
    return [b for b in documents.usb.findChildren(QPushButton)
            if b.objectName() == "fileButton" and b.isVisible()]


def open_usb(documents: DocumentsScreen, code: str) -> None:
    tap(documents.rows[code], "Từ USB")
    spin_until(lambda: any("to-khai.pdf" in b.text() for b in file_buttons(documents)), 10_000)


def usb_button(documents: DocumentsScreen, name: str) -> QPushButton:
    (button,) = [b for b in file_buttons(documents) if name in b.text()]
    return button


def test_with_no_stick_in_the_resident_is_asked_for_one_and_told_what_to_expect(
    open_screen: Open, tmp_path: Path
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    documents, _ = open_screen(usb_root=root)
    tap(documents.rows["GCS"], "Từ USB")
    usb = documents.usb
    assert usb is not None
    spin_until(lambda: usb.waiting.text() == "Đang chờ USB…", 10_000)
    assert usb.waiting_for_stick and usb.insert_title.isVisible()
    assert usb.insert_title.text() == "Xin cắm USB"
    assert "PDF" in usb.expect.text() and "hiện ra ở đây" in usb.expect.text()
    assert file_buttons(documents) == []


def test_a_stick_put_in_while_waiting_lists_its_files_by_itself(
    open_screen: Open, tmp_path: Path
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    documents, state = open_screen(usb_root=root)
    tap(documents.rows["GCS"], "Từ USB")
    usb = documents.usb
    assert usb is not None
    spin_until(lambda: usb.waiting.text() == "Đang chờ USB…", 10_000)
    fill_stick(root / "KINGSTON")  # the stick is mounted
    spin_until(lambda: len(file_buttons(documents)) == 3, 10_000)
    assert not usb.waiting_for_stick
    click(usb_button(documents, "chung-sinh.png"))
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 10_000)
    assert documents.views.currentIndex() == 0  # back on the list
    documents.commit(state, date(2026, 11, 24))
    (gcs,) = [d for d in state.documents if d.component_code == "GCS"]
    assert (gcs.file_name, gcs.kind, gcs.content_type) == ("chung-sinh.png", "png", "image/png")


def test_a_stick_pulled_out_brings_the_request_back(open_screen: Open, usb: Path) -> None:
    documents, _ = open_screen(usb_root=usb)
    open_usb(documents, "GCS")
    for path in sorted(usb.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert documents.usb is not None
    spin_until(lambda: documents.usb is not None and documents.usb.waiting_for_stick, 10_000)
    assert file_buttons(documents) == []


def test_a_stick_with_no_file_the_kiosk_takes_says_so(open_screen: Open, tmp_path: Path
                                                      ) -> None:
    root = tmp_path / "media"
    (root / "stick").mkdir(parents=True)
    (root / "stick" / "ghi chú.txt").write_text("không phải giấy tờ", encoding="utf-8")
    (root / "stick" / "nhạc.mp3").write_bytes(b"ID3" + b"\0" * 100)
    documents, _ = open_screen(usb_root=root)
    tap(documents.rows["GCS"], "Từ USB")
    usb = documents.usb
    assert usb is not None
    spin_until(lambda: "không có tệp PDF" in usb.waiting.text(), 10_000)
    assert usb.waiting_for_stick and file_buttons(documents) == []


def test_the_listing_is_not_rebuilt_while_the_stick_stays_the_same(
    open_screen: Open, usb: Path
) -> None:
    documents, _ = open_screen(usb_root=usb)
    open_usb(documents, "GCS")
    before = file_buttons(documents)
    usb = documents.usb
    assert usb is not None
    seen = usb.listings
    spin_until(lambda: usb.listings >= seen + 2, 10_000)  # the stick was read twice more
    assert file_buttons(documents) == before  # the very same buttons, where they were


def test_polling_stops_when_the_resident_leaves_the_usb_view(open_screen: Open, usb: Path
                                                              ) -> None:
    documents, _ = open_screen(usb_root=usb)
    open_usb(documents, "GCS")
    assert documents.usb is not None and documents.usb._timer.isActive()
    tap(documents.usb, "Quay lại danh sách")
    assert not documents.usb._timer.isActive()


def test_a_text_file_renamed_to_pdf_is_refused_in_vietnamese(open_screen: Open, usb: Path
                                                              ) -> None:
    documents, _ = open_screen(usb_root=usb)
    open_usb(documents, "GCS")
    assert documents.usb is not None
    click(usb_button(documents, "ghi-chu.pdf"))
    message = documents.usb.message
    spin_until(lambda: "Không dùng được" in message.text(), 10_000)
    assert "không phải PDF" in message.text()
    assert tiles(documents, "GCS") == 0


# -- the rows: titles, generated components, required ones ------------------------------------


def title_label(row: DocumentRow) -> QLabel:
    (label,) = [lb for lb in row.findChildren(QLabel) if lb is row.title.line]
    return label


def assert_not_clipped(label: QLabel, row: DocumentRow) -> None:
    assert label.wordWrap()
    assert label.heightForWidth(label.width()) <= label.height()
    right = label.mapTo(row, label.rect().bottomRight())
    assert right.x() <= row.width() and right.y() <= row.height()


def test_the_birth_certificates_long_title_wraps_inside_its_row_at_every_width(
    open_screen: Open
) -> None:
    for width in (700, 900, 1100, 1366, 1920):  # each shown first at that width
        documents, _ = open_screen(width=width)
        row = documents.rows["GCS"]
        label = title_label(row)
        assert label.text() == GCS_TITLE
        assert_not_clipped(label, row)
    for width in range(700, 1960, 40):  # and resized
        documents.resize(width, 640)
        pause(0)
        assert_not_clipped(label, row)


def test_a_200_character_title_with_stacked_tones_wraps_and_is_whole(
    open_screen: Open, backend: Kiosk
) -> None:
    birth = backend.catalogue.get(BIRTH)
    name = ("Giấy " + CAPITALS + " ") * 5
    name = name[:200].strip()
    long = DocumentComponent("DAI", name, required=False)
    documents, _ = open_screen(procedure=dataclasses.replace(
        birth, documents=(*birth.documents, long)))
    QApplication.processEvents()
    row = documents.rows["DAI"]
    label = title_label(row)
    assert label.text() == name  # nothing cut off or replaced
    assert label.height() >= 2 * label.fontMetrics().lineSpacing()
    assert_not_clipped(label, row)


def shown_texts(row: DocumentRow) -> list[str]:
    return [lb.text() for lb in row.findChildren(QLabel) if lb.isVisible() and lb.text()]


def test_a_papers_note_and_remark_wait_behind_xem_thêm(open_screen: Open) -> None:
    documents, _ = open_screen()
    row = documents.rows["GCS"]
    note = row.component.note
    assert note and row.component.name == GCS_NAME
    assert not any(note in text for text in shown_texts(row))
    assert not any("người làm chứng" in text for text in shown_texts(row))
    more = row.title.button
    assert more.isVisible() and more.text() == "Xem thêm"
    assert more.height() >= 60 and more.width() >= 60
    click(more)
    texts = shown_texts(row)
    assert any(text.startswith("Hoặc văn bản của người làm chứng") and note in text
               for text in texts)
    assert more.text() == "Thu gọn"
    assert visible_texts(row) == ["Chụp bằng camera", "Từ USB", "Quét bằng máy quét"]
    click(more)
    assert not any(note in text for text in shown_texts(row))


def test_a_paper_with_nothing_more_to_say_has_no_xem_thêm(
    open_screen: Open, backend: Kiosk
) -> None:
    birth = backend.catalogue.get(BIRTH)
    plain = DocumentComponent("KHAC", "Giấy tờ khác", required=False)
    documents, _ = open_screen(procedure=dataclasses.replace(
        birth, documents=(*birth.documents, plain)))
    row = documents.rows["KHAC"]
    assert not row.title.button.isVisible()
    assert title_label(row).text() == "Giấy tờ khác"


def test_a_component_the_kiosk_writes_itself_is_not_listed(
    open_screen: Open, backend: Kiosk
) -> None:
    birth = backend.catalogue.get(BIRTH)
    assert [c.code for c in birth.documents if c.generated] == ["TK"]  # the shipped catalogue
    documents, state = open_screen(procedure=birth)
    assert "TK" not in documents.rows and "GCS" in documents.rows
    tk = DraftDocument("TK", "to-khai.pdf", "pdf", "application/pdf", tiny_pdf("tk"), 1)
    state.documents = [tk]
    documents.commit(state, date(2026, 11, 24))
    assert tk in state.documents  # the draft's own tờ khai survives the step's commit


def test_a_missing_required_document_blocks_going_on_and_is_named(open_screen: Open) -> None:
    documents, state = open_screen()
    problems = documents.commit(state, date(2026, 11, 24))
    assert not problems.ok
    assert "Giấy chứng sinh" in documents.message.text()
    tap(documents.rows["GCS"], "Quét bằng máy quét")
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 30_000)
    problems = documents.commit(state, date(2026, 11, 24))
    assert "Giấy chứng sinh" not in documents.message.text()
    assert all(e.field != "GCS" for e in problems.errors)


def test_every_required_document_lets_the_resident_go_on(open_screen: Open) -> None:
    documents, state = open_screen()
    required = [code for code, row in documents.rows.items() if row.component.required]
    for code in required:
        tap(documents.rows[code], "Quét bằng máy quét")
        spin_until(lambda c=code: tiles(documents, c) == 1 and settled(documents), 30_000)
    assert documents.commit(state, date(2026, 11, 24)).ok
    assert documents.message.text() == ""
    assert [d.component_code for d in state.documents] == required


def test_clear_leaves_nothing_of_the_resident_on_screen(open_screen: Open, usb: Path) -> None:
    documents, state = open_screen(usb_root=usb)
    tap(documents.rows["GCS"], "Quét bằng máy quét")
    spin_until(lambda: tiles(documents, "GCS") == 1 and settled(documents), 30_000)
    open_usb(documents, "GCS")
    documents.commit(state, date(2026, 11, 24))
    documents.clear()
    pause(100)  # deleteLater of the old rows
    assert documents.rows == {} and documents.documents() == []
    labels = [lb for lb in documents.findChildren(QLabel)]
    assert all(lb.pixmap().isNull() for lb in labels)
    texts = {lb.text() for lb in labels if lb.isVisibleTo(documents)} - {""}
    assert texts == {"Thêm từng giấy tờ dưới đây; giấy «Bắt buộc» phải có."}
    assert documents.usb is not None and not any(
        ".pdf" in b.text() for b in documents.usb.findChildren(QPushButton))
    assert documents.capture is not None and not documents.capture.editor.has_image()
