"""The kiosk as an appliance: ``kiosk appliance install`` and CI's container check.

Standard library only: the installer runs on a fresh Debian 12 machine before
anything else of the kiosk is installed (``python3 -m kiosk.appliance install``).
"""

from __future__ import annotations

import importlib.util
import sys

NO_DEMO_EXIT = 2


def demo_missing() -> int | None:
    """None if the demo package is there; else say why demo mode cannot run, and the exit
    code (an appliance install leaves kiosk/demo out)."""
    if importlib.util.find_spec("kiosk.demo") is not None:
        return None
    print("Lỗi: bản cài này không có gói trình diễn (kiosk/demo đã được bỏ khi cài thành thiết "
          "bị), nên không chạy được chế độ trình diễn hay cổng giả lập.", file=sys.stderr)
    return NO_DEMO_EXIT
