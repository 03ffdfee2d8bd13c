"""The friendly page shown instead of a traceback: ask an official, then go home."""

from __future__ import annotations

from kiosk.ui.screens.notice import NoticeScreen


class ErrorScreen(NoticeScreen):
    """Says nothing about the error itself: the details are in the log for the technician."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("error")
        self.show_message("error")
