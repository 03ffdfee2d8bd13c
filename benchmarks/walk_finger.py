"""The counting finger of ``benchmarks.bench_walk`` and the grandmother's walk it taps.

Kept apart from the benchmark's command line so that the Qt imports happen only
once the platform is chosen.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from benchmarks.bench_walk import CHILD_BORN, GRANDMOTHER, MOTHER, PHONE, Count
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.form_pages import FormPages
from kiosk.ui.widgets.keyboard import _KeyPanel
from tests.support.kiosk import Kiosk, open_kiosk
from tests.support.papers import desk_video, video_camera
from tests.support.residents import BIRTH, card_read
from tests.support.touch import SLOW_MS, Finger, pause

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


class CountingFinger(Finger):
    """A ``Finger`` that counts what the resident does and sees."""

    def __init__(self, window: MainWindow, navigator: Navigator, kiosk: Kiosk) -> None:
        super().__init__()
        self.window, self.navigator, self.kiosk = window, navigator, kiosk
        self.count = Count()
        self._seen: set[str] = set()
        self._read: set[str] = set()  # every text read so far, once
        self.look()

    @classmethod
    def on_new_kiosk(cls, app: QApplication, folder: Path, width: int, height: int
                     ) -> CountingFinger:
        from kiosk.app import build_window
        from kiosk.receipts.service import ReceiptPrinter
        from kiosk.ui.context import UiServices

        kiosk = open_kiosk(folder / "data")
        video = [desk_video(folder / "desk.avi")]
        receipts = ReceiptPrinter(kiosk.runtime.config, lambda _pdf: None)
        services = UiServices(kiosk.runtime.config, kiosk.catalogue, kiosk.queue,
                              kiosk.submitter, kiosk.clock, print_receipt=receipts.print,
                              open_camera=video_camera(video), office=kiosk.office)
        window, navigator = build_window(app, services, windowed=True)
        window.resize(width, height)
        window.show()
        pause(200)
        return cls(window, navigator, kiosk)

    def close(self) -> None:
        self.navigator.shutdown()
        self.window.close()
        self.kiosk.close()

    # -- counting --------------------------------------------------------------------

    def tap(self, widget: QWidget) -> None:
        on_keys = _inside_key_panel(widget)
        if not on_keys and _partly_hidden(widget):
            self.count.taps += 1  # the swipe that brings it into view (Finger swipes first)
            self.count.swipes += 1
        super().tap(widget)
        if on_keys:
            self.count.keyboard_taps += 1
        else:
            self.count.taps += 1
        pause(30)  # what the tap started shows before she looks
        self.look()

    def wait(self, condition, timeout_ms: int = 10_000) -> None:  # type: ignore[no-untyped-def]
        super().wait(condition, timeout_ms)
        self.look()

    def read_through(self, screen: QWidget) -> None:
        """She reads a long screen to its end (the review): a swipe for each screenful
        below the first, and the words that come into view read as they come."""
        areas = [area for area in screen.findChildren(QScrollArea) if area.isVisible()]
        if not areas:
            return
        area = max(areas, key=lambda a: a.verticalScrollBar().maximum())
        bar = area.verticalScrollBar()
        while bar.value() < bar.maximum():
            bar.setValue(bar.value() + area.viewport().height() * 4 // 5)
            self.count.taps += 1
            self.count.swipes += 1
            pause(30)
            words = words_shown(self.window, self._read)
            self.count.words_read += words
            self.count.words_by_screen[self.screen_name()] += words

    def show_card(self, payload: str) -> None:
        """She holds a card under the USB QR reader (it types the payload and Enter)."""
        self.count.cards_shown += 1
        self.scanner(payload)
        pause(100)
        self.look()

    def look(self) -> None:
        """A screen seen for the first time: counted, and its words read."""
        name = self.screen_name()
        if name in self._seen:
            return
        self._seen.add(name)
        self.count.screens.append(name)
        words = words_shown(self.window, self._read)
        self.count.words_read += words
        self.count.words_by_screen[name] = words

    def screen_name(self) -> str:
        shown = self.window.stack.currentWidget()
        navigator = self.navigator
        frames = navigator.wizard.frames
        if shown not in frames:
            return shown.objectName() or type(shown).__name__
        number = frames.index(shown)  # type: ignore[arg-type]
        pages = getattr(frames[number].content, "fields", None)
        page = f" {pages.index + 1}/{pages.count()}" if isinstance(pages, FormPages) else ""
        return f"step {number + 1}{page}"


def _partly_hidden(widget: QWidget) -> bool:
    shown = widget.visibleRegion().boundingRect()
    return shown.size() != widget.rect().size()


def _inside_key_panel(widget: QWidget | None) -> bool:
    while widget is not None:
        if isinstance(widget, _KeyPanel):
            return True
        widget = widget.parentWidget()
    return False


def words_shown(window: QWidget, read: set[str]) -> int:
    """The words a resident reads on the screen shown: labels and buttons in view (not
    scrolled away, not behind another page), the keyboard's keys left out, and a text
    she has read before («Tiếp tục», a line shown again) not read again; ``read`` grows."""
    texts: list[str] = []
    for label in window.findChildren(QLabel):
        if _in_view(label) and not _inside_key_panel(label):
            texts.append(_TAG.sub(" ", label.text()))
    for button in window.findChildren(QAbstractButton):
        if _in_view(button) and not _inside_key_panel(button):
            texts.append(button.text())
    new = [text for text in dict.fromkeys(" ".join(t.split()) for t in texts)
           if text and text not in read]
    read.update(new)
    return sum(len(_WORD.findall(text)) for text in new)


def _in_view(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


# -- the walk ---------------------------------------------------------------------------


def grandmother_registers_a_birth(finger: CountingFinger) -> None:
    window, navigator = finger.window, finger.navigator
    wizard = navigator.wizard
    finger.tap_text(window, "Nộp hồ sơ")
    choose = wizard.frames[0].content
    (card,) = [c for c in choose.cards  # type: ignore[attr-defined]
               if c.procedure.code == BIRTH and c.isVisible()]
    finger.tap(card)
    finger.go_on(navigator)  # the procedure's details: «Bắt đầu»
    applicant_step(finger)
    form_step(finger)
    documents_step(finger)
    finger.go_on(navigator)  # result at the office, fee: none
    finger.read_through(wizard.frames[6].content)  # she reads the review to its end
    finger.go_on(navigator)  # the review
    declaration = wizard.frames[7].content
    finger.tap(declaration.declare)  # type: ignore[attr-defined]
    finger.go_on(navigator)  # «Nộp hồ sơ»
    finger.wait(lambda: window.stack.currentWidget() is navigator.done, SLOW_MS)


def applicant_step(finger: CountingFinger) -> None:
    navigator = finger.navigator
    screen = navigator.wizard.frames[2].content
    assert isinstance(screen, ApplicantScreen)
    finger.show_card(GRANDMOTHER)
    finger.wait(lambda: card_read(screen, "Nguyễn Thị Lan"), SLOW_MS)
    finger.pad(screen, "so_dien_thoai", PHONE)
    finger.leave_form(navigator)


def form_step(finger: CountingFinger) -> None:
    navigator = finger.navigator
    form = navigator.wizard.frames[3].content
    assert isinstance(form, FormScreen)
    pages = form.fields
    assert isinstance(pages, FormPages)
    for _ in range(pages.count() + 1):
        if navigator.wizard.index != 3:
            return
        plan = pages.plan
        fill_page(finger, form, {spec.name for spec in (*plan.fields, *plan.summarised)})
        finger.go_on(navigator)
    raise AssertionError("the form did not let her go on")


def fill_page(finger: CountingFinger, form: FormScreen, names: set[str]) -> None:
    """What she gives on the page shown; an optional page she does not know is passed."""
    values = form.fields.values()
    if "ho_ten_me" in names and not values.get("ho_ten_me"):
        finger.show_card(MOTHER)
        finger.wait(lambda: form.fields.values().get("ho_ten_me") == "Trần Thị Ánh", SLOW_MS)
    if "ho_ten_tre" in names:
        typed_name(finger, form)
    if "ngay_sinh" in names:
        finger.pad(form, "ngay_sinh", CHILD_BORN)
    if "gioi_tinh" in names:
        finger.choose(form, "gioi_tinh", "Nam")
    for name in ("dan_toc", "dan_toc_me"):
        if name in names and not form.fields.values().get(name):
            finger.pick(form, name, "Kinh")
    if "noi_sinh" in names and not form.fields.values().get("noi_sinh"):
        place_of_birth(finger, form)
    if "quan_he_nguoi_khai" in names:
        finger.choose(form, "quan_he_nguoi_khai", "Bà")


def typed_name(finger: CountingFinger, form: FormScreen) -> None:
    """The child's name: what the kiosk put there already, then what is missing."""
    keys = (*"minh", "space", *"duc", "stroke", "horn", "sac")
    if not form.fields.values().get("ho_ten_tre", "").strip():
        keys = (*"tran", "circumflex", "huyen", "space", *keys)
    finger.keyboard(form, "ho_ten_tre", *keys)
    assert form.fields.values()["ho_ten_tre"] == "Trần Minh Đức", form.fields.values()


def place_of_birth(finger: CountingFinger, form: FormScreen) -> None:
    """The health station of her own commune: the province, then the commune, from lists."""
    finger.turn_to(form, "noi_sinh")
    button = form.fields.editors["noi_sinh"].pick_button
    assert button is not None
    finger.tap(button)
    picker = form.fields.list_of("noi_sinh").picker
    finger.tap(picker.row("Thành phố Hải Phòng"))
    finger.tap(picker.search_box)  # 114 communes and wards: she looks hers up
    for key in (*"tu", "space", *"ky"):
        finger.tap(form.dock.keyboard.key(key))
    finger.tap(picker.row("Xã Tứ Kỳ"))
    assert form.fields.values()["noi_sinh"] == "Xã Tứ Kỳ, Thành phố Hải Phòng"


def documents_step(finger: CountingFinger) -> None:
    navigator = finger.navigator
    documents = navigator.wizard.frames[4].content
    assert isinstance(documents, DocumentsScreen)
    finger.by_camera(documents, "GCS")
    finger.go_on(navigator)
