"""Whole visits to the kiosk by touch, as residents make them.

A birth registration (the applicant from a USB scanner or the camera, documents
from USB or the camera), a certified copy typed by hand, a resident who walks
away mid-flow, and a Track lookup with a reprint.  The end-to-end tests, the soak
test and the soak benchmark's driver all use these, through a ``Finger``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QLabel

from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.screens.form import FormScreen
from tests.support.touch import SLOW_MS, Finger

BIRTH = "1.001193"
CERTIFIED_COPY = "2.000815"
CCCD = ("030195012345||Nguyễn Thị Ánh|08031995|Nữ|"
        "Thôn Cộng Lạc, xã Cộng Lạc, Thành phố Hải Phòng|15082021")
CCCD_NAME = "Nguyễn Thị Ánh"
USB_FILES = ("to-khai-khai-sinh.pdf", "giay-chung-sinh.png", "ban-chinh.png")
EXAMPLE_FILES = Path(__file__).resolve().parents[2] / "examples" / "files"


def usb_stick(root: Path) -> Path:
    """A folder standing for a USB stick's mount point, with the residents' papers on it."""
    root.mkdir(parents=True, exist_ok=True)
    for name in USB_FILES:
        shutil.copy(EXAMPLE_FILES / name, root / name)
    return root


def begin(finger: Finger, window: MainWindow, navigator: Navigator, procedure: str
          ) -> None:
    """Home → «Nộp hồ sơ» → the procedure's card → its details → the applicant step."""
    finger.tap_text(window, "Nộp hồ sơ")
    wizard = navigator.wizard
    (card,) = [c for c in wizard.frames[0].content.cards  # type: ignore[attr-defined]
               if c.procedure.code == procedure]
    finger.tap(card)
    assert wizard.index == 1
    finger.go_on(navigator)
    assert wizard.index == 2


def applicant(navigator: Navigator) -> ApplicantScreen:
    screen = navigator.wizard.frames[2].content
    assert isinstance(screen, ApplicantScreen)
    return screen


def card_read(screen: ApplicantScreen, name: str) -> bool:
    return screen.fields.editors["ho_ten"].value() == name


def applicant_by_scanner(finger: Finger, navigator: Navigator, phone: str) -> None:
    """The CCCD through the USB QR scanner, the phone on the number pad."""
    screen = applicant(navigator)
    finger.scanner(CCCD)
    finger.wait(lambda: card_read(screen, CCCD_NAME), 5_000)
    finger.pad(screen, "so_dien_thoai", phone)
    finger.go_on(navigator)


def applicant_by_camera(finger: Finger, navigator: Navigator, name: str, phone: str,
                        dwell_ms: int = 0) -> None:
    """The card held up to the camera fills the fields by itself; then the phone."""
    screen = applicant(navigator)
    finger.wait(lambda: card_read(screen, name), SLOW_MS)
    # The resident reads the fields through while the camera previews.
    finger.linger(navigator.wizard.frames[2].step, dwell_ms)
    finger.pad(screen, "so_dien_thoai", phone)
    finger.go_on(navigator)


def birth_form(finger: Finger, navigator: Navigator) -> None:
    """Page by page: the mother, Nguyễn Thị Ánh, typed; no father; the child, Nguyễn Minh
    Đức, born 20/11/2026 (his family name and ethnicity come from his mother's)."""
    form = navigator.wizard.frames[3].content
    assert isinstance(form, FormScreen)
    finger.keyboard(form, "ho_ten_me", *"nguyen", "circumflex", "nga", "space",
                    *"thi", "nang", "space", *"anh", "sac")  # capitals by themselves
    finger.pad(form, "nam_sinh_me", "1995")
    finger.keyboard(form, "noi_cu_tru_me", "shift", *"thon", "space", "shift", *"cong")
    finger.pick(form, "dan_toc_me", "Kinh")  # quoc_tich_me: "Việt Nam", the default
    finger.keyboard(form, "ho_ten_tre", *"minh", "space", *"duc", "stroke", "horn", "sac")
    finger.pad(form, "ngay_sinh", "20112026")
    finger.choose(form, "gioi_tinh", "Nam")
    finger.keyboard(form, "noi_sinh", "shift", *"tram", "space", *"y", "space", *"te")
    finger.choose(form, "quan_he_nguoi_khai", "Mẹ")
    finger.leave_form(navigator)


def documents(navigator: Navigator) -> DocumentsScreen:
    screen = navigator.wizard.frames[4].content
    assert isinstance(screen, DocumentsScreen)
    return screen


def birth_documents(finger: Finger, navigator: Navigator, *, camera: bool) -> None:
    """The birth certificate, photographed or from the USB stick (the kiosk writes the tờ khai)."""
    screen = documents(navigator)
    if camera:
        finger.by_camera(screen, "GCS")
    else:
        finger.from_usb(screen, "GCS", "giay-chung-sinh.png")
    finger.go_on(navigator)


def finish(finger: Finger, window: MainWindow, navigator: Navigator) -> str:
    """Result and fee as offered, the review, the declaration: the Done screen's code."""
    finger.go_on(navigator)  # result at the office, fee at the office
    assert navigator.wizard.index == 6
    finger.go_on(navigator)  # the review
    return finger.declare_and_submit(window, navigator)


