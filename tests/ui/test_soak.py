"""A working morning in one process: thirty dossiers through the real window, and after it
the process is as healthy as before — no references lost, no thread, no file left open.

Wave 1 passed every short test and still aborted after eleven minutes of camera
preview (a binding dropped a reference to ``True`` on every signal emit).  This
test lives long enough to see such things: birth registrations from a USB
scanner and from the camera (a video of a card and a page on a desk), certified
copies typed by hand, residents who walk away (the real idle watcher, on a short
session), Track lookups by scanner and by camera (a video of a printed slip),
receipts printed and reprinted.  The benchmark ``benchmarks.bench_soak`` does the
same in a real ``kiosk run --demo`` for twenty minutes and more.

``None`` is checked in the one direction that kills a process: no reference may be
lost.  Its count does grow: PySide6 6.11.3 adds one or two references to ``None``
for every wrapped QObject that C++ destroys (``deleteLater``, a parent deleting
its children) — some 2,900 a dossier here — and frees nothing less for it (no
memory grows; an extra reference cannot free ``None``).  A real leak of Python
objects shows in the collector's object count, which must stay flat.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import Config, SessionConfig
from kiosk.demo import synthetic
from kiosk.demo.camera import DemoCamera
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.ui.main_window import MainWindow
from kiosk.ui.navigator import Navigator
from tests.support import residents
from tests.support.kiosk import Kiosk, open_kiosk
from tests.support.touch import Finger, assert_nothing_left, open_window
from tests.ui.conftest import RecordingPrinter, services_for, slip_video

pytestmark = [pytest.mark.gui, pytest.mark.soak]

ROUNDS = 3  # the first warms the process up; the health after it is the baseline
DOSSIERS_A_ROUND = 10
IDLE_WARNING_SECONDS, IDLE_COUNTDOWN_SECONDS = 4, 1  # short, so the real watcher fires
IDLE_WAIT_MS = (IDLE_WARNING_SECONDS + IDLE_COUNTDOWN_SECONDS + 10) * 1000
# A binding that loses a reference per signal emit moves a count by thousands here.
REFERENCE_TOLERANCE = 100
OBJECT_TOLERANCE = 2_000  # of ~160,000 objects the collector tracks: caches settle
FD_TOLERANCE = 3
DEMO_CARD_NAME = "Nguyễn Thị Ánh"  # on synthetic.SAMPLE_CCCD_PAYLOAD, the demo card


def still_video(path: Path, frame: np.ndarray, frames: int = 10) -> Path:
    """A webcam looking at something lying still: ``frame`` again and again."""
    height, width = frame.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (width, height))
    for _ in range(frames):
        writer.write(frame)
    writer.release()
    return path


@dataclass
class Camera:
    """The kiosk's camera: plays whatever video is in front of it now (``playing``)."""

    desk: Path  # a CCCD card and an A4 page on a wooden desk (the demo camera's picture)
    empty: Path  # the desk with nothing on it
    playing: Path = field(init=False)

    def __post_init__(self) -> None:
        self.playing = self.desk

    def __call__(self) -> FrameSource:
        return VideoFileSource(self.playing, loop=True)


@dataclass(frozen=True)
class Health:
    references: dict[str, int]
    objects: int
    threads: list[str]
    fds: int


def health(watched: dict[str, object]) -> Health:
    gc.collect()
    return Health({name: sys.getrefcount(o) for name, o in watched.items()},
                  len(gc.get_objects()), started_threads(),
                  len(os.listdir("/proc/self/fd")))


@pytest.fixture
def camera(tmp_path: Path) -> Camera:
    desk = DemoCamera().read()
    assert desk is not None
    empty = synthetic.render_desk(np.random.default_rng(3), (1280, 720))
    return Camera(still_video(tmp_path / "desk.avi", desk),
                  still_video(tmp_path / "empty.avi", empty))


@pytest.fixture
def morning(tmp_path: Path) -> Iterator[Kiosk]:
    session = SessionConfig(idle_warning_seconds=IDLE_WARNING_SECONDS,
                            idle_countdown_seconds=IDLE_COUNTDOWN_SECONDS)
    kiosk = open_kiosk(tmp_path / "kiosk", Config(session=session))
    yield kiosk
    kiosk.close()


@pytest.fixture
def soak(
    qtbot: QtBot, qapp: QApplication, morning: Kiosk, printer: RecordingPrinter,
    camera: Camera, tmp_path: Path,
) -> Iterator[tuple[MainWindow, Navigator]]:
    services = services_for(morning, printer, open_camera=camera,
                            usb_root=residents.usb_stick(tmp_path / "usb"))
    window, navigator = open_window(qtbot, qapp, services)
    yield window, navigator
    navigator.shutdown()


