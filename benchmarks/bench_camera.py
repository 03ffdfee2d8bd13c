"""The camera loops at 15 frames/s from a 720p source: frames delivered, CPU cores, paused reads.

    python -m benchmarks.bench_camera [--seconds 5] [--repeats 3] [--demo] [--json]

The source is a 1280×720 MJPG video of the demo camera's feed (recorded once,
up front), played through ``VideoFileSource`` and counted: so the demo
camera's own drawing costs nothing here.  Decoding the video does cost, as a
webcam's driver would: that cost is measured on its own (the same file read at
the same pace by a bare loop, no worker) and subtracted from the worker's
cores, and both figures are printed.  The real workers run on their own
threads with a real Qt event loop taking their previews; cores are the
process's CPU time over wall time (all threads).  Paused, the page camera must
read nothing: the reads counted while paused are printed.  ``--demo`` also runs
the page camera on the demo camera itself, as ``kiosk run --demo`` does, and
the demo's drawing alone at the same pace.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.demo.camera import DemoCamera
from kiosk.scanner.arrays import Frame
from kiosk.scanner.frames import FrameSource, VideoFileSource
from kiosk.ui.camera import CameraCodeReader, CameraWorker
from kiosk.ui.widgets.page_camera import PageCamera

SIZE = (1280, 720)
FPS = 15
VIDEO_FRAMES = 120  # one drift and one rest of the demo's hand, looped


def record_demo(path: Path) -> Path:
    """The demo camera's feed at 720p as an MJPG file (a webcam's usual format)."""
    demo = DemoCamera(size=SIZE)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    for _ in range(VIDEO_FRAMES):
        frame = demo.read()
        assert frame is not None
        writer.write(frame)
    writer.release()
    return path


class CountingSource:
    """A looping video (or the demo camera itself) whose reads are counted (the paused loop
    must make none)."""

    def __init__(self, path: Path | None) -> None:
        self._video: FrameSource = (DemoCamera(size=SIZE) if path is None
                                    else VideoFileSource(path, loop=True))
        self.name = self._video.name
        self.reads = 0

    def read(self) -> Frame | None:
        self.reads += 1
        return self._video.read()

    def close(self) -> None:
        self._video.close()


@dataclass
class Window:
    """One measured stretch: frames delivered, source reads, CPU seconds, wall seconds,
    and the pages the page camera took by itself."""

    frames: int
    reads: int
    cpu: float
    wall: float
    captures: int = 0

    @property
    def fps(self) -> float:
        return self.frames / self.wall

    @property
    def cores(self) -> float:
        return self.cpu / self.wall


def spin(seconds: float) -> None:
    """Run the Qt event loop (the worker's deliveries) for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def measure(seconds: float, frames: Callable[[], int], reads: Callable[[], int],
            captures: Callable[[], int] = lambda: 0) -> Window:
    frames0, reads0, captures0 = frames(), reads(), captures()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    spin(seconds)
    return Window(frames() - frames0, reads() - reads0,
                  time.process_time() - cpu0, time.perf_counter() - wall0,
                  captures() - captures0)


def run_worker(make: Callable[[Callable[[], FrameSource]], CameraWorker], path: Path | None,
               seconds: float, *, paused: bool) -> tuple[Window, Window | None]:
    """The worker live for ``seconds`` (after a warm-up), then paused as long if asked."""
    source = CountingSource(path)
    worker = make(lambda: source)
    delivered, taken = [0], [0]
    worker.preview.connect(lambda _image: delivered.__setitem__(0, delivered[0] + 1))  # type: ignore[attr-defined]
    if isinstance(worker, PageCamera):  # as the capture screen does once the page is kept
        def kept(_still: object) -> None:
            taken[0] += 1
            worker.resume(rearm=False)
        worker.captured.connect(kept)
    worker.start()
    spin(1.0)  # open, first frames, caches warm
    live = measure(seconds, lambda: delivered[0], lambda: source.reads, lambda: taken[0])
    still = None
    if paused:
        assert isinstance(worker, PageCamera)
        worker.pause()
        spin(0.3)  # a frame already read when pause came may still finish
        still = measure(seconds, lambda: delivered[0], lambda: source.reads)
        worker.resume()
    worker.stop()
    assert worker.wait(10.0)
    return live, still