def birth_registration(finger: Finger, window: MainWindow, navigator: Navigator, *,
                       camera: bool = False, card_name: str | None = None,
                       dwell_ms: int = 0) -> str:
    """A whole birth registration by touch.  The card: from the USB scanner, or (given
    ``card_name``) read by the camera; the papers: from USB, or photographed (``camera``)."""
    begin(finger, window, navigator, BIRTH)
    if card_name is not None:
        applicant_by_camera(finger, navigator, card_name, "0912345678", dwell_ms)
    else:
        applicant_by_scanner(finger, navigator, "0912345678")
    birth_form(finger, navigator)
    birth_documents(finger, navigator, camera=camera)
    return finish(finger, window, navigator)


def certified_copy(finger: Finger, window: MainWindow, navigator: Navigator, *,
                   card_name: str | None = None, dwell_ms: int = 0) -> str:
    """Two copies of a three-page diploma certified; the applicant is Phạm Văn Hưởng,
    typed by hand, or (``card_name``) whoever's card the camera reads."""
    begin(finger, window, navigator, CERTIFIED_COPY)
    if card_name is None:
        copy_applicant_typed(finger, navigator)
    else:
        applicant_by_camera(finger, navigator, card_name, "0387654321", dwell_ms)
    form = navigator.wizard.frames[3].content
    assert isinstance(form, FormScreen)
    finger.keyboard(form, "ten_giay_to", "shift", *"bang", "space", *"tot", "space",
                    *"nghiep")
    finger.pad(form, "so_trang", "3")
    finger.pad(form, "so_ban", "2")
    finger.go_on(navigator)
    finger.from_usb(documents(navigator), "BC", "ban-chinh.png")
    finger.go_on(navigator)
    return finish(finger, window, navigator)


def copy_applicant_typed(finger: Finger, navigator: Navigator) -> None:
    screen = applicant(navigator)
    finger.keyboard(screen, "ho_ten", *"pham", "nang", "space",
                    *"van", "breve", "space", *"huong", "horn", "hoi")
    finger.pad(screen, "ngay_sinh", "12061958")
    finger.choose(screen, "gioi_tinh", "Nam")
    finger.pad(screen, "so_dinh_danh", "030058004321")
    finger.keyboard(screen, "dia_chi", "shift", *"thon", "space", "shift", *"dong")
    finger.pad(screen, "so_dien_thoai", "0387654321")
    finger.go_on(navigator)


WALKER_KEYS = (*"le", "space", *"van", "breve", "space", *"binh",
               "huyen")
WALKER_NAME = "Lê Văn Bình"
WALKER_PHONE = "0977123456"


def walk_away(finger: Finger, window: MainWindow, navigator: Navigator, timeout_ms: int, *,
              card_name: str | None = None) -> None:
    """A resident starts, then leaves: the idle timeout wipes it all and goes home.

    With a camera the card held up fills the fields (``card_name``) and he types his
    phone number on the next page; without one he types his name, Lê Văn Bình, and his
    birth date, and leaves before the card's page is complete.
    """
    begin(finger, window, navigator, CERTIFIED_COPY)
    screen = applicant(navigator)
    if card_name is not None:
        finger.wait(lambda: card_read(screen, card_name), SLOW_MS)
        finger.pad(screen, "so_dien_thoai", WALKER_PHONE)
    else:
        finger.keyboard(screen, "ho_ten", *WALKER_KEYS)
        finger.pad(screen, "ngay_sinh", "02091975")
    finger.wait(lambda: window.stack.currentWidget() is navigator.home, timeout_ms)


def done_and_home(finger: Finger, window: MainWindow, navigator: Navigator, *,
                  reprint: bool = False) -> None:
    """On the Done screen: «In lại» once the slip is out, if asked; then «Về trang chủ»."""
    done = navigator.done
    finger.wait(done.reprint.isEnabled, SLOW_MS)  # the first slip has been printed
    if reprint:
        finger.tap(done.reprint)
        finger.wait(done.reprint.isEnabled, SLOW_MS)
    finger.tap_text(window, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.rating  # asked how it went, then home
    finger.tap(navigator.rating.skip)
    assert window.stack.currentWidget() is navigator.home


def track(finger: Finger, window: MainWindow, navigator: Navigator, code: str, *,
          scanner: bool = True, reprint: bool = False, dwell_ms: int = 0) -> None:
    """«Tra cứu hồ sơ»: the slip's code from the USB scanner (else the camera reads the slip
    held up to it); the dossier's timeline; «In lại phiếu hẹn» if asked; back home."""
    finger.tap_text(window, "Tra cứu hồ sơ")
    screen = navigator.track
    if scanner:
        finger.scanner(code)
    finger.wait(lambda: _shows_dossier(navigator, code), SLOW_MS)
    finger.linger(screen.message, dwell_ms)  # reads the timeline; the camera previews
    if reprint:
        finger.tap(screen.reprint)
        assert not screen.reprint.isEnabled()  # until the slip is out
        finger.wait(screen.reprint.isEnabled, SLOW_MS)
    finger.tap_text(screen, "Về trang chủ")
    assert window.stack.currentWidget() is navigator.home


def _shows_dossier(navigator: Navigator, code: str) -> bool:
    texts = [label.text() for label in navigator.track.result.findChildren(QLabel)]
    return any(code in text for text in texts)
