"""The allocator setting the kiosk makes at start: camera frames stay out of the heap."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap

import pytest

# How many mappings glibc makes for a 3 MB block allocated after one was freed.
CHECK = textwrap.dedent("""
    import ctypes, sys
    from kiosk.memory import keep_frames_out_of_the_heap

    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = Info
    if sys.argv[1] == "tuned":
        assert keep_frames_out_of_the_heap()
    first = bytearray(3_000_000)
    del first  # untuned, glibc raises its threshold to this size here
    before = libc.mallinfo2().hblks
    second = bytearray(3_000_000)
    print(libc.mallinfo2().hblks - before)
""")

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")


def mapped_blocks(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", CHECK, mode], capture_output=True, text=True,
                          timeout=60, check=True)
    return int(done.stdout.strip())


def test_a_frame_after_a_freed_frame_still_gets_its_own_mapping() -> None:
    assert mapped_blocks("plain") == 0  # glibc's default: it would land in a heap arena
    assert mapped_blocks("tuned") == 1
