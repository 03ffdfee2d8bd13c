"""Start-up that explains itself when there is no screen to show the kiosk on.

Without a display Qt aborts the process (SIGABRT) after printing that
``xcb-cursor0`` is needed, which sends a technician after the wrong package.
Two guards replace that with a message saying what to do, Vietnamese first,
then English, and exit code 2:

1. ``display_problem`` looks, before Qt starts, at the platform Qt will pick
   and whether the display it needs is named at all;
2. ``explained_start_up`` watches Qt's own messages while the application is
   created and turns Qt's fatal "no platform plugin" into the same kind of
   message (with Qt's lines), since a named display can still be unreachable.

``probe`` is the child process ``kiosk doctor`` runs to see the platform open.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication

EXIT_NO_DISPLAY = 2

# Every sentence this module prints, in one place (STYLE.md §7, §15).
MESSAGES: dict[str, str] = {
    "no_display": "Kiosk không mở được màn hình: nền tảng Qt “{platform}” cần biến {variable}, "
                  "nhưng biến này chưa được đặt.",
    "no_display.en": "The kiosk cannot open a screen: Qt platform “{platform}” needs {variable}, "
                     "which is not set.",
    "platform_failed": "Kiosk không mở được màn hình: Qt không khởi động được nền tảng "
                       "“{platform}” (màn hình không kết nối được, hoặc thiếu thư viện hệ thống).",
    "platform_failed.en": "The kiosk cannot open a screen: Qt could not start platform "
                          "“{platform}” (display unreachable, or system libraries missing).",
    "hints": "Cách khắc phục:\n"
             "  • trong phiên đồ hoạ X11: đặt DISPLAY (ví dụ DISPLAY=:0);"
             " với Wayland: đặt WAYLAND_DISPLAY;\n"
             "  • trên máy kiosk: chạy dưới trình tổng hợp kiosk cage: cage -- kiosk run;\n"
             "  • khi kiểm thử không cần màn hình: QT_QPA_PLATFORM=offscreen.",
    "hints.en": "What to do:\n"
                "  • in an X11 session set DISPLAY (e.g. DISPLAY=:0);"
                " under Wayland set WAYLAND_DISPLAY;\n"
                "  • on the kiosk machine run under the kiosk compositor cage: cage -- kiosk run;\n"
                "  • for tests without a screen: QT_QPA_PLATFORM=offscreen.",
    "libraries": "  • nếu thiếu thư viện: python3 -m kiosk.devenv setup (cài các gói hệ thống).",
    "libraries.en": "  • if libraries are missing: python3 -m kiosk.devenv setup "
                    "(installs the system packages).",
    "hint_line": "Đặt DISPLAY hoặc WAYLAND_DISPLAY, chạy dưới cage, hoặc QT_QPA_PLATFORM=offscreen "
                 "khi kiểm thử.",
    "qt_said": "Qt báo / Qt said:",
    "qt_line": "Qt: {line}",
}

# The variable each display-bound platform connects through; others need none.
_DISPLAY_VARIABLE = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY",
                     "wayland-egl": "WAYLAND_DISPLAY", "wayland-brcm": "WAYLAND_DISPLAY"}
# Qt says this whenever xcb fails to load, even when the library is there.
_CURSOR_HINT = "xcb-cursor0 or libxcb-cursor0 is needed"


def requested_platforms(env: Mapping[str, str]) -> list[str]:
    """The platforms Qt will try, in order, the way Qt itself chooses them on Linux."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [part.split(":")[0].strip() for part in chosen.split(";") if part.strip()]
    if env.get("XDG_SESSION_TYPE") == "wayland" or env.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def startup_problem(env: Mapping[str, str]) -> str | None:
    """``display_problem``, unless a Qt application already runs (a test or benchmark made
    it): then its platform is open, whatever ``env`` says."""
    return None if QCoreApplication.instance() is not None else display_problem(env)


def display_problem(env: Mapping[str, str]) -> str | None:
    """The full explanation when no platform Qt will try can find its display, else None."""
    platforms = requested_platforms(env)
    if any(_display_named(name, env) for name in platforms):
        return None
    name = platforms[0]
    facts = {"platform": name, "variable": _DISPLAY_VARIABLE[name]}
    return "\n\n".join([MESSAGES["no_display"].format(**facts), MESSAGES["hints"],
                        MESSAGES["no_display.en"].format(**facts), MESSAGES["hints.en"]])


