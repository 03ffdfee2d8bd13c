"""A real ``kiosk run`` with its loggers at DEBUG and one resident's visit by touch.

    python -m tests.support.privacy_visit --data-dir D --config C --out codes.json

``tests/test_log_privacy.py`` starts this as a child process: the kiosk is started
exactly as ``kiosk run`` starts it (``kiosk.cli._cmd_run``: ``run_kiosk`` with the log
file opened by ``prepare``), except that the kiosk's loggers and both handlers let
DEBUG through, so that whatever any call site would ever write is written.  The card
is read twice, by the camera (a video of it) and by the USB QR scanner; the phone,
the e-mail address and the birth form's answers are typed on the screen keyboards.
The dossier code shown on the Done screen goes to ``--out``; the exit code says
whether the visit went through (3: it did not, with the traceback on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.app import run_kiosk
from kiosk.domain.dates import to_vietnam_time, utc_now
from kiosk.services import resolve_runtime
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.form import FormScreen
from tests.support import officials, residents
from tests.support.debug_kiosk import debug_logging
from tests.support.touch import SLOW_MS, Finger

FAILED = 3
# The resident: every value rare enough that finding it anywhere is a leak, not chance.
CARD = ("031196007391|162345678|Khổng Thị Ngọc Diệp|14071996|Nữ|"
        "Xóm Bãi Sậy, xã Tiên Lãng, Thành phố Hải Phòng|20042021")
# The same card misread: an 11-digit ID, a birth date that is no date.
MISREAD = ("03119600739|162345678|Khổng Thị Ngọc Diệp|14131996|Nữ|"
           "Xóm Bãi Sậy, xã Tiên Lãng, Thành phố Hải Phòng|20042021")
NAME = "Khổng Thị Ngọc Diệp"
PHONE = "0398271546"
EMAIL = "ngocdiep.kh@gmail.com"
CHILD = "Khổng Minh Khuê"
MOTHER_HOME = "Xóm Đầm Sậy"
BIRTH_PLACE = "Trạm y tế"


def typed(form: FormScreen, name: str) -> str:
    return str(form.fields.editors[name].value())


class Visit:
    def __init__(self, out: Path, track: str | None, refused: str | None) -> None:
        self.out = out
        self.track = track  # a code: come back for it instead of filing
        self.refused = refused  # a code the portal refused: the official sends it again
        self.failure: str | None = None

    def start(self, window: MainWindow, navigator: Navigator) -> None:
        self.window, self.navigator, self.finger = window, navigator, Finger()
        QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        try:
            code = self._visit() if self.track is None else self._come_back(self.track)
            self.out.write_text(json.dumps({"code": code}), encoding="utf-8")
        except Exception:  # a step that never came: the parent prints it
            self.failure = traceback.format_exc()
        QApplication.exit(0 if self.failure is None else FAILED)

    def _visit(self) -> str:
        finger, window, navigator = self.finger, self.window, self.navigator
        residents.begin(finger, window, navigator, residents.BIRTH)
        screen = residents.applicant(navigator)
        finger.scanner(MISREAD)  # the scanner misreads, then the camera reads the card
        finger.wait(lambda: residents.card_read(screen, NAME), SLOW_MS)
        finger.scanner(CARD)  # and the scanner reads it too, as she tries both
        finger.pad(screen, "so_dien_thoai", PHONE)
        finger.keyboard(screen, "email", *"ngocdiep")
        self._email_tail(screen)
        finger.go_on(navigator)
        self._birth_form()
        residents.birth_documents(finger, navigator, camera=False)
        code = residents.finish(finger, window, navigator)
        residents.done_and_home(finger, window, navigator, reprint=True)
        return code

    def _come_back(self, code: str) -> str:
        """Track: the slip's code from the scanner; the timeline with the portal's reasons;
        a reprint; then her ID card held to the scanner by mistake (the camera sees it
        all along)."""
        finger, window, navigator = self.finger, self.window, self.navigator
        finger.tap_text(window, "Tra cứu hồ sơ")
        screen = navigator.track
        finger.scanner(code)
        finger.wait(lambda: any(code in label.text()
                                for label in screen.result.findChildren(QLabel)), SLOW_MS)
        finger.tap(screen.reprint)
        finger.wait(screen.reprint.isEnabled, SLOW_MS)
        finger.scanner(CARD)  # typed after the code: whatever it makes, it is no code
        finger.wait(lambda: not screen.reprint.isVisible(), SLOW_MS)
        finger.tap_text(screen, "Về trang chủ")
        assert window.stack.currentWidget() is navigator.home
        if self.refused is not None:
            self._official(self.refused)
        return code

    def _official(self, refused: str) -> None:
        """An official signs in: the refused dossier (the portal's reason, quoting the
        resident, on its card), «Gửi lại ngay», «In lại phiếu»; then signs out."""
        finger, window, navigator = self.finger, self.window, self.navigator
        officials.sign_in(finger, window, navigator)
        page = navigator.official.dashboard.dossiers
        finger.wait(lambda: refused in page.cards and page.cards[refused].isVisible())
        found = page.cards[refused]
        finger.tap(found.reprint)
        finger.wait(lambda: refused in navigator.official.dashboard.message.text(), SLOW_MS)
        assert found.retry is not None
        finger.tap(found.retry)
        finger.wait(lambda: page.cards[refused].retry is None, SLOW_MS)
        finger.tap_text(navigator.official.dashboard, "Đăng xuất")
        finger.wait(lambda: window.stack.currentWidget() is navigator.home)

    def _email_tail(self, screen: ApplicantScreen) -> None:
        """«.», «kh», «@gmail.com»: the keyboard's extra keys for an e-mail field."""
        finger = self.finger
        editor = screen.fields.editors["email"].editor
        assert editor is not None
        finger.tap(editor)
        self._extra(screen, ".")
        for key in "kh":
            finger.tap(screen.dock.keyboard.key(key))
        self._extra(screen, "@gmail.com")
        finger.tap(screen.dock.keyboard.key("done"))
        assert screen.fields.editors["email"].value() == EMAIL

    def _extra(self, screen: ApplicantScreen, text: str) -> None:
        (key,) = [b for b in screen.dock.extras.findChildren(QPushButton)
                  if b.text() == text and b.isVisible()]
        self.finger.tap(key)

    def _birth_form(self) -> None:
        """The mother (the applicant herself), typed; the child, Khổng Minh Khuê, born
        three days ago; where the mother lives and where the child was born."""
        finger, navigator = self.finger, self.navigator
        form = navigator.wizard.frames[3].content
        assert isinstance(form, FormScreen)
        finger.keyboard(form, "ho_ten_me", *"khong", "circumflex", "hoi", "space",
                        *"thi", "nang", "space", *"ngoc", "nang", "space",
                        *"diep", "circumflex", "nang")
        finger.pad(form, "nam_sinh_me", "1996")
        finger.keyboard(form, "noi_cu_tru_me", "shift", *"xom", "sac", "space",
                        "shift", *"dam", "stroke", "circumflex", "huyen", "space",
                        "shift", *"say", "circumflex", "nang")
        finger.pick(form, "dan_toc_me", "Kinh")
        finger.keyboard(form, "ho_ten_tre", *"minh", "space", *"khue", "circumflex")
        born = to_vietnam_time(utc_now()).date() - timedelta(days=3)
        finger.pad(form, "ngay_sinh", born.strftime("%d%m%Y"))
        finger.choose(form, "gioi_tinh", "Nữ")
        finger.keyboard(form, "noi_sinh", "shift", *"tram", "nang", "space", *"y", "space",
                        *"te", "circumflex", "sac")
        finger.choose(form, "quan_he_nguoi_khai", "Mẹ")
        typed_values = (typed(form, "ho_ten_me"), typed(form, "ho_ten_tre"),
                        typed(form, "noi_cu_tru_me"), typed(form, "noi_sinh"))
        assert typed_values == (NAME, CHILD, MOTHER_HOME, BIRTH_PLACE), typed_values
        finger.leave_form(navigator)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--track", help="a dossier code to look up instead of filing one")
    parser.add_argument("--refused", help="with --track: a refused dossier's code, which an "
                        "official then sends again (PIN: tests.support.officials.PIN)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    runtime = resolve_runtime(args.data_dir, args.config, env)
    visit = Visit(Path(args.out), args.track, args.refused)
    code = run_kiosk(runtime, env, demo=False, windowed=False, on_ready=visit.start,
                     prepare=lambda: debug_logging(runtime.data_dir, "kiosk"))
    if visit.failure is not None:
        print(visit.failure, file=sys.stderr)
        return FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
