"""The kiosk's own printer and camera calls feed the exporter's device board.

``kiosk.app.build_ui_services`` is what `kiosk run` hands the screens; with a
board, a slip that cannot be saved marks the printer down and one that is saved
marks it up, and a camera that will not open marks the camera down.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.app import build_ui_services
from kiosk.config import CameraConfig, PrinterConfig
from kiosk.metrics.devices import DeviceBoard
from kiosk.scanner.errors import CaptureError
from tests.support.kiosk import open_kiosk


def test_prints_and_camera_opens_say_on_the_board_how_they_went(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the receipts folder should be", encoding="utf-8")
    site = open_kiosk(tmp_path / "data")
    config = replace(site.runtime.config, printer=PrinterConfig(name=str(blocked), mode="file"),
                     camera=CameraConfig(device="97"))  # no /dev/video97 here
    runtime = replace(site.runtime, config=config)
    try:
        board = DeviceBoard()
        services = build_ui_services(runtime, site.db, {}, devices=board)
        sealed = site.seal_births(1)[0]
        detail = site.queue.find(sealed.code)
        assert detail is not None
        with pytest.raises(OSError):
            services.print_receipt(detail)
        assert board.snapshot() == {"printer": False}
        assert services.open_camera is not None
        with pytest.raises(CaptureError):
            services.open_camera()
        assert board.snapshot() == {"printer": False, "camera": False}

        folder = tmp_path / "receipts"
        folder.mkdir()
        working = replace(runtime, config=replace(config, printer=PrinterConfig(
            name=str(folder), mode="file")))
        services = build_ui_services(working, site.db, {}, devices=board)
        assert services.print_receipt(detail) == folder / f"{sealed.code}.pdf"
        assert board.snapshot()["printer"] is True
    finally:
        site.close()


def test_without_a_board_the_calls_are_the_kiosks_own(tmp_path: Path) -> None:
    site = open_kiosk(tmp_path / "data")
    try:
        services = build_ui_services(site.runtime, site.db, {})
        assert getattr(services.print_receipt, "__self__", None) is not None  # the bound method
    finally:
        site.close()
