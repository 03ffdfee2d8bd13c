"""Which screen shows, and what each intent leads to: the one owner of the screen stack.

Screens emit intents (``submit_requested``, ``home_requested`` …) and never
navigate.  The session ends in one place, ``end_session``: after Done, after an
idle timeout and after an error, every trace of the resident is wiped — and
every setting a resident chose (the text size) goes back to its default, any
speech stops, the resident's background jobs (USB files, scans) are cancelled
and the clipboard is emptied (a call for help nobody took is closed:
``kiosk.ui.help_flow`` keeps the call).  A new screen stops the speech too.  The
navigator also installs the lockdown (``kiosk.ui.lockdown``: no context menu,
copy, drag or close key) and lets the window close only when the kiosk quits.
"""

from __future__ import annotations

import logging
import time
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.domain.draft import Helper
from kiosk.store.records import QueuedDossier
from kiosk.ui import theme
from kiosk.ui.camera import CameraWorker
from kiosk.ui.context import UiServices
from kiosk.ui.device_status import DeviceProbe
from kiosk.ui.help_flow import HelpFlow
from kiosk.ui.idle import IdleWatcher
from kiosk.ui.lockdown import Lockdown, clear_clipboard
from kiosk.ui.main_window import MainWindow
from kiosk.ui.official_flow import OfficialFlow
from kiosk.ui.official_session import OfficialHooks
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.applicant import ApplicantScreen
from kiosk.ui.screens.choose import ChooseProcedureScreen
from kiosk.ui.screens.dashboard import DashboardScreen
from kiosk.ui.screens.declaration import DeclarationScreen
from kiosk.ui.screens.details import ProcedureDetailsScreen
from kiosk.ui.screens.documents import DocumentsScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.error import ErrorScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.help_wait import HelpWaitScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.result_fee import ResultFeeScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.track import TrackScreen
from kiosk.ui.track_flow import TrackFlow
from kiosk.ui.voice import ListenButton, NoVoice, Voice
from kiosk.ui.widgets.idle_overlay import IdleOverlay
from kiosk.ui.wizard import StepScreen, Wizard

log = logging.getLogger(__name__)

REVIEW_STEP = 6
CAMERA_RELEASE_SECONDS = 5.0  # a camera still opening at exit gets this long to let go
_W = TypeVar("_W", bound=QWidget)


