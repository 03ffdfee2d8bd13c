"""One decision per screen: short form pages through the real window at 1366×768, finger
scrolling, wide scroll bars, messages that go once fixed, ticks that show."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QScrollBar, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.form_pages import PAGE_FIELDS
from kiosk.ui.theme import SCROLL_BAR
from tests.support import residents
from tests.support.kiosk import Kiosk
from tests.support.touch import Finger, open_window, pause
from tests.ui.conftest import services_for

pytestmark = pytest.mark.gui

APPLICANT, FORM, DOCUMENTS, REVIEW, DECLARATION = 2, 3, 4, 6, 7


@pytest.fixture
def kiosk(qtbot: QtBot, qapp: QApplication, backend: Kiosk
          ) -> Iterator[tuple[MainWindow, Navigator]]:
    window, navigator = open_window(qtbot, qapp, services_for(backend))
    yield window, navigator
    navigator.shutdown()


def at_form(finger: Finger, window: MainWindow, navigator: Navigator) -> FormScreen:
    residents.begin(finger, window, navigator, residents.BIRTH)
    residents.applicant_by_scanner(finger, navigator, "0912345678")
    form = navigator.wizard.current
    assert isinstance(form, FormScreen) and navigator.wizard.index == FORM
    return form


def mother_read(finger: Finger, window: MainWindow, navigator: Navigator) -> FormScreen:
    """At the form, the mother's CCCD under the USB reader."""
    form = at_form(finger, window, navigator)
    finger.scanner(MOTHER_CARD)
    finger.wait(lambda: form.fields.values()["ho_ten_me"] == "Trần Thị Ánh")
    return form


def inside(widget: QWidget, outer: QWidget) -> bool:
    """``widget`` lies wholly within ``outer``'s rectangle, as drawn now."""
    top_left = widget.mapTo(outer.window(), QPoint(0, 0))
    box = widget.rect().translated(top_left)
    frame = outer.rect().translated(outer.mapTo(outer.window(), QPoint(0, 0)))
    return frame.contains(box)


