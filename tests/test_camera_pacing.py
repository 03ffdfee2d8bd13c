"""The frame pacer, on a clock of the test's own: 15 frames a second on average, never more.

The frames' work is simulated by moving the fake clock on; the pacer's waits
move it too, so no test sleeps or reads the real time.
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.camera import MIN_FRAME_SECONDS, FramePacer

PERIOD = MIN_FRAME_SECONDS


class Clock:
    """Fake time, and a stop flag whose ``wait`` lets that time pass (never set)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None and timeout > 0
        self.waits.append(timeout)
        self.now += timeout
        return False


def frame_starts(work: list[float]) -> list[float]:
    """When each frame began, each taking ``work[n]`` seconds after its wait."""
    clock = Clock()
    pacer = FramePacer(clock=clock)
    starts = []
    for seconds in work:
        pacer.wait(clock)
        starts.append(clock.now)
        clock.now += seconds
    return starts


def test_the_first_frame_is_read_at_once_and_quick_frames_come_fifteen_a_second() -> None:
    starts = frame_starts([0.005] * 31)
    assert starts[0] == 100.0
    assert abs((starts[-1] - starts[0]) - 30 * PERIOD) < 1e-6


def test_a_slow_detection_every_third_frame_is_made_up_by_the_frames_after_it() -> None:
    # 100 ms on a detection frame (a busy kiosk), 10 ms on the two followed ones.
    starts = frame_starts([0.1, 0.01, 0.01] * 10 + [0.0])
    assert abs((starts[-1] - starts[0]) - 30 * PERIOD) < 1e-6  # still 15 a second


def test_a_long_stall_is_not_made_up_by_a_burst() -> None:
    starts = frame_starts([0.005, 2.0] + [0.005] * 10)
    gaps = [b - a for a, b in pairwise(starts[2:])]
    assert all(gap >= PERIOD - 1e-9 for gap in gaps)


@given(st.lists(st.floats(0, 0.5), min_size=2, max_size=80))
def test_frames_never_come_faster_than_fifteen_a_second_on_average(work: list[float]) -> None:
    starts = frame_starts(work)
    for first in range(len(starts)):
        for last in range(first + 1, len(starts)):
            assert starts[last] - starts[first] >= (last - first - 1) * PERIOD - 1e-9
