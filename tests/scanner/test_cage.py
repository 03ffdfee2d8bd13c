"""The cage: a child with limits answers, or is killed with a typed error (tiny targets)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.scanner.cage import CageLimits, run_caged
from kiosk.scanner.errors import CaptureError
from tests.scanner.cage_targets import TABLE

TARGETS = "tests.scanner.cage_targets:"
QUICK = CageLimits(wall_seconds=10, cpu_seconds=2, memory_bytes=512 * 1024 * 1024,
                   max_output=1024 * 1024)


def caged_error(target: str, limits: CageLimits = QUICK, **kwargs: object) -> CaptureError:
    with pytest.raises(CaptureError) as caught:
        run_caged(TARGETS + target, b"abc", {}, name="a.pdf", limits=limits,
                  **kwargs)  # type: ignore[arg-type]
    assert "a.pdf" in caught.value.message
    return caught.value


def test_the_child_answers_with_its_result() -> None:
    data = bytes(range(256)) * 3000  # 750 KB in, through the pipe
    answer = run_caged(TARGETS + "echo", data, {"prefix": "ok:"}, name="x", limits=QUICK)
    assert answer == b"ok:" + data[::-1]


def test_a_child_over_its_memory_limit_is_refused() -> None:
    assert caged_error("hog").code == "file_check_memory"


def test_a_child_over_its_cpu_seconds_is_killed() -> None:
    limits = CageLimits(wall_seconds=30, cpu_seconds=1)
    assert caged_error("spin", limits).code == "file_check_timeout"


def test_a_child_past_the_wall_clock_deadline_is_killed() -> None:
    assert caged_error("sleep", CageLimits(wall_seconds=0.5)).code == "file_check_timeout"


def test_a_child_writing_too_much_is_killed() -> None:
    assert caged_error("chatter").code == "file_check_output"


def test_a_crashing_child_is_a_failed_check() -> None:
    assert caged_error("crash").code == "file_check_failed"


def test_a_cancelled_check_is_killed() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    try:
        assert caged_error("sleep", cancel=cancel).code == "file_check_cancelled"
    finally:
        timer.cancel()


def test_a_typed_error_is_rebuilt_from_the_parents_table() -> None:
    with pytest.raises(CaptureError) as caught:
        run_caged(TARGETS + "refuse", b"", {"why": "thử"}, name="a.pdf", limits=QUICK,
                  messages=TABLE)
    assert (caught.value.code, caught.value.message) == ("said_no", "Tệp a.pdf bị từ chối (thử).")


def test_a_code_the_parent_does_not_know_is_a_failed_check() -> None:
    # The child's words are never shown: a code missing from the parent's table is a failure.
    assert caged_error("refuse", messages={}).code == "file_check_failed"


def test_the_child_cannot_write_files(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(CaptureError) as caught:
        run_caged(TARGETS + "write_file", b"", {"path": str(target)}, name="a.pdf", limits=QUICK)
    assert caught.value.code == "file_check_failed"
    assert not target.exists() or target.stat().st_size == 0
