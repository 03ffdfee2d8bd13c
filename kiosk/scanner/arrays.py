"""Array types shared by the capture modules, and the casts that keep mypy honest.

OpenCV's type stubs return a loose "any number array" for every call; these
casts (free at run time for arrays already of the right type) pin the result
to what the code relies on: 8-bit images and float32 points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float32]


def u8(image: Any) -> Frame:
    """An 8-bit image array (no copy if it already is one)."""
    return np.asarray(image, dtype=np.uint8)


def f32(values: Any) -> Points:
    """A float32 array of points or coordinates (no copy if it already is one)."""
    return np.asarray(values, dtype=np.float32)