def test_every_birth_form_page_holds_at_most_four_fields_all_in_view_at_1366x768(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    form = at_form(Finger(), window, navigator)
    frame = navigator.wizard.frames[FORM]
    pages = form.fields
    assert pages.count() >= 3
    for index in range(pages.count()):
        pages.turn(index)
        pause(20)
        shown = [e for e in pages.editors.values() if e.isVisible()]
        assert 0 < len(shown) <= PAGE_FIELDS
        for fields in pages.lists[index]:
            assert fields.verticalScrollBar().maximum() == 0, pages.plan.title  # no scrolling
            for editor in fields.editors.values():
                assert inside(editor, fields.viewport())
        assert inside(frame.next_button, window) and inside(frame.back_button, window)
        number, total = pages.page_number()
        assert f"Trang {number}/{total}" in frame.step.text()
        assert form.heading.text() == pages.plan.title
    # The pages every resident sees: the parents, the child, the rest; the others (a
    # card's values typed by hand, the child's values the parents settle) only when needed.
    assert pages.page_number()[1] == sum(not plan.passable for plan in pages.plans) == 3


def test_next_and_back_turn_the_pages_then_change_the_step(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    wizard, pages = navigator.wizard, form.fields
    finger.go_on(navigator)  # nothing chosen: the first page's messages, no turning
    assert pages.index == 0 and wizard.index == FORM
    assert pages.editors["dan_toc_me"].error.isVisible()
    assert not pages.editors["ho_ten_tre"].error.text()  # another page: not yet
    residents.birth_form(finger, navigator)
    assert wizard.index == DOCUMENTS
    finger.tap(wizard.frames[DOCUMENTS].back_button)
    last = pages.index
    assert wizard.index == FORM and not pages.plan.passable  # back where the resident left
    seen = [last]
    while pages.index > 0:
        finger.tap(wizard.frames[FORM].back_button)
        seen.append(pages.index)
    # Back the way «Tiếp tục» came: the card pages she filled are passed over, as forward.
    assert all(not pages.plans[i].passable for i in seen) and len(seen) == 3
    finger.tap(wizard.frames[FORM].back_button)
    assert wizard.index == APPLICANT
    applicant = wizard.current
    assert isinstance(applicant, ApplicantScreen) and applicant.fields.index == 0


def test_sua_from_the_review_opens_the_page_of_the_field(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    residents.birth_form(finger, navigator)
    wizard = navigator.wizard
    wizard.go(REVIEW)
    wizard.edit(FORM, "quan_he_nguoi_khai")
    assert wizard.index == FORM
    assert form.fields.editors["quan_he_nguoi_khai"].isVisible()
    assert form.fields.index == form.fields.page_of("quan_he_nguoi_khai") > 0
    finger.go_on(navigator)  # «Xong, về trang xem lại»: straight back
    assert wizard.index == REVIEW


def test_a_message_goes_away_the_moment_its_field_is_right(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    finger.pad(form, "nam_sinh_me", "19")  # «Xong» on "19": not a year
    message = form.fields.editors["nam_sinh_me"].error
    assert message.isVisible() and message.text()
    editor = form.fields.editors["nam_sinh_me"].editor
    assert editor is not None
    finger.tap(editor)
    finger.tap(form.dock.pad.key("9"))
    assert message.isVisible()  # "199": still not a year
    finger.tap(form.dock.pad.key("5"))
    assert not message.isVisible()  # "1995": right, with the pad still open
    assert form.dock.is_open


def swipe(window: MainWindow, area: QScrollArea, distance: int) -> None:
    """A finger (the mouse of the test rig) pressed on the list, dragged up, lifted."""
    handle = window.windowHandle()
    assert handle is not None
    start = area.viewport().mapTo(window, area.viewport().rect().center())
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 11):
        QTest.mouseMove(handle, start - QPoint(0, distance * step // 10), 15)
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start - QPoint(0, distance), 15)


def test_a_swipe_scrolls_the_list_of_procedures(kiosk: tuple[MainWindow, Navigator]) -> None:
    window, navigator = kiosk
    Finger().tap_text(window, "Nộp hồ sơ")
    choose = navigator.wizard.current
    area = choose.scroller  # type: ignore[attr-defined]
    assert isinstance(area, QScrollArea) and area.verticalScrollBar().maximum() > 0
    assert area.verticalScrollBar().value() == 0
    swipe(window, area, 300)
    pause(600)  # it glides on a little
    assert area.verticalScrollBar().value() > 100
    assert navigator.wizard.index == 0  # a swipe over a card is not a tap on it


def test_scroll_bars_are_wide_enough_for_a_finger(kiosk: tuple[MainWindow, Navigator]) -> None:
    window, _navigator = kiosk
    Finger().tap_text(window, "Nộp hồ sơ")
    bars = [b for b in window.findChildren(QScrollBar)
            if b.isVisible() and b.orientation() == Qt.Orientation.Vertical]
    assert bars and min(bar.width() for bar in bars) >= SCROLL_BAR >= 60


def test_a_ticked_declaration_box_shows_a_tick(kiosk: tuple[MainWindow, Navigator]) -> None:
    _window, navigator = kiosk
    navigator.start_submission()
    navigator.wizard.go(DECLARATION)
    box = navigator.wizard.current.declare  # type: ignore[attr-defined]
    Finger().tap(box)
    assert box.isChecked()
    image = box.grab().toImage()
    middle = image.height() // 2
    inner = [QColor(image.pixel(x, y)) for x in range(10, 50) for y in range(middle - 20,
                                                                            middle + 20)]
    blue = sum(1 for c in inner if c.blue() > 120 and c.red() < 60)
    white = sum(1 for c in inner if c.lightness() > 240)
    assert blue > 300 and white > 60  # white strokes on the filled box: ✓


MOTHER_CARD = ("030195012345||Trần Thị Ánh|08031995|Nữ|"
               "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")
FATHER_CARD = ("030092012345||Lê Văn Bình|01021992|Nam|"
               "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")


def test_a_father_left_out_costs_nothing_and_the_child_starts_from_the_mother(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    pages = form.fields
    assert pages.plan.groups == ("Mẹ", "Cha")  # both parents on the first page
    finger.scanner(MOTHER_CARD)  # under the USB reader: the mother's, the first unread
    finger.wait(lambda: pages.values()["ho_ten_me"] == "Trần Thị Ánh")
    assert not pages.values()["ho_ten_cha"]
    summary = pages.lists[0][0].summary
    assert summary is not None and summary.name.text() == "Trần Thị Ánh"
    assert "Năm sinh: 1995" in summary.lines.text()
    assert "Quốc tịch: Việt Nam" in summary.lines.text()  # a CCCD holder is Vietnamese
    finger.pick(form, "dan_toc_me", "Tày")
    finger.go_on(navigator)
    assert pages.plan.group == "Trẻ" and not pages.plan.passable, pages.plan.title
    assert pages.page_number() == (2, 3)
    values = pages.values()
    assert values["ho_ten_tre"] == "Trần " and values["dan_toc"] == "Tày"
    assert values["quoc_tich"] == "Việt Nam"  # settled by the mother's, never asked
    finger.keyboard(form, "ho_ten_tre", *"an")
    assert pages.values()["ho_ten_tre"] == "Trần An"  # only the given name was typed


def test_two_cards_on_one_page_each_fill_their_own_person_and_the_page_still_fits(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    pages = form.fields
    father = pages.lists[0][1].scans["Cha"]
    finger.tap(father.button)  # «Quét thẻ của cha» tapped first
    assert father.tapped and father.takes_burst(), pages.lists[0][0].scans["Mẹ"].tapped
    finger.scanner(FATHER_CARD)
    finger.wait(lambda: pages.values()["ho_ten_cha"] == "Lê Văn Bình")
    assert not pages.values()["ho_ten_me"]
    finger.scanner(MOTHER_CARD)  # the next card: the mother's, still unread
    finger.wait(lambda: pages.values()["ho_ten_me"] == "Trần Thị Ánh")
    assert pages.values()["ho_ten_cha"] == "Lê Văn Bình"
    pause(20)
    for fields in pages.lists[0]:
        assert fields.verticalScrollBar().maximum() == 0  # both summaries in view
        assert fields.horizontalScrollBar().maximum() == 0
    finger.pick(form, "dan_toc_me", "Kinh")
    finger.pick(form, "dan_toc_cha", "Kinh")
    finger.go_on(navigator)
    assert pages.plan.group == "Trẻ"
    assert pages.values()["ho_ten_tre"] == "Lê "  # the father's family name
    assert pages.values()["dan_toc"] == "Kinh"


def test_a_card_value_is_changed_from_its_summary_and_the_page_comes_back(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = mother_read(finger, window, navigator)
    pages = form.fields
    summary = pages.lists[0][0].summary
    assert summary is not None and summary.button.text() == "Sửa"
    finger.tap(summary.button)
    assert pages.plan.kind == "card" and pages.editors["nam_sinh_me"].isVisible()
    editor = pages.editors["nam_sinh_me"].editor
    assert editor is not None
    finger.tap(editor)
    for key in ("backspace", "6", "done"):  # 1995 → 1996
        finger.tap(form.dock.pad.key(key))
    finger.go_on(navigator)  # her second card page has nothing missing: back to the first
    assert pages.index == 0
    assert "Năm sinh: 1996" in summary.lines.text()
    assert pages.values()["nam_sinh_me"] == "1996"


def test_no_card_the_person_is_typed_by_hand_page_by_page(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = at_form(finger, window, navigator)
    pages = form.fields
    summary = pages.lists[0][0].summary
    assert summary is not None and summary.button.text() == "Nhập tay"
    finger.tap(summary.button)
    first = pages.index
    finger.go_on(navigator)  # nothing typed: that page's messages
    assert pages.index == first and pages.editors["ho_ten_me"].error.isVisible()
    finger.keyboard(form, "ho_ten_me", *"lan")
    finger.pad(form, "nam_sinh_me", "1990")
    finger.go_on(navigator)
    assert pages.index == first + 1  # the residence is missing: its page shows
    finger.keyboard(form, "noi_cu_tru_me", *"thon", "space", *"dong")
    finger.go_on(navigator)
    assert pages.index == 0 and summary.name.text() == "Lan"


def test_a_father_declared_by_hand_gives_the_family_name(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    finger = Finger()
    form = mother_read(finger, window, navigator)
    pages = form.fields
    finger.pick(form, "dan_toc_me", "Kinh")
    finger.keyboard(form, "ho_ten_cha", *"le", "space", *"binh", "huyen")
    assert pages.plan.group == "Cha" and pages.plan.kind == "card"
    finger.pad(form, "nam_sinh_cha", "1992")
    finger.go_on(navigator)  # his other card page: nothing required, passed; back to page 1
    assert pages.index == 0
    summary = pages.lists[0][1].summary
    assert summary is not None and summary.name.text() == "Le Bình"
    finger.go_on(navigator)
    assert pages.plan.group == "Trẻ"
    assert pages.values()["ho_ten_tre"] == "Le "  # the father's family name first


def test_a_long_or_odd_card_value_wraps_in_its_column_and_shows_as_typed(
    kiosk: tuple[MainWindow, Navigator],
) -> None:
    window, navigator = kiosk
    form = at_form(Finger(), window, navigator)
    pages = form.fields
    long_name = " ".join(["ỐỒỔỖỘ Ẩ Ặ"] * 22)[:100].strip()  # the field holds 100
    odd_place = "<b>Thôn</b> & " + "Ngõ " * 70
    pages.set_values({"ho_ten_me": long_name, "noi_cu_tru_me": odd_place, "nam_sinh_me": "1995"})
    pause(20)
    summary = pages.lists[0][0].summary
    assert summary is not None
    assert summary.name.text() == long_name  # as given, stacked tones and all
    assert odd_place.strip() in summary.lines.text()
    assert summary.lines.textFormat() == summary.name.textFormat() == Qt.TextFormat.PlainText
    for fields in pages.lists[0]:
        assert fields.horizontalScrollBar().maximum() == 0  # wrapped, not widened
    assert summary.button.text() == "Sửa" and summary.button.isVisible()
