"""Where a long-running kiosk process writes what happened: a rotating file and stderr.

``kiosk run`` and ``kiosk sync`` run all day; what their threads log (a sync
pass that failed, with its traceback; a lease taken over; a camera that would
not open) goes to ``<data dir>/logs/<role>.log``, rotated so a month of days
cannot fill the disk, and warnings also to stderr (journald under systemd).
Records carry dossier codes and reasons, never a resident's personal data.

That is first the call sites' duty (``tests/test_log_privacy.py`` files a dossier
through the real UI and the real sync, and reads every byte logged).  Behind them,
both handlers mask what a pattern can recognise in the final text, the traceback
included: ID numbers, phone numbers, e-mail addresses (``PersonalDataFilter``).
A portal echoing a field back, or an exception quoting a value, is caught there.
Names and addresses have no pattern: only the call sites keep them out.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Callable
from pathlib import Path

from kiosk.domain.masking import mask_email, mask_id, mask_phone

LOG_DIR = "logs"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"
_MARK = "_kiosk_handler"
# ``log.error(..., extra=FILE_ONLY)``: for the log file, not the screen (a command that
# already said what went wrong in Vietnamese keeps its traceback for the technician).
FILE_ONLY = {"file_only": True}
# What a record says when its text could not be checked: never the unchecked text.
WITHHELD = "<log text withheld: it could not be checked for personal data>"

# A number stands alone: not glued to a word or a longer number (a dossier code's
# "H23-20261124-0012", a hex key, a wire date); more digits after a space may follow.
_ALONE_BEFORE = r"(?<![\w+])(?<!\w[.\-])"
_ALONE_AFTER = r"(?!\w)"
_SEP = r"[ .\-]?"  # "030 195 012 345", "0912.345.678", "0912-345-678"
# A 12-digit personal ID (also grouped), or a 9-digit old CMND written as one run.
_ID = re.compile(rf"{_ALONE_BEFORE}(?:\d(?:{_SEP}\d){{11}}|\d{{9}}){_ALONE_AFTER}",
                 re.ASCII)
# DOMAIN.md §6: mobiles 0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9]) + 7 digits, landlines
# 02 + 9 digits; "+84" / "84" in place of the 0.
_PHONE = re.compile(
    rf"{_ALONE_BEFORE}(?:\(?\+84\)?|84|0){_SEP}"
    rf"(?:(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])(?:{_SEP}\d){{7}}|2(?:{_SEP}\d){{9}})"
    rf"{_ALONE_AFTER}", re.ASCII)
# Bounded parts (RFC 5321's lengths): the scan stays linear on a huge message.
_EMAIL = re.compile(r"[\w.+%'\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}")


def mask_personal(text: str) -> str:
    """``text`` with every ID number, phone number and e-mail address in it masked
    (``kiosk.domain.masking``'s masks: the last digits, the domain stay)."""
    # Phones first: "+84 912 345 678" is one phone, not a "+84" and a 9-digit CMND.
    text = _PHONE.sub(lambda m: mask_phone(m.group()), text)
    text = _ID.sub(lambda m: mask_id(m.group()), text)
    if "@" in text:
        text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return text


class PersonalDataFilter(logging.Filter):
    """Masks ``mask_personal``'s patterns in a record's final message, traceback and
    stack.  It never drops a record and never raises: a message that cannot be built
    (an argument whose ``str`` raises) keeps its template and says so."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _checked(lambda: mask_personal(_message(record)))
        record.args = None  # the message is final: no handler formats it again
        exc_info, exc_text = record.exc_info, record.exc_text
        if exc_info and not exc_text:  # as the handler's Formatter would write it
            exc_text = _checked(lambda: self._formatter.formatException(exc_info))
        if exc_text:  # a masked text set here is what every Formatter prints (its cache)
            record.exc_text = _checked(lambda: mask_personal(exc_text))
        stack = record.stack_info
        if stack:
            record.stack_info = _checked(lambda: mask_personal(stack))
        return True


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception as exc:  # logging would print it to stderr, with the arguments
        template = record.msg if isinstance(record.msg, str) else WITHHELD
        return f"{template} [arguments not shown: {type(exc).__name__}]"


def _checked(make: Callable[[], str]) -> str:
    """``make()``, or ``WITHHELD`` if it fails (a str subclass that raises, memory)."""
    try:
        text = make()
        return text if type(text) is str else WITHHELD
    except Exception:  # a log call must never fail the code that made it
        return WITHHELD


def configure_logging(data_dir: Path, role: str) -> Path | None:
    """Log INFO and up to ``<data dir>/logs/<role>.log`` and WARNING and up to stderr.

    Called once per process; a second call changes nothing.  If the folder cannot
    be written the kiosk still runs, logging to stderr only (and None is returned).
    """
    root = logging.getLogger()
    if any(getattr(h, _MARK, False) for h in root.handlers):
        return None
    root.setLevel(logging.INFO)
    screen = logging.StreamHandler()
    screen.addFilter(lambda record: not getattr(record, "file_only", False))
    _add(root, screen, logging.WARNING)
    path = data_dir / LOG_DIR / f"{role}.log"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8")
        path.chmod(0o600)  # the umask set at start does it too; a log predating it is tightened
    except OSError as exc:  # no traceback on the screen: the reason is enough here
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", path,
                                            exc.strerror or type(exc).__name__)
        return None
    _add(root, handler, logging.INFO)
    return path


def _add(root: logging.Logger, handler: logging.Handler, level: int) -> None:
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PersonalDataFilter())
    setattr(handler, _MARK, True)
    root.addHandler(handler)
