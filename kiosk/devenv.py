"""Set up a machine and run the kiosk or its tests: the README's two commands.

    python3 -m kiosk.devenv run     # demo kiosk in a window, bundled simulator
    python3 -m kiosk.devenv test    # lint, type-check and the whole test suite
    python3 -m kiosk.devenv installer  # build dist folder, check its size and frozen runs
    python3 -m kiosk.devenv appliance-check  # units verified, install booted in Debian 12

Standard library only, because it runs before anything is installed.  It
installs the Debian/Ubuntu system libraries Qt and zbar need (through sudo when
not root), creates ``.venv`` with the package and its dev tools, reinstalls
when ``pyproject.toml`` or ``constraints.txt`` changes, then hands over to the venv.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
MARKER = VENV / ".kiosk-installed"
# Every package the venv holds, at the version the test suite ran on (STYLE.md §24).
CONSTRAINTS = ROOT / "constraints.txt"

# What Qt's xcb/offscreen platforms, OpenCV and pyzbar load at run time.
RUNTIME_PACKAGES = (
    "libgl1", "libegl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
    "libdbus-1-3", "libglib2.0-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0",
    "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0", "libpulse0", "libzbar0",
    "poppler-utils",  # pdftoppm: receipt PDFs to printer and thermal rasters
    # «Nghe hướng dẫn»: Qt's speechd plugin loads libspeechd2; speech-dispatcher (started
    # per user on the first request) speaks through espeak-ng's Vietnamese voice.
    "libspeechd2", "speech-dispatcher", "speech-dispatcher-espeak-ng", "espeak-ng",
)
# What `kiosk appliance install` adds on a kiosk: the Wayland kiosk compositor, venv, CUPS.
APPLIANCE_PACKAGES: tuple[str, ...] = ("cage", "python3-venv", "cups-client", "sane-utils")
# Real local components the tests drive: SANE's test scanner, a CUPS queue that
# prints to PDF, pdftoppm to look at what was printed; a real X server, a window
# manager and the tools that look at its windows (the full-screen tests).
TEST_PACKAGES: tuple[str, ...] = (
    "sane-utils", "cups", "cups-client", "printer-driver-cups-pdf",
    "xvfb", "matchbox-window-manager", "x11-utils", "xdotool",
)

# The installer build strips its binaries and reads their links (installer.spec), and
# compiles the stand-ins for ICU's data and OpenCV's FFmpeg (installer/stubs.py).
INSTALLER_PACKAGES: tuple[str, ...] = ("binutils", "gcc")

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


class SetupError(Exception):
    """A set-up step cannot be done here; the message says what to do instead."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in {"run", "test", "setup", "installer", "appliance-check"}:
        print(__doc__)
        return 2
    action, rest = args[0], args[1:]
    if action == "appliance-check":  # a Debian 12 container of its own: no venv here
        from kiosk.appliance.check import CHECK_PACKAGES
        from kiosk.appliance.check import main as appliance_check

        try:
            ensure_system_packages(CHECK_PACKAGES)
        except SetupError as exc:
            print(f"kiosk setup: {exc}", file=sys.stderr)
            return 1
        return appliance_check(rest)
    try:
        packages = RUNTIME_PACKAGES + (TEST_PACKAGES if action == "test" else ())
        packages += INSTALLER_PACKAGES if action == "installer" else ()
        ensure_system_packages(packages)
        python = ensure_venv()
    except SetupError as exc:
        print(f"kiosk setup: {exc}", file=sys.stderr)
        return 1
    if action == "run":  # --demo itself reads the shipped demo settings (resources/demo.toml)
        return _exec([str(VENV / "bin" / "kiosk"), "run", "--demo", "--windowed", *rest])
    if action == "test":
        return run_tests(python, rest)
    if action == "installer":
        return build_installer(python, rest)
    return 0


