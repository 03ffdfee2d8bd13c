"""Start-up without a usable screen explains itself (Vietnamese, then English) and exits 2,
never Qt's SIGABRT; ``kiosk doctor`` says whether the Qt platform really opens."""

from __future__ import annotations

import ctypes.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.ui.platform_check import (
    EXIT_NO_DISPLAY,
    display_problem,
    requested_platforms,
    startup_problem,
)
from tests.support.xserver import require_tools, xvfb

ROOT = Path(__file__).resolve().parents[2]
# Everything that names a display or a platform, so the child sees none of the test run's.
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE",
                     "XDG_RUNTIME_DIR")


def no_display_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    return {**env, **extra}


def kiosk_cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data"),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=90, check=False)


def absent_display() -> str:
    """An X display number no server here listens on."""
    for number in range(150, 250):
        if not (Path(f"/tmp/.X11-unix/X{number}").exists()
                or Path(f"/tmp/.X{number}-lock").exists()):
            return f":{number}"
    raise AssertionError("every display number from 150 to 249 is taken")


def assert_explained(stderr: str) -> None:
    """The message says what to do, Vietnamese first, and is not a traceback."""
    vietnamese = stderr.index("Kiosk không mở được màn hình")
    english = stderr.index("The kiosk cannot open a screen")
    assert vietnamese < english
    for advice in ("DISPLAY", "WAYLAND_DISPLAY", "cage", "QT_QPA_PLATFORM=offscreen"):
        assert advice in stderr[:english] and advice in stderr[english:]
    assert "Traceback" not in stderr
    if ctypes.util.find_library("xcb-cursor"):  # installed, so Qt's advice would mislead
        assert "xcb-cursor0" not in stderr


def test_run_without_any_display_explains_what_to_do_and_exits_2(tmp_path: Path) -> None:
    done = kiosk_cli(tmp_path, no_display_env(), "run")
    assert done.returncode == EXIT_NO_DISPLAY, done.stderr
    assert_explained(done.stderr)
    assert "nền tảng Qt “xcb” cần biến DISPLAY" in done.stderr


def test_run_on_a_display_that_does_not_exist_explains_with_qts_line_and_exits_2(
    tmp_path: Path
) -> None:
    display = absent_display()
    done = kiosk_cli(tmp_path, no_display_env(QT_QPA_PLATFORM="xcb", DISPLAY=display), "run")
    assert done.returncode == EXIT_NO_DISPLAY, (done.returncode, done.stderr)  # not -6, SIGABRT
    assert_explained(done.stderr)
    assert f"could not connect to display {display}" in done.stderr


def qt_check(tmp_path: Path, env: dict[str, str]) -> dict[str, object]:
    done = kiosk_cli(tmp_path, env, "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(done.stdout)}
    check: dict[str, object] = checks["qt"]
    return check


def test_doctor_says_the_qt_platform_cannot_open_without_a_display(tmp_path: Path) -> None:
    check = qt_check(tmp_path, no_display_env())
    assert check["ok"] is False
    assert "cần biến DISPLAY" in str(check["detail"])
    assert "QT_QPA_PLATFORM=offscreen" in str(check["detail"])


def test_doctor_names_the_display_it_could_not_reach(tmp_path: Path) -> None:
    display = absent_display()
    check = qt_check(tmp_path, no_display_env(QT_QPA_PLATFORM="xcb", DISPLAY=display))
    assert check["ok"] is False
    assert f"could not connect to display {display}" in str(check["detail"])


def test_doctor_names_the_platform_that_opened(tmp_path: Path) -> None:
    check = qt_check(tmp_path, no_display_env(QT_QPA_PLATFORM="offscreen"))
    assert check["ok"] is True
    assert "nền tảng “offscreen” mở được" in str(check["detail"])


def test_doctor_opens_a_real_x_display(tmp_path: Path) -> None:
    require_tools()
    with xvfb(tmp_path, (1024, 768), window_manager=False) as x:
        check = qt_check(tmp_path, x.env(no_display_env()))
    assert check["ok"] is True, check
    assert "nền tảng “xcb” mở được" in str(check["detail"])


@pytest.mark.parametrize(("env", "platforms"), [
    ({}, ["xcb"]),
    ({"QT_QPA_PLATFORM": "offscreen"}, ["offscreen"]),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, ["wayland", "xcb"]),
    ({"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"}, ["offscreen"]),
    ({"XDG_SESSION_TYPE": "wayland"}, ["wayland", "xcb"]),
    ({"WAYLAND_DISPLAY": "wayland-1"}, ["wayland", "xcb"]),
])
def test_the_platforms_qt_will_try_follow_the_environment(
    env: dict[str, str], platforms: list[str]
) -> None:
    assert requested_platforms(env) == platforms


@pytest.mark.parametrize("env", [
    {"DISPLAY": ":0"},
    {"WAYLAND_DISPLAY": "wayland-1"},
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"},
    {"QT_QPA_PLATFORM": "eglfs"},
])
def test_a_named_display_or_a_display_free_platform_is_no_problem(env: dict[str, str]) -> None:
    assert display_problem(env) is None


def test_wayland_without_the_variable_finds_the_compositors_default_socket(
    tmp_path: Path
) -> None:
    env = {"QT_QPA_PLATFORM": "wayland", "XDG_RUNTIME_DIR": str(tmp_path)}
    assert display_problem(env) is not None
    (tmp_path / "wayland-0").touch()
    assert display_problem(env) is None


def test_wayland_chosen_without_a_compositor_names_wayland_display() -> None:
    problem = display_problem({"QT_QPA_PLATFORM": "wayland"})
    assert problem is not None
    assert "cần biến WAYLAND_DISPLAY" in problem


def test_once_a_qt_application_runs_its_display_is_no_longer_questioned(
    qapp: QApplication
) -> None:
    assert display_problem({}) is not None
    assert startup_problem({}) is None
