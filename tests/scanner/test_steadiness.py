"""The auto-capture hold: still and good for 1.5 s of the caller's clock, broken at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kiosk.scanner.arrays import f32
from kiosk.scanner.tracking import SteadyHold, TrackState

CORNERS = f32([[10, 10], [200, 10], [200, 280], [10, 280]])


def still(frames: int) -> TrackState:
    return TrackState(CORNERS, frames, False)


def run(hold: SteadyHold, times: list[float], good: bool = True) -> list[bool]:
    return [hold.update(t, still(10 + n), good).done for n, t in enumerate(times)]


def test_a_good_still_page_is_taken_after_one_and_a_half_seconds() -> None:
    hold = SteadyHold()
    done = run(hold, [n / 10 for n in range(20)])  # 10 frames a second
    assert done.index(True) == 15


def test_the_countdown_runs_down_in_seconds() -> None:
    hold = SteadyHold()
    first = hold.update(0.0, still(5), True)
    later = hold.update(0.6, still(6), True)
    assert first.holding and first.seconds_left == 1.5 and first.progress == 0.0
    assert abs(later.seconds_left - 0.9) < 1e-9 and abs(later.progress - 0.4) < 1e-9


def test_a_page_that_moves_breaks_the_hold_and_it_starts_again() -> None:
    hold = SteadyHold()
    for n in range(10):
        hold.update(n / 10, still(10 + n), True)
    moved = hold.update(1.0, TrackState(CORNERS, 0, False), True)
    assert not moved.holding and moved.seconds_left == 1.5
    again = [hold.update(1.1 + n / 10, still(5 + n), True).done for n in range(16)]
    assert again.index(True) == 15


def test_a_bad_verdict_or_a_lost_page_never_counts() -> None:
    hold = SteadyHold()
    assert not any(run(hold, [n / 10 for n in range(40)], good=False))
    lost = [hold.update(n / 10, TrackState(None, 0, False), True).done for n in range(40)]
    assert not any(lost)


def test_a_stalled_camera_is_not_a_held_page() -> None:
    hold = SteadyHold()
    assert run(hold, [0.0, 2.0, 4.0]) == [False, False, False]  # 3 frames in 4 s
    assert hold.update(6.0, still(20), True).done is False
    assert hold.update(8.0, still(21), True).done  # the fifth frame held


def test_frames_before_the_page_settles_do_not_start_the_hold() -> None:
    hold = SteadyHold()
    assert not hold.update(0.0, still(1), True).holding
    assert hold.update(0.1, still(3), True).holding


@given(st.lists(st.tuples(st.floats(0, 0.5), st.booleans(), st.integers(0, 40)), max_size=60))
def test_nothing_is_taken_before_the_page_was_good_and_still_for_the_whole_hold(
    steps: list[tuple[float, bool, int]],
) -> None:
    hold = SteadyHold()
    now, since = 0.0, None
    for gap, good, frames in steps:
        now += gap
        ok = good and frames >= 3
        since = (since if since is not None else now) if ok else None
        if hold.update(now, TrackState(CORNERS if frames % 7 else None, frames, False),
                       good).done:
            assert frames % 7 and since is not None and now - since >= 1.5 - 1e-9
            hold.reset()
            since = None
        elif not frames % 7:
            since = None
    assert np.isfinite(now)