def build_installer(python: Path, bench_args: Sequence[str]) -> int:
    """Install the pinned ``installer`` extra, then build and check the folder (CI's step)."""
    try:
        _check([str(python), "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS),
                "-e", f"{ROOT}[installer]"])
    except SetupError as exc:
        print(f"kiosk setup: {exc}", file=sys.stderr)
        return 1
    command = [str(python), "-m", "benchmarks.bench_installer", *bench_args]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def run_tests(python: Path, pytest_args: Sequence[str]) -> int:
    """Lint, type-check, then pytest; the first failure decides the exit code."""
    # One pytest worker per core (pytest-xdist): the suite is mostly single-threaded Python,
    # so on CI's 2 cores it takes half the time.  "-n 0" (or any -n) chooses otherwise.
    workers = [] if any(a.startswith("-n") for a in pytest_args) else ["-n", "auto"]
    steps = [
        [str(python), "-m", "ruff", "check", "kiosk", "tests", "benchmarks", "installer"],
        [str(python), "-m", "mypy"],
        [str(python), "-m", "pytest", *workers, *pytest_args],
    ]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for step in steps:
        print("+ " + " ".join(step[2:]), flush=True)
        code = subprocess.run(step, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            return code
    return 0


# ---------------------------------------------------------------- system packages


def missing_packages(packages: Sequence[str], run: Runner = subprocess.run) -> list[str]:
    """The Debian packages of ``packages`` not installed (t64-renamed ones count)."""
    return [p for p in packages if not (_installed(p, run) or _installed(p + "t64", run))]


def _installed(package: str, run: Runner) -> bool:
    result = run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, check=False
    )
    return result.returncode == 0 and result.stdout.endswith(b"install ok installed")


def apt_command(missing: Sequence[str], is_root: bool, sudo: str | None) -> list[list[str]]:
    """The commands that install ``missing``, or SetupError saying how to do it by hand."""
    if is_root:
        prefix: list[str] = []
    elif sudo:
        prefix = [sudo]
    else:
        raise SetupError(
            "thiếu các gói hệ thống sau và không có quyền cài (không phải root, không có sudo):\n"
            f"    apt-get install {' '.join(missing)}\n"
            "Nhờ quản trị viên chạy lệnh trên rồi chạy lại."
        )
    install = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
               "--no-install-recommends", *missing]
    return [[*prefix, "apt-get", "update", "-qq"], install]


def ensure_system_packages(packages: Sequence[str]) -> None:
    if shutil.which("dpkg-query") is None or shutil.which("apt-get") is None:
        print("kiosk setup: not a Debian/Ubuntu system; make sure these are installed: "
              + " ".join(packages), file=sys.stderr)
        return
    missing = missing_packages(packages)
    if not missing:
        return
    print(f"kiosk setup: installing system packages: {' '.join(missing)}", flush=True)
    for command in apt_command(missing, os.geteuid() == 0, shutil.which("sudo")):
        if subprocess.run(command, check=False).returncode != 0:
            raise SetupError(f"lệnh không thành công: {' '.join(command)}")


# ---------------------------------------------------------------- virtual environment


def ensure_venv() -> Path:
    """Create or refresh ``.venv``; return its Python."""
    python = VENV / "bin" / "python"
    if not python.exists():
        _create_venv()
    stamp = _requirements_stamp()
    if not MARKER.exists() or MARKER.read_text() != stamp:
        print("kiosk setup: installing the kiosk and its Python packages into .venv", flush=True)
        _check(
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            [str(python), "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS),
             "-e", f"{ROOT}[dev]"],
        )
        MARKER.write_text(stamp)
    return python


def _create_venv() -> None:
    base = _find_python()
    if subprocess.run([base, "-m", "venv", str(VENV)], check=False).returncode == 0:
        return
    shutil.rmtree(VENV, ignore_errors=True)
    # Debian ships venv's ensurepip separately: install it and try once more.
    version = subprocess.run(
        [base, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    ensure_system_packages([f"python{version}-venv"])
    _check([base, "-m", "venv", str(VENV)])


def _find_python() -> str:
    """A Python ≥ 3.11: this one, or a newer one installed beside it."""
    if sys.version_info >= (3, 11):  # noqa: UP036 - runs under an older python3 too
        return sys.executable
    for name in ("python3.13", "python3.12", "python3.11"):
        found = shutil.which(name)
        if found:
            return found
    raise SetupError(
        f"cần Python 3.11 trở lên (máy này có {sys.version.split()[0]}). "
        "Cài python3.11 (apt-get install python3.11 python3.11-venv) rồi chạy lại."
    )


def _requirements_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(CONSTRAINTS.read_bytes())
    return digest.hexdigest()


def _check(*commands: Sequence[str]) -> None:
    for command in commands:
        if subprocess.run(list(command), check=False).returncode != 0:
            raise SetupError(f"lệnh không thành công: {' '.join(command)}")


def _exec(command: list[str]) -> int:
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
