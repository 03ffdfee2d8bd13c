"""Render every screen of the kiosk at 1920×1080 and 1366×768 into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py

The real window and navigator on a throw-away data dir, filled with the sample
birth registration the tests use; the printer and camera are left out, the
flatbed is the fake one and the USB stick an empty folder.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.app import build_window  # noqa: E402
from kiosk.scanner.sane import FakeScanner  # noqa: E402
from kiosk.ui.context import UiServices  # noqa: E402
from kiosk.ui.draft_state import DraftState  # noqa: E402
from kiosk.ui.main_window import MainWindow  # noqa: E402
from kiosk.ui.navigator import Navigator  # noqa: E402
from tests.support.kiosk import Kiosk, birth_state, open_kiosk  # noqa: E402
from tests.support.voice import RecordingVoice  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = ((1920, 1080), (1366, 768))


def fill_draft(navigator: Navigator, kiosk: Kiosk) -> None:
    sample = birth_state(kiosk.catalogue, kiosk.clock())
    for f in fields(DraftState):
        setattr(navigator.wizard.state, f.name, getattr(sample, f.name))


def steps(navigator: Navigator, kiosk: Kiosk) -> list[tuple[str, Callable[[], None]]]:
    def step(index: int) -> Callable[[], None]:
        def show() -> None:
            if index > 0:
                fill_draft(navigator, kiosk)
            navigator.wizard.go(index)
        return show

    names = ["choose", "details", "applicant", "form", "documents", "result-fee", "review",
             "declaration"]
    shots = [("home", navigator.go_home), ("guide", lambda: navigator._show(navigator.guide)),
             ("track", navigator.show_track), ("help", lambda: navigator._show_notice("help"))]
    shots += [(f"step-{i + 1}-{name}", step(i)) for i, name in enumerate(names)]
    shots.append(("step-3-applicant-keyboard", editing(navigator, kiosk, 2, "ho_ten")))
    shots.append(("step-4-form-number-pad", editing(navigator, kiosk, 3, "ngay_sinh")))
    shots.append(("done", lambda: done(navigator, kiosk)))
    shots.append(("error", lambda: navigator._show(navigator.error)))
    return shots


def editing(navigator: Navigator, kiosk: Kiosk, index: int, field: str) -> Callable[[], None]:
    """A step with the on-screen keyboard (or number pad) open on one field."""
    def show() -> None:
        fill_draft(navigator, kiosk)
        navigator.wizard.go(index)
        navigator.wizard.frames[index].content.fields.edit(field)  # type: ignore[attr-defined]
    return show


def done(navigator: Navigator, kiosk: Kiosk) -> None:
    (dossier,) = kiosk.seal_births(1)
    navigator._sealed(dossier)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        kiosk = open_kiosk(Path(folder))
        services = UiServices(kiosk.runtime.config, kiosk.catalogue, kiosk.queue,
                              kiosk.submitter, kiosk.clock, print_receipt=lambda _d: None,
                              open_scanner=FakeScanner, usb_root=Path(folder),
                              voice=RecordingVoice())  # «Nghe hướng dẫn» shown, silent
        window, navigator = build_window(app, services, windowed=True)
        window.show()
        for name, show in steps(navigator, kiosk):
            show()
            render(app, window, name)
        navigator.shutdown()
        kiosk.close()
    return 0


def render(app: QApplication, window: MainWindow, name: str) -> None:
    for width, height in SIZES:
        window.resize(width, height)
        for _ in range(3):
            app.processEvents()
        window.grab().save(str(OUT / f"{name}-{width}.png"))
        hint = window.minimumSizeHint()
        if hint.width() > width or hint.height() > height:
            print(f"{name}: needs {hint.width()}×{hint.height()}, more than {width}×{height}")


if __name__ == "__main__":
    sys.exit(main())
