"""glibc's allocator, set for a process that handles camera frames all day.

glibc serves a block above its mmap threshold with its own mapping, returned
to the system when freed; but each time such a block is freed it raises the
threshold to that block's size, so from then on every camera frame (1280×720:
2.7 MB) comes from the heap arenas of whichever thread made it.  A day of
frames from several threads then leaves the arenas fragmented: measured by
``benchmarks.bench_soak``, memory malloc had in use stayed flat while what it
kept free grew by 60–130 MB.  A fixed threshold keeps frames out of the heap.
"""

from __future__ import annotations

import ctypes
import platform

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
FRAME_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value, no longer raised


def keep_frames_out_of_the_heap(threshold: int = FRAME_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold; False where the C library is not glibc (nothing done)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
