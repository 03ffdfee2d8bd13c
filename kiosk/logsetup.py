"""Where a long-running kiosk process writes what happened: a rotating file and stderr.

``kiosk run`` and ``kiosk sync`` run all day; what their threads log (a sync
pass that failed, with its traceback; a lease taken over; a camera that would
not open) goes to ``<data dir>/logs/<role>.log``, rotated so a month of days
cannot fill the disk, and warnings also to stderr (journald under systemd).
Records carry dossier codes and reasons, never a resident's personal data.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_DIR = "logs"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"
_MARK = "_kiosk_handler"
# ``log.error(..., extra=FILE_ONLY)``: for the log file, not the screen (a command that
# already said what went wrong in Vietnamese keeps its traceback for the technician).
FILE_ONLY = {"file_only": True}


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
    setattr(handler, _MARK, True)
    root.addHandler(handler)