@dataclass
class Morning:
    """One resident after another at the same kiosk, and what the test saw them get."""

    finger: Finger
    window: MainWindow
    navigator: Navigator
    camera: Camera
    printer: RecordingPrinter
    slips: Path
    codes: list[str] = field(default_factory=list)

    def sealed(self, code: str, *, reprint: bool = False) -> None:
        self.codes.append(code)
        residents.done_and_home(self.finger, self.window, self.navigator, reprint=reprint)
        assert_nothing_left(self.window, code)

    def birth(self, *, camera: bool, reprint: bool = False) -> None:
        code = residents.birth_registration(self.finger, self.window, self.navigator,
                                            camera=camera,
                                            card_name=DEMO_CARD_NAME if camera else None)
        self.sealed(code, reprint=reprint)

    def copy(self) -> None:
        self.sealed(residents.certified_copy(self.finger, self.window, self.navigator))

    def walk_away(self, *, card: bool) -> None:
        self.camera.playing = self.camera.desk if card else self.camera.empty
        residents.walk_away(self.finger, self.window, self.navigator, IDLE_WAIT_MS,
                            card_name=DEMO_CARD_NAME if card else None)
        self.camera.playing = self.camera.desk
        assert self.navigator.wizard.state.applicant == {}
        assert_nothing_left(self.window, residents.WALKER_NAME, residents.WALKER_PHONE,
                            DEMO_CARD_NAME)

    def track(self, *, by_camera: bool, reprint: bool) -> None:
        code = self.codes[-1]
        if by_camera:  # the resident holds up the slip the kiosk printed for this dossier
            self.camera.playing = slip_video(self.slips / f"{len(self.codes)}.avi",
                                             self.printer.printed[-1])
        residents.track(self.finger, self.window, self.navigator, code,
                        scanner=not by_camera, reprint=reprint)
        self.camera.playing = self.camera.desk

    def round(self) -> None:
        """Ten dossiers, one walk-away, two lookups: every path the kiosk has."""
        self.birth(camera=False, reprint=True)
        self.birth(camera=True)
        self.copy()
        self.track(by_camera=False, reprint=True)
        self.walk_away(card=len(self.codes) % 2 == 0)
        for _ in range(3):
            self.birth(camera=False)
        self.track(by_camera=True, reprint=False)
        self.copy()
        self.birth(camera=False)
        self.birth(camera=False)
        self.copy()


def started_threads() -> list[str]:
    """The Python threads running, less the stand-ins Python makes for Qt's own pool threads
    that ran Python code (they come and go with the pool, from this test or earlier ones)."""
    return sorted(t.name for t in threading.enumerate()
                  if not isinstance(t, threading._DummyThread))


def cameras_closed() -> bool:
    return not any(t.name in {"camera", "page-camera"} for t in threading.enumerate())


def applicant_phones(kiosk: Kiosk, codes: list[str]) -> set[str]:
    details = [kiosk.queue.find(code) for code in codes]
    return {d.payload["ChuHoSo"]["SoDienThoai"] for d in details if d is not None}


@pytest.mark.timeout(300)
def test_thirty_dossiers_in_one_process_leave_it_as_healthy_as_it_started(
    soak: tuple[MainWindow, Navigator], morning: Kiosk, camera: Camera,
    printer: RecordingPrinter, tmp_path: Path,
) -> None:
    window, navigator = soak
    finger = Finger()
    day = Morning(finger, window, navigator, camera, printer, tmp_path)
    birth, copy = (morning.catalogue.get(c) for c in (residents.BIRTH, residents.CERTIFIED_COPY))
    watched: dict[str, object] = {"birth registration": birth, "certified copy": copy}
    if sys.version_info < (3, 12):  # immortal from 3.12 on: their counts never move
        watched |= {"True": True, "False": False, "None": None}
    day.round()
    finger.wait(cameras_closed, 15_000)
    before = health(watched)
    for _ in range(ROUNDS - 1):
        day.round()
    finger.wait(cameras_closed, 15_000)
    after = health(watched)

    drift = {name: after.references[name] - before.references[name] for name in watched}
    flat = {name: moved for name, moved in drift.items() if name != "None"}
    assert all(abs(moved) <= REFERENCE_TOLERANCE for moved in flat.values()), drift
    assert drift.get("None", 0) >= -REFERENCE_TOLERANCE, drift  # none lost (see above)
    assert after.objects <= before.objects + OBJECT_TOLERANCE, (before.objects, after.objects)
    # Nothing the day started is still running (an earlier test's thread may have ended).
    assert Counter(after.threads) - Counter(before.threads) == Counter()
    assert after.fds <= before.fds + FD_TOLERANCE, (before.fds, after.fds)
    assert len(day.codes) == DOSSIERS_A_ROUND * ROUNDS
    assert sorted(d.code for d in morning.queue.recent()) == sorted(day.codes)  # once each
    assert len(set(day.codes)) == len(day.codes)
    assert residents.WALKER_PHONE not in applicant_phones(morning, day.codes)
    assert len(printer.printed) == len(day.codes) + 2 * ROUNDS  # two reprints a round