class Navigator(QObject):
    # The dashboard's «Khởi động lại» / «Tắt ứng dụng», audited: the composition root ends the
    # event loop with this exit code (official_flow.EXIT_RESTART or EXIT_SHUTDOWN).
    quit_requested = Signal(int)

    def __init__(
        self, app: QApplication, window: MainWindow, services: UiServices,
        runner: BackgroundRunner, home: HomeScreen | None = None,
    ) -> None:
        """``home``: one already shown (the kiosk paints Home before the rest is built)."""
        super().__init__(window)
        self._app = app
        self._window = window
        self._services = services
        self._runner = runner
        self.lockdown = Lockdown(app, parent=self)
        window.hide_cursor = not services.config.kiosk.show_cursor
        self._size = theme.TextSize.NORMAL
        self._default_size = theme.TextSize.NORMAL  # the office's setting: each resident's start
        self.voice: Voice = services.voice or NoVoice()
        self.voice.on_change(self._attach_voice)
        self.track = self._add(TrackScreen())
        self.track.home_requested.connect(self.end_session)  # forgets the dossier looked up
        self.track.help_requested.connect(lambda: self.request_help("track"))
        self.track_flow = TrackFlow(services, runner, self.track)
        self.guide = self._add(GuideScreen(services.config.site.portal_address))
        self.guide.home_requested.connect(self.go_home)
        self.guide.help_requested.connect(lambda: self.request_help("guide"))
        self.done = self._add(DoneScreen(services, runner))
        self.done.home_requested.connect(self.show_rating)  # then home, by end_session
        self._rated_code: str | None = None  # the dossier just sealed, for its rating
        self.rating = self._add(RatingScreen(services, runner))
        self.rating.finished.connect(self.end_session)
        self.error = self._add(ErrorScreen())
        self.error.home_requested.connect(self.end_session)
        self._build_help()
        self.wizard = self._build_wizard()
        self.idle = self._build_idle()
        self.home = self._build_home(home)
        self.official = self._build_official()

    @property
    def camera(self) -> object | None:
        return self.track_flow.camera

    def _add(self, screen: _W) -> _W:
        self._window.stack.addWidget(screen)
        return screen

    def _steps(self) -> list[StepScreen]:
        s = self._services
        self.review = ReviewScreen(s.config)
        return [
            ChooseProcedureScreen(s.catalogue, s.config.fees),
            ProcedureDetailsScreen(s.config.fees),
            ApplicantScreen(s.clock, s.open_camera),
            FormScreen(s.clock, open_camera=s.open_camera),
            DocumentsScreen(s, self._runner, s.open_scanner, s.usb_root),
            ResultFeeScreen(s.config),
            self.review,
            DeclarationScreen(s.clock, s.config.site, self._runner),
        ]

    def _build_wizard(self) -> Wizard:
        wizard = Wizard(self._services, self._runner, self._steps(), self._show,
                        review_index=REVIEW_STEP)
        for frame in wizard.frames:
            self._window.stack.addWidget(frame)
        self.review.edit_requested.connect(wizard.edit)
        wizard.sealed.connect(self._sealed)
        wizard.seal_failed.connect(self.show_error)
        wizard.cancelled.connect(self.end_session)
        wizard.help_requested.connect(self._wizard_help)
        return wizard

    def _build_idle(self) -> IdleWatcher:
        idle = IdleWatcher.from_config(self._app, self._services.config.session, parent=self)
        overlay = IdleOverlay(self._window)
        idle.warning.connect(overlay.show_countdown)
        idle.resumed.connect(overlay.hide)
        idle.timed_out.connect(overlay.hide)
        idle.timed_out.connect(self._timed_out)
        overlay.continue_requested.connect(idle.poke)
        self.overlay = overlay
        return idle

    def _build_home(self, shown: HomeScreen | None = None) -> HomeScreen:
        large = self._size is theme.TextSize.LARGE
        home = shown or HomeScreen.for_site(self._services.config.site, large_text=large)
        home.submit_requested.connect(self.start_submission)
        home.track_requested.connect(self.show_track)
        home.guide_requested.connect(lambda: self._show(self.guide))
        home.help_requested.connect(lambda: self.request_help("home"))
        home.text_size_toggled.connect(self.toggle_text_size)
        home.official_requested.connect(self.request_official)
        if shown is None:
            self._window.stack.addWidget(home)
        return home

    # ------------------------------------------------------------ where to go

    def _show(self, screen: QWidget) -> None:
        """Every screen change goes through here: the speech stops; the idle watch runs
        except on an untouched Home (a resident's large text is wiped when they leave)."""
        if screen is not self.track:
            self.track_flow.stop()
        if screen is not self.help_wait:
            self.help_flow.timer.stop()
        self.voice.stop()
        self._window.stack.setCurrentWidget(screen)
        self._attach_voice()
        if ((screen is getattr(self, "home", None) and self._size is self._default_size)
                or screen is self.help_wait):  # waiting for an official: help_timer instead
            self.idle.pause()
        else:
            self.idle.resume()

    def _attach_voice(self) -> None:
        """The shown screen's «Nghe hướng dẫn»: visible while a Vietnamese voice exists."""
        shown = self._window.stack.currentWidget()
        for button in shown.findChildren(ListenButton) if shown is not None else ():
            button.attach(self.voice)

    def go_home(self) -> None:
        self._show(self.home)

    def start_submission(self) -> None:
        self.wizard.start()

    def show_track(self) -> None:
        self._show(self.track)
        self.track_flow.start()

    def _sealed(self, dossier: QueuedDossier) -> None:
        self._rated_code = dossier.code
        self.done.show_dossier(dossier)
        self._show(self.done)

    def show_rating(self) -> None:
        """After Done («Về trang chủ» or its countdown): the rating, about the dossier
        just sealed; the rating screen ends the session when it is done."""
        self.rating.start(self._rated_code)
        self._show(self.rating)

    def show_error(self, error: BaseException) -> None:
        """Never a traceback: log it, wipe the session, ask the resident to see an official."""
        log.error("error shown to the resident", exc_info=error)
        self._wipe()
        self._show(self.error)

    def end_session(self) -> None:
        """The one way a resident's session ends: everything wiped, then Home."""
        self._wipe()
        self.help_flow.forget()
        if self.official.signed_in:  # an official's filing done: back to the dashboard
            self.official.show_dashboard()
        else:
            self.go_home()

    def _timed_out(self) -> None:
        self.official.sign_out("idle")  # nobody touched the kiosk: no official is there either
        self.end_session()

    def _wipe(self) -> None:
        self._runner.cancel_resident()  # a USB import still running answers nobody
        clear_clipboard()
        self.voice.stop()
        if self._size is not self._default_size:  # the next resident starts from defaults
            self._set_text_size(self._default_size)
        self.wizard.wipe()
        self.done.clear()
        self.rating.reset()
        self._rated_code = None
        self.track.reset()
        self.track_flow.stop()

    # ------------------------------------------------------------ help that arrives

    def _build_help(self) -> None:
        self.help_wait = self._add(HelpWaitScreen())
        self.help_wait.official_requested.connect(
            lambda: self.request_official(self.open_help_call))
        self.help_flow = HelpFlow(self._services, self._runner, self.help_wait, self._show,
                                  self._window.stack.currentWidget, lambda: self.home,
                                  self.end_session, parent=self)

    @property
    def help_timer(self) -> QTimer:
        """Waiting for an official: when it runs out, the session is wiped all the same."""
        return self.help_flow.timer

    @property
    def open_help_call(self) -> int | None:
        """The id of the resident's open call for help (for the official's takeover)."""
        return self.help_flow.open_call

    def _wizard_help(self) -> None:
        index = self.wizard.index
        content = self.wizard.frames[index].content
        self.request_help("wizard", f"{index + 1} {type(content).__name__}")

    def request_help(self, screen: str, step: str | None = None) -> None:
        """«Gọi cán bộ hỗ trợ» on ``screen`` (``kiosk.ui.help_flow``)."""
        self.help_flow.request(screen, step)

    @property
    def text_size(self) -> theme.TextSize:
        return self._size

    def toggle_text_size(self) -> None:
        large = self._size is theme.TextSize.NORMAL
        self._set_text_size(theme.TextSize.LARGE if large else theme.TextSize.NORMAL)
        self.go_home()

    def _set_text_size(self, size: theme.TextSize) -> None:
        self._size = size
        metrics = theme.apply(self._app, self._size)
        for frame in self.wizard.frames:  # the on-screen keyboards size themselves
            frame.content.set_metrics(metrics)
        self.track.set_metrics(metrics)  # its code pad too
        old = self.home
        self.home = self._build_home()  # rebuilt so its toggle shows the new choice
        self._window.stack.removeWidget(old)
        old.deleteLater()

    # ------------------------------------------------------------ the official's side

    def _build_official(self) -> OfficialFlow:
        s = self._services
        pad, dashboard = self._add(PinPadScreen()), self._add(DashboardScreen())
        hooks = OfficialHooks(
            show=self._show, current=self._window.stack.currentWidget,
            start_assisted=self._start_assisted, resume_assisted=self._resume_assisted,
            end_session=self.end_session, leave_full_screen=self._window.leave_full_screen,
            quit=self._quit, apply_settings=self._apply_settings,
            idle_seconds=lambda: self.idle.wait_ms // 1000 + self.idle.countdown_seconds)
        probe = DeviceProbe(s.config, s.queue.files.root, s.open_camera is not None,
                            s.open_scanner, s.read_sync)
        flow = OfficialFlow(s, self._runner, pad, dashboard, hooks, probe)
        flow.load_settings()
        return flow

    def _quit(self, code: int) -> None:
        """The official's restart or shutdown (audited already): the window may close now."""
        self._window.allow_close()
        self.quit_requested.emit(code)

    def request_official(self, call_id: int | None = None) -> None:
        """The commune's name held on Home, or the resident's help screen asking for an
        official (with its open call): the PIN pad.  Nothing of the resident is wiped."""
        self.official.open_pad(call_id)

    def _start_assisted(self, helper: Helper) -> None:
        self.help_flow.handed_over()
        self.wizard.start()
        self.wizard.state.assisted_by = helper  # NguoiHoTro, and the receipt's «Cán bộ hỗ trợ»

    def _resume_assisted(self, helper: Helper) -> bool:
        """Take the resident's filing over where they stopped; False if none was begun."""
        if self.wizard.state.procedure is None:
            return False
        self.help_flow.handed_over()
        self.wizard.state.assisted_by = helper
        self.wizard.go(self.wizard.index)
        return True

    def _apply_settings(self, values: dict[str, str]) -> None:
        if values.get("text_size") in ("normal", "large"):
            large = values["text_size"] == "large"
            self._default_size = theme.TextSize.LARGE if large else theme.TextSize.NORMAL
            if self._window.stack.currentWidget() is self.home and self._size is not (
                    self._default_size):  # nobody is using the kiosk: at once
                self._set_text_size(self._default_size)
                self.go_home()
        seconds = values.get("idle_seconds", "")
        if seconds.isascii() and seconds.isdigit() and 10 <= int(seconds) <= 3600:
            self.idle.set_wait(int(seconds) * 1000)

    def shutdown(self) -> None:
        """Stop the cameras and let background jobs finish before the database closes.

        The only place that waits for camera threads: a screen change never does,
        but the device should be let go of before the process ends.  Answers of jobs
        not yet delivered are dropped: the window and its screens may be deleted next.
        Safe to call twice.
        """
        cameras = self._window.findChildren(CameraWorker)  # every screen's, present and future
        for camera in cameras:
            camera.stop()
        self.idle.uninstall()
        self.lockdown.uninstall()
        self._window.allow_close()
        self._window.show_cursor()
        self._runner.shutdown()
        deadline = time.monotonic() + CAMERA_RELEASE_SECONDS
        for camera in cameras:
            if not camera.wait(max(0.0, deadline - time.monotonic())):
                log.warning("camera thread %s still running at exit", camera.thread_name)
