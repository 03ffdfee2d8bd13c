"""The official's side of the kiosk: the PIN pad, the signed-in session, the dashboard's intents.

A controller like ``TrackFlow``: the screens emit intents, this acts on them
off the GUI thread (Argon2 checks, database writes, printing) and tells the
screens what came of it; where the kiosk goes next is asked of the navigator
through ``OfficialHooks``.  The signed-in state is one small object,
``OfficialSession``; it ends on «Đăng xuất» and on the app's one idle timeout
(the navigator calls ``sign_out("idle")``), and each end is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from kiosk.store.helpcalls import HelpCall
from kiosk.store.officials import Official, SignIn
from kiosk.ui import official_jobs as jobs
from kiosk.ui.context import UiServices
from kiosk.ui.device_status import DeviceLine, DeviceProbe, gather
from kiosk.ui.official_session import (
    EXIT_RESTART,
    EXIT_SHUTDOWN,
    OfficialHooks,
    OfficialSession,
    reason_of,
)
from kiosk.ui.runner import BackgroundRunner
from kiosk.ui.screens.dashboard import DashboardScreen
from kiosk.ui.screens.dashboard_data import DashboardData
from kiosk.ui.screens.dashboard_data import gather as gather_data
from kiosk.ui.screens.dashboard_pages import PAGE_WIDTH
from kiosk.ui.screens.pin_pad import PinPadScreen

log = logging.getLogger(__name__)

TEXTS = {
    "retried": "Đã đưa hồ sơ {code} vào hàng đợi gửi lại; kiosk sẽ gửi ngay khi có thể.",
    "printed": "Đã in lại phiếu hẹn của hồ sơ {code}.",
    "saved": "Phiếu hẹn của hồ sơ {code} đã được lưu thành tệp PDF: {path}",
    "test_printed": "Đã in trang thử.",
    "test_saved": "Trang thử đã được lưu thành tệp PDF: {path}",
    "saved_setting": "Đã lưu cài đặt.",
    "windowed": "Kiosk đã thoát chế độ toàn màn hình.",
    "taken": "Đã tiếp nhận yêu cầu hỗ trợ.",
    "failed": "Chưa làm được: {reason}",
}
REFRESH_MS = 30_000  # the dashboard's figures and devices, while it is shown


class OfficialFlow(QObject):
    def __init__(self, services: UiServices, runner: BackgroundRunner, pad: PinPadScreen,
                 dashboard: DashboardScreen, hooks: OfficialHooks, probe: DeviceProbe,
                 refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(dashboard)
        self._services = services
        self._runner = runner
        self.pad = pad
        self.dashboard = dashboard
        self._hooks = hooks
        self._probe = probe
        self.session: OfficialSession | None = None
        self._call: int | None = None  # the call for help the official signed in to answer
        self._taken_call: int | None = None  # the call taken over: closed when that filing ends
        self._back_to: QWidget | None = None
        self._checking = False
        self._locked = False
        self._busy: set[str] = set()  # dossier actions in flight, one per kind and code
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        self._unlock = QTimer(self)
        self._unlock.setSingleShot(True)
        self._unlock.timeout.connect(self._check_lock)
        self._connect()

    def _connect(self) -> None:
        self.pad.sign_in_requested.connect(self._check_pin)
        self.pad.cancelled.connect(self._cancel)
        d = self.dashboard
        d.sign_out_requested.connect(lambda: self.sign_out("button"))
        d.assisted_requested.connect(self.start_assisted)
        d.banner.take_requested.connect(self.take_over)
        d.dossiers.retry_requested.connect(self.retry)
        d.dossiers.reprint_requested.connect(self.reprint)
        d.dossiers.declaration_requested.connect(self.view_declaration)
        s = d.settings
        s.setting_requested.connect(self.change_setting)
        s.test_page_requested.connect(self.test_page)
        s.exit_fullscreen_requested.connect(self.leave_full_screen)
        s.restart_requested.connect(lambda: self._quit("restart", EXIT_RESTART))
        s.shutdown_requested.connect(lambda: self._quit("shutdown", EXIT_SHUTDOWN))

    @property
    def signed_in(self) -> bool:
        return self.session is not None

    def _actor(self) -> jobs.Actor:
        assert self.session is not None
        return jobs.Actor(self.session.staff_id, self._services)

    def _submit(self, fn: Callable[[], Any], done: Callable[[Any], None],
                key: str | None = None) -> None:
        """Off the GUI thread; a failure is said on the dashboard.  ``key``: one at a time."""
        if key is not None:
            if key in self._busy:
                return
            self._busy.add(key)

        def finished(result: Any) -> None:
            self._busy.discard(key or "")
            done(result)

        def failed(error: BaseException) -> None:
            self._busy.discard(key or "")
            log.warning("official action failed", exc_info=error)
            self.dashboard.show_message(TEXTS["failed"].format(reason=reason_of(error)),
                                        ok=False)

        self._runner.submit(fn, finished, failed)

    # --- the PIN pad --------------------------------------------------------------

    def open_pad(self, call_id: int | None = None) -> None:
        """The discreet gesture (or the resident's help screen) asks for an official."""
        if self.signed_in:
            self._call = call_id if call_id is not None else self._call
            self.show_dashboard()
            return
        self._call = call_id
        self._back_to = self._hooks.current()
        self.pad.reset()
        self._hooks.show(self.pad)
        self._check_lock()

    def _check_lock(self) -> None:
        officials, clock = self._services.office.officials, self._services.clock
        self._runner.submit(lambda: officials.lock_state(clock()), self._lock_answered,
                            lambda _error: None)

    def _lock_answered(self, until: datetime | None) -> None:
        if until is None:
            if self._locked:  # the lock ran out: the keys work again
                self._locked = False
                self.pad.reset()
            return
        self._locked = True
        self.pad.show_locked(until)
        left_ms = int((until - self._services.clock()).total_seconds() * 1000)
        self._unlock.start(max(1000, left_ms + 500))

    def _check_pin(self, pin: str) -> None:
        if self._checking:
            return
        self._checking = True
        officials, clock = self._services.office.officials, self._services.clock
        self._runner.submit(lambda: officials.sign_in(pin, clock()), self._answered,
                            self._sign_in_failed)

    def _answered(self, answer: SignIn) -> None:
        self._checking = False
        if answer.official is not None:
            self._begin(answer.official)
        elif answer.locked_until is not None:
            self._lock_answered(answer.locked_until)
        else:
            self.pad.show_wrong(answer.failures_left)

    def _sign_in_failed(self, error: BaseException) -> None:
        self._checking = False
        log.error("PIN check failed", exc_info=error)
        self.pad.show_failure()

    def _cancel(self) -> None:
        back, self._back_to = self._back_to, None
        if back is not None and back is not self.pad:
            self._hooks.show(back)
        else:
            self._hooks.end_session()

    def _begin(self, official: Official) -> None:
        self.session = OfficialSession(official, self._services.clock(),
                                       self._hooks.idle_seconds())
        self._back_to = None
        self.pad.reset()
        self.dashboard.signed_in(official.helper_label)
        self.show_dashboard()

    # --- the session --------------------------------------------------------------

    def show_dashboard(self) -> None:
        """Signed in, and after every filing (assisted, taken over) while signed in."""
        self._hooks.show(self.dashboard)
        self._close_taken()
        self.refresh()
        self._timer.start()

    def _close_taken(self) -> None:
        """The filing a call was about is over (sealed, or given up): the call is answered."""
        call_id, self._taken_call = self._taken_call, None
        if call_id is None:
            return
        calls, clock = self._services.office.help_calls, self._services.clock
        staff_id = self.session.staff_id if self.session is not None else None
        self._runner.submit(lambda: calls.close(call_id, staff_id, clock()),
                            lambda _call: self.refresh() if self.signed_in else None,
                            lambda error: log.warning("help call not closed", exc_info=error))

    def refresh(self) -> None:
        services, clock = self._services, self._services.clock
        self._runner.submit(
            lambda: gather_data(services.queue, services.office, services.catalogue, clock()),
            self._show_data, lambda error: log.warning("dashboard not read", exc_info=error))
        probe = self._probe
        self._submit(lambda: gather(probe, clock()), self._show_devices, key="devices")

    def _show_data(self, data: DashboardData) -> None:
        if self.signed_in:
            self.dashboard.show_data(data, self._call)

    def _show_devices(self, lines: list[DeviceLine]) -> None:
        if self.signed_in:
            self.dashboard.show_devices(lines)

    def _tick(self) -> None:
        if self.signed_in and self._hooks.current() is self.dashboard:
            self.refresh()

    def sign_out(self, reason: str) -> None:
        """«Đăng xuất» (then Home, the session wiped) or the idle timeout; audited."""
        self._close_taken()
        session, self.session = self.session, None
        self._timer.stop()
        self._call = None
        if session is None:
            return
        services = self._services
        self._runner.submit(lambda: jobs.sign_out(services, session.staff_id, reason),
                            lambda _none: None,
                            lambda error: log.error("sign-out not audited", exc_info=error))
        if reason == "button":
            self._hooks.end_session()

    # --- the dashboard's intents -----------------------------------------------------

    def start_assisted(self) -> None:
        if self.session is None:
            return
        actor, helper = self._actor(), self.session.helper
        self._submit(lambda: actor.audit("assisted_start", None, {"by": helper.label}),
                     lambda _none: None)
        self._hooks.start_assisted(helper)

    def take_over(self, call_id: int) -> None:
        if self.session is None:
            return
        calls, staff_id, clock = self._services.office.help_calls, self.session.staff_id, \
            self._services.clock
        self._submit(lambda: calls.take(call_id, staff_id, clock()), self._taken,
                     key=f"take:{call_id}")

    def _taken(self, _call: HelpCall) -> None:
        if self.session is None:
            return
        self._call, self._taken_call = None, _call.id
        helper = self.session.helper
        if not self._hooks.resume_assisted(helper):  # called from Home: nothing to take over
            self._hooks.start_assisted(helper)

    def retry(self, code: str) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: jobs.retry(actor, code), lambda _none: self._retried(code),
                     key=f"retry:{code}")

    def _retried(self, code: str) -> None:
        self.dashboard.show_message(TEXTS["retried"].format(code=code), ok=True)
        self.refresh()

    def reprint(self, code: str) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: jobs.reprint(actor, code), partial(self._reprinted, code),
                     key=f"reprint:{code}")

    def _reprinted(self, code: str, saved: Path | None) -> None:
        text = TEXTS["saved"].format(code=code, path=saved) if saved else (
            TEXTS["printed"].format(code=code))
        self.dashboard.show_message(text, ok=True)

    def view_declaration(self, code: str) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self.dashboard.open_declaration(code)
        self._submit(lambda: jobs.declaration(actor, code, PAGE_WIDTH),
                     partial(self._declaration_shown, code), key=f"declaration:{code}")

    def _declaration_shown(self, code: str, image: QImage | None) -> None:
        self.dashboard.show_declaration(code, image)

    def change_setting(self, name: str, value: str) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: jobs.change_setting(actor, name, value), self._settings_saved,
                     key=f"setting:{name}")

    def _settings_saved(self, values: dict[str, str]) -> None:
        self._hooks.apply_settings(values)
        self.dashboard.settings.show_settings(self._with_defaults(values))
        self.dashboard.show_message(TEXTS["saved_setting"], ok=True)

    def load_settings(self) -> None:
        """At start-up: the office's saved settings win over the config file's defaults."""
        settings = self._services.office.settings
        self._runner.submit(settings.all, self._loaded,
                            lambda error: log.error("settings not read", exc_info=error))

    def _loaded(self, values: dict[str, str]) -> None:
        self._hooks.apply_settings(values)
        self.dashboard.settings.show_settings(self._with_defaults(values))

    def _with_defaults(self, values: dict[str, str]) -> dict[str, str]:
        """What is in force: the saved settings over the config file's."""
        session = self._services.config.session
        return {"text_size": "normal", "idle_seconds": str(session.idle_warning_seconds),
                **values}

    def test_page(self) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: jobs.test_page(actor), self._test_printed, key="test_page")

    def _test_printed(self, saved: Path | None) -> None:
        self.dashboard.show_message(TEXTS["test_saved"].format(path=saved) if saved
                                    else TEXTS["test_printed"], ok=True)

    def leave_full_screen(self) -> None:
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: actor.audit("exit_fullscreen"), lambda _none: None)
        self._hooks.leave_full_screen()
        self.dashboard.show_message(TEXTS["windowed"], ok=True)

    def _quit(self, action: str, code: int) -> None:
        """Audited first (the row must exist before the process ends), then quit."""
        if self.session is None:
            return
        actor = self._actor()
        self._submit(lambda: actor.audit(action, None, {"exit_code": code}),
                     lambda _none: self._hooks.quit(code), key="quit")
