"""The official's signed-in state, and what the official's side asks of the navigator.

``kiosk run`` exits with the code the dashboard chose: ``EXIT_SHUTDOWN`` (0) for
«Tắt ứng dụng», ``EXIT_RESTART`` (75, EX_TEMPFAIL) for «Khởi động lại ứng
dụng».  The process does not re-exec itself: the service manager starts it
again, e.g. systemd with ``Restart=on-failure`` (75 is not a success, 0 is), or
``RestartForceExitStatus=75`` with ``Restart=no``.  Started by hand, 75 just ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QWidget

from kiosk.domain.draft import Helper
from kiosk.domain.errors import DomainError
from kiosk.store.officials import Official

EXIT_RESTART = 75
EXIT_SHUTDOWN = 0
TEXTS = {"unexpected": "lỗi không mong đợi, xin xem nhật ký kỹ thuật."}


@dataclass(frozen=True)
class OfficialSession:
    """Who is signed in, since when; the session ends after ``idle_seconds`` untouched."""

    official: Official
    since: datetime
    idle_seconds: int

    @property
    def staff_id(self) -> str:
        return self.official.staff_id

    @property
    def helper(self) -> Helper:
        """NguoiHoTro of what this official files: name and staff id."""
        return self.official.helper


@dataclass(frozen=True)
class OfficialHooks:
    """What the official's side asks of the navigator (it owns the stack and the wizard)."""

    show: Callable[[QWidget], None]
    current: Callable[[], QWidget | None]
    start_assisted: Callable[[Helper], None]  # a new filing with this NguoiHoTro
    resume_assisted: Callable[[Helper], bool]  # the resident's draft, taken over; False: none
    end_session: Callable[[], None]
    leave_full_screen: Callable[[], None]
    quit: Callable[[int], None]
    apply_settings: Callable[[dict[str, str]], None]
    idle_seconds: Callable[[], int]


def reason_of(error: BaseException) -> str:
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, LookupError) and error.args:
        return str(error.args[0])
    return TEXTS["unexpected"]
