"""Set up a machine and run the kiosk or its tests: the README's two commands.

    python3 -m kiosk.devenv run     # demo kiosk in a window, bundled simulator
    python3 -m kiosk.devenv test    # lint, type-check and the whole test suite
    python3 -m kiosk.devenv installer  # build dist folder, check its size and frozen runs
    python3 -m kiosk.devenv appliance-check  # units verified, install booted in Debian 12
    python3 -m kiosk.devenv release    # dist/: wheel, installer tar.gz, SHA256SUMS

Standard library only, because it runs before anything is installed.  It
installs the Debian/Ubuntu system libraries Qt and zbar need (through sudo when
not root; when neither can, it stops at once with one message naming every package
both commands need, in Vietnamese and English), creates ``.venv`` with the package
and its dev tools, reinstalls when ``pyproject.toml`` or ``constraints.txt`` changes,
then hands over to the venv.
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
    "prometheus",  # promtool: checks and unit-tests deploy/monitoring's alert rules
)

# The installer build strips its binaries and reads their links (installer.spec), and
# compiles the stand-ins for ICU's data and OpenCV's FFmpeg (installer/stubs.py).
INSTALLER_PACKAGES: tuple[str, ...] = ("binutils", "gcc")

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


class SetupError(Exception):
    """A set-up step cannot be done here; the message says what to do instead."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in {"run", "test", "setup", "installer", "release",
                                       "appliance-check"}:
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
        base = _find_python()
        # Everything is checked first: without the right to install, the one message
        # names what both README commands need, before anything (.venv) is made.
        ensure_system_packages(action_packages(action, base), readme_packages(base))
        python = ensure_venv(base)
    except SetupError as exc:
        print(f"kiosk setup: {exc}", file=sys.stderr)
        return 1
    if action == "run":  # --demo itself reads the shipped demo settings (resources/demo.toml)
        return _exec([str(VENV / "bin" / "kiosk"), "run", "--demo", "--windowed", *rest])
    if action == "test":
        return run_tests(python, rest)
    if action == "installer":
        return build_installer(python, rest)
    if action == "release":  # the installer folder, built and checked, then kiosk/release.py
        code = 0 if "--wheel-only" in rest else build_installer(python, [])
        return code or _exec([str(python), "-m", "kiosk.release", *rest])
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


def action_packages(action: str, base: str) -> tuple[str, ...]:
    """The system packages ``action`` needs on this machine (python3-venv only until
    ``.venv`` exists)."""
    packages = RUNTIME_PACKAGES + (TEST_PACKAGES if action == "test" else ())
    packages += INSTALLER_PACKAGES if action in ("installer", "release") else ()
    return _unique(packages + venv_packages(base))


def readme_packages(base: str) -> tuple[str, ...]:
    """Every system package the README's two commands (run, test) need, from the lists
    above: what the message names when nothing can be installed here."""
    return _unique(RUNTIME_PACKAGES + TEST_PACKAGES + venv_packages(base))


def venv_packages(base: str) -> tuple[str, ...]:
    """The Debian package that lets ``base`` create ``.venv``, while there is none.

    Debian's Pythons (under /usr) keep ``ensurepip`` apart, in pythonX.Y-venv, which
    python3-venv brings for the default python3 (with the pip wheel: python3-pip is not
    needed).  A Python built elsewhere (pyenv, python.org) has ensurepip built in."""
    if (VENV / "bin" / "python").exists() or Path(base).resolve().parent != Path("/usr/bin"):
        return ()
    default = Path("/usr/bin/python3")
    if default.exists() and default.resolve() == Path(base).resolve():
        return ("python3-venv",)
    return (f"python{_version_of(base)}-venv",)


def _unique(packages: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(packages))