def run_source_only(path: Path | None, seconds: float) -> Window:
    """What reading the video costs by itself at the same pace (a webcam driver's share)."""
    source = CountingSource(path)
    stop = threading.Event()

    def loop() -> None:
        step = 1 / FPS
        next_at = time.monotonic()
        while not stop.is_set():
            source.read()
            next_at += step
            stop.wait(max(0.0, next_at - time.monotonic()))

    thread = threading.Thread(target=loop, name="bench-source", daemon=True)
    thread.start()
    spin(1.0)
    window = measure(seconds, lambda: source.reads, lambda: source.reads)
    stop.set()
    thread.join()
    source.close()
    return window


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def run(seconds: float, repeats: int, with_demo: bool) -> dict[str, float | int | str]:
    app = QApplication.instance() or QApplication([])
    assert app is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = record_demo(Path(tmp) / "demo720.avi")
        page: list[tuple[Window, Window | None]] = []
        code: list[tuple[Window, Window | None]] = []
        source: list[Window] = []
        demo: list[tuple[Window, Window | None]] = []
        drawing: list[Window] = []
        for _ in range(repeats):  # interleaved, so a load spike from elsewhere hits all
            source.append(run_source_only(path, seconds))
            page.append(run_worker(lambda o: PageCamera(o), path, seconds, paused=True))
            code.append(run_worker(lambda o: CameraCodeReader(o), path, seconds, paused=False))
            if with_demo:
                drawing.append(run_source_only(None, seconds))
                demo.append(run_worker(lambda o: PageCamera(o), None, seconds, paused=False))
    source_cores = median([w.cores for w in source])
    paused = [p for _live, p in page if p is not None]
    page_cores = median([w.cores for w, _ in page])
    code_cores = median([w.cores for w, _ in code])
    figures: dict[str, float | int | str] = {
        "source": f"{SIZE[0]}x{SIZE[1]} MJPG video of the demo feed, paced at {FPS} frames/s",
        "source_cores": source_cores,
        "page_fps": median([w.fps for w, _ in page]),
        "page_reads_per_second": median([w.reads / w.wall for w, _ in page]),
        "page_cores_gross": page_cores,
        "page_cores": round(page_cores - source_cores, 3),
        "page_captures_per_minute": median([60 * w.captures / w.wall for w, _ in page]),
        "page_paused_reads": sum(w.reads for w in paused),
        "page_paused_cores": median([w.cores for w in paused]),
        "code_fps": median([w.fps for w, _ in code]),
        "code_cores_gross": code_cores,
        "code_cores": round(code_cores - source_cores, 3),
        "seconds": seconds,
        "repeats": repeats,
        "cv2_threads": cv2.getNumThreads(),
    }
    if with_demo:  # ``kiosk run --demo`` as it runs: the drawing counted, then taken off
        demo_cores = median([w.cores for w, _ in demo])
        drawing_cores = median([w.cores for w in drawing])
        figures |= {"demo_page_fps": median([w.fps for w, _ in demo]),
                    "demo_page_cores_gross": demo_cores, "demo_drawing_cores": drawing_cores,
                    "demo_page_cores": round(demo_cores - drawing_cores, 3)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demo", action="store_true",
                        help="also the page camera on the demo camera itself, drawing included")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args.seconds, args.repeats, args.demo)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"source: {figures['source']}; reading it alone: {figures['source_cores']} cores")
    print(f"page camera: {figures['page_fps']} frames/s shown "
          f"({figures['page_reads_per_second']} read), {figures['page_cores']} cores "
          f"without the source ({figures['page_cores_gross']} with it), "
          f"{figures['page_captures_per_minute']} pages taken by itself a minute")
    print(f"  paused: {figures['page_paused_reads']} frames read, "
          f"{figures['page_paused_cores']} cores")
    print(f"card/QR camera: {figures['code_fps']} frames/s, {figures['code_cores']} cores "
          f"without the source ({figures['code_cores_gross']} with it)")
    if "demo_page_fps" in figures:
        print(f"page camera on the demo camera itself: {figures['demo_page_fps']} frames/s, "
              f"{figures['demo_page_cores_gross']} cores, of which its drawing alone "
              f"{figures['demo_drawing_cores']}")
    print(f"medians of {figures['repeats']} runs of {figures['seconds']} s; "
          f"OpenCV threads {figures['cv2_threads']}")


if __name__ == "__main__":
    main()
