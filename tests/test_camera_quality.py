"""The live verdict's percentiles come from a histogram: the same numbers as NumPy's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kiosk.scanner.arrays import Frame
from kiosk.scanner.quality import u8_percentiles

SHARES = (0.0, 2.0, 50.0, 90.0, 98.0, 100.0)


@settings(max_examples=200, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40))),
       st.lists(st.floats(0, 100), min_size=1, max_size=4))
def test_histogram_percentiles_match_numpy(gray: Frame, shares: list[float]) -> None:
    wanted = (*SHARES, *shares)
    found = u8_percentiles(gray, wanted)
    assert np.allclose(found, np.percentile(gray, wanted), rtol=0, atol=1e-9)


def test_a_view_into_a_larger_image_is_counted_as_itself() -> None:
    whole = np.random.default_rng(3).integers(0, 256, (60, 80), dtype=np.uint8)
    inner = whole[5:-5, 7:-7]  # as the verdict crops the page's edge away
    assert np.allclose(u8_percentiles(inner, (2, 90, 98)), np.percentile(inner, (2, 90, 98)))