def install_prefix(run: Runner = subprocess.run) -> list[str] | None:
    """How this user runs apt-get: ``[]`` as root, ``[sudo]`` when sudo works without
    a password (or one typed at this terminal); None when nothing can install here."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo is None:
        return None
    if run([sudo, "-n", "true"], capture_output=True, check=False).returncode == 0:
        return [sudo]
    if sys.stdin is None or not sys.stdin.isatty():  # no one to type a password
        return None
    print("kiosk setup: sudo cần mật khẩu để cài gói hệ thống / "
          "sudo needs your password to install system packages", flush=True)
    return [sudo] if run([sudo, "-v"], check=False).returncode == 0 else None


def no_privilege_message(missing: Sequence[str]) -> str:
    """What to ask an administrator for, in Vietnamese and English: one command for
    ``missing``, and that nothing was installed."""
    command = f"sudo apt-get update && sudo apt-get install -y {' '.join(missing)}"
    return (
        "thiếu gói hệ thống, và người dùng này không có quyền cài (không phải root; không có "
        "sudo, hoặc sudo cần mật khẩu).\n"
        "  Chưa cài gì cả, chưa tạo .venv. Nhờ quản trị viên chạy một lần lệnh dưới đây "
        "(đủ cho cả `run` và `test`; với tài khoản root thì bỏ chữ sudo), rồi chạy lại.\n"
        "System packages are missing, and this user may not install them (not root; no "
        "sudo, or sudo needs a password).\n"
        "  Nothing was installed and no .venv was created. Ask an administrator to run the "
        "command below once (it covers both `run` and `test`; as root, without sudo), then "
        "run again.\n\n"
        f"    {command}\n"
    )


def apt_command(missing: Sequence[str], prefix: Sequence[str]) -> list[list[str]]:
    """The commands that install ``missing`` (``prefix``: from install_prefix)."""
    install = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
               "--no-install-recommends", *missing]
    return [[*prefix, "apt-get", "update", "-qq"], install]


def ensure_system_packages(packages: Sequence[str], wanted: Sequence[str] = ()) -> None:
    """Install what ``packages`` lacks; when that is not allowed here, SetupError naming
    every missing package of ``packages`` and ``wanted`` (all the README needs)."""
    if shutil.which("dpkg-query") is None or shutil.which("apt-get") is None:
        print("kiosk setup: not a Debian/Ubuntu system; make sure these are installed: "
              + " ".join(packages), file=sys.stderr)
        return
    missing = missing_packages(packages)
    if not missing:
        return
    prefix = install_prefix()
    if prefix is None:
        raise SetupError(no_privilege_message(missing_packages(_unique([*wanted, *packages]))))
    print(f"kiosk setup: installing system packages: {' '.join(missing)}", flush=True)
    for command in apt_command(missing, prefix):
        if subprocess.run(command, check=False).returncode != 0:
            raise SetupError(
                f"lệnh không thành công / this command failed: {' '.join(command)}\n"
                "Không làm bước nào tiếp (chưa đụng tới .venv) / nothing further was done "
                f"(.venv untouched). Cần các gói / needed: {' '.join(missing)}"
            )


# ---------------------------------------------------------------- virtual environment


def ensure_venv(base: str) -> Path:
    """Create (with ``base``) or refresh ``.venv``; return its Python."""
    python = VENV / "bin" / "python"
    if not python.exists():
        _create_venv(base)
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


def _create_venv(base: str) -> None:
    if subprocess.run([base, "-m", "venv", str(VENV)], check=False).returncode == 0:
        return
    shutil.rmtree(VENV, ignore_errors=True)  # no half-made .venv for the next run to trust
    package = f"python{_version_of(base)}-venv"
    raise SetupError(
        f"không tạo được .venv bằng `{base} -m venv` (đã xoá phần dở dang; lỗi ở trên). Nếu "
        f"lỗi nói thiếu ensurepip: trên Debian/Ubuntu cần gói {package} (python3-venv cho "
        "python3 mặc định), cài rồi chạy lại.\n"
        f"could not create .venv with `{base} -m venv` (the partial one was removed; the "
        f"error is above). If it says ensurepip is missing: on Debian/Ubuntu install "
        f"{package} (python3-venv for the default python3) and run again."
    )


def _version_of(base: str) -> str:
    if Path(base).resolve() == Path(sys.executable).resolve():
        return f"{sys.version_info[0]}.{sys.version_info[1]}"
    return subprocess.run(
        [base, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()


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