def display_problem_line(env: Mapping[str, str]) -> str | None:
    """``display_problem`` in one line, for ``kiosk doctor``."""
    problem = display_problem(env)
    return problem.split("\n", 1)[0] + " " + MESSAGES["hint_line"] if problem else None


def _display_named(platform: str, env: Mapping[str, str]) -> bool:
    variable = _DISPLAY_VARIABLE.get(platform)
    if variable is None:
        return True
    if env.get(variable):
        return True
    # libwayland falls back to the compositor's default socket when the variable is unset.
    runtime_dir = env.get("XDG_RUNTIME_DIR")
    if variable != "WAYLAND_DISPLAY" or not runtime_dir:
        return False
    return (Path(runtime_dir) / "wayland-0").exists()


def explain_failure(platform: str, qt_lines: list[str]) -> str:
    """What ``kiosk run`` prints when Qt could not start its platform."""
    facts = {"platform": platform}
    said = textwrap.indent("\n".join(qt_lines), "    ")
    return "\n\n".join([
        MESSAGES["platform_failed"].format(**facts),
        MESSAGES["hints"] + "\n" + MESSAGES["libraries"],
        MESSAGES["platform_failed.en"].format(**facts),
        MESSAGES["hints.en"] + "\n" + MESSAGES["libraries.en"],
        MESSAGES["qt_said"] + "\n" + said,
    ])


def summarise_failure(platform: str, qt_lines: list[str]) -> str:
    """The same as one line (``kiosk doctor``): our sentence and Qt's first line."""
    first = MESSAGES["platform_failed"].format(platform=platform)
    if not qt_lines:
        return first
    return first + " " + MESSAGES["qt_line"].format(line=qt_lines[0].split("\n", 1)[0])


Render = Callable[[str, list[str]], str]
Handler = Callable[[QtMsgType, QMessageLogContext, str], None]


@contextmanager
def explained_start_up(
    env: Mapping[str, str], render: Render = explain_failure, err: TextIO | None = None
) -> Iterator[None]:
    """While the body creates the Qt application, a fatal Qt message exits 2 with ``render``.

    Qt aborts right after its message handler returns from a fatal message, so
    the handler leaves first, with ``os._exit``: there is nothing to unwind yet.
    Without an earlier handler, other messages are held and printed once the
    application exists, so that a failure shows Qt's lines once, in the explanation.
    """
    platform = " / ".join(requested_platforms(env))
    stream = err or sys.stderr  # looked up now: tests and tools replace sys.stderr
    seen: list[str] = []

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        line = _qt_line(context.category, message)
        if mode == QtMsgType.QtFatalMsg:
            stream.write(render(platform, _meaningful([*seen, line])) + "\n")
            stream.flush()
            os._exit(EXIT_NO_DISPLAY)
        seen.append(line)
        if previous is not None:
            previous(mode, context, message)

    previous: Handler | None = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
        if previous is None and seen:
            stream.write("\n".join(seen) + "\n")


def _qt_line(category: str | None, message: str) -> str:
    """A message as Qt's default handler prints it: ``category: text``."""
    text = message.rstrip()
    return text if category in (None, "default") else f"{category}: {text}"


def _meaningful(lines: list[str]) -> list[str]:
    """Qt's lines without the xcb-cursor0 advice when that library is in fact installed."""
    if _cursor_library_loads():
        return [line for line in lines if _CURSOR_HINT not in line]
    return lines


def _cursor_library_loads() -> bool:
    import ctypes  # only when Qt failed to start: Home is painted sooner without it

    try:
        ctypes.CDLL("libxcb-cursor.so.0")
    except OSError:
        return False
    return True


def probe(env: Mapping[str, str]) -> int:
    """The doctor's child process: open the platform as the kiosk would and print its name,
    else one line on stderr saying why (exit 2)."""
    problem = display_problem_line(env)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    with explained_start_up(env, summarise_failure):
        app = QGuiApplication(sys.argv[:1])
    print(app.platformName())
    return 0
