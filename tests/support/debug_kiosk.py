"""``kiosk ARGS`` with its loggers at DEBUG: ``python -m tests.support.debug_kiosk ROLE ARGS``.

The command runs as ``kiosk`` runs it (``kiosk.cli.main()`` on ``sys.argv``), after
the log file of ``ROLE`` was opened the command's way with DEBUG let through
(``debug_logging``): the command's own ``configure_logging`` then changes nothing.
``ARGS`` must name ``--data-dir`` first.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from kiosk.logsetup import configure_logging


def debug_logging(data_dir: Path, role: str) -> None:
    """``configure_logging`` as a command does it, then DEBUG for the kiosk's loggers (and
    urllib3's, which names every request) and on both handlers: what a technician would
    switch on to chase a fault, so whatever any call site would ever write is written."""
    configure_logging(data_dir, role)
    logging.getLogger("kiosk").setLevel(logging.DEBUG)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.DEBUG)


def main() -> int:
    from kiosk.cli import main as kiosk

    role, args = sys.argv[1], sys.argv[2:]
    if args[:1] != ["--data-dir"]:
        raise SystemExit("usage: debug_kiosk ROLE --data-dir D [kiosk options] COMMAND …")
    debug_logging(Path(args[1]), role)
    sys.argv = ["kiosk", *args]
    return kiosk()


if __name__ == "__main__":
    sys.exit(main())
