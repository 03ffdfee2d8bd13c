"""The one exception hook (STYLE.md §6): log it, then let the GUI show the friendly page.

An exception escaping a slot or an event handler reaches ``sys.excepthook``: it is
logged with its traceback and handed to ``on_error``, which shows the friendly
page.  One escaping a background thread is logged and nothing else, whichever hook
it reaches: ``threading.excepthook`` (a ``threading.Thread``), or ``sys.excepthook``
called on a Qt thread (PySide6 reports there what escapes a ``QThread.run`` or a
``QRunnable.run``; the hook tells by the thread it runs on).  The resident at the
screen is never wiped for what a background thread did (each worker has its own
error boundary and recovery; STYLE.md §21).  Nothing is ever printed on screen.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("kiosk.ui.errors")


class _Relay(QObject):
    """Created on the GUI thread: emitting from another thread queues the call to it."""

    failed = Signal(object)


def install_exception_hook(on_error: Callable[[BaseException], None]) -> Callable[[], None]:
    """Install the hook; the returned function puts the previous hooks back."""
    relay = _Relay()
    gui_thread = threading.get_ident()  # installed by the composition root, on the GUI thread
    busy = False

    def handle(error: BaseException) -> None:
        nonlocal busy
        if busy:  # on_error itself failed: logged already, do not loop
            return
        busy = True
        try:
            on_error(error)
        finally:
            busy = False

    relay.failed.connect(handle)

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, trace)
            return
        if threading.get_ident() != gui_thread:  # a Qt worker thread: never the screen
            log.error("unexpected error in background thread %s",
                      threading.current_thread().name, exc_info=(kind, error, trace))
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        relay.failed.emit(error)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        log.error("unexpected error in background thread %s", name,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    previous, previous_thread = sys.excepthook, threading.excepthook
    sys.excepthook, threading.excepthook = hook, thread_hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous
        if threading.excepthook is thread_hook:
            threading.excepthook = previous_thread
        relay.deleteLater()

    return uninstall
