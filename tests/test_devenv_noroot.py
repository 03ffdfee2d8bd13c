"""Set-up without root: the README's commands run as a real unprivileged user.

Each test runs the real ``python3 -m kiosk.devenv`` entry in a child process: as the
user nobody (``setpriv``, when this test runs as root, as CI does), with a PATH that
holds no sudo or a sudo that needs a password, and with the real ``dpkg-query`` reading
a small package database of the test's own (``DPKG_ADMINDIR``), so that the packages
the lists in kiosk/devenv.py name are really missing.  The module is a copy of the
real file in a folder everyone may write, so a ``.venv`` made by mistake would show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import devenv

ROOT = Path(__file__).resolve().parent.parent
# Debian 12's own python3 (the case the README's commands meet on a fresh machine):
# it keeps ensurepip in python3-venv, so that package is needed until .venv exists.
DEBIAN_PYTHON = Path("/usr/bin/python3")
NOBODY = [shutil.which("setpriv") or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
FAILING_SUDO = """#!/bin/sh
echo "$*" >> "${0%/*}/../sudo.log"
echo "sudo: a password is required" >&2
exit 1
"""
FAILING_APT = """#!/bin/sh
echo "$*" >> "${0%/*}/../apt.log"
exit 100
"""


def _usable(python: Path) -> bool:
    probe = [str(python), "-c", "import sys; sys.exit(sys.version_info < (3, 11))"]
    prefix = NOBODY if os.geteuid() == 0 else []
    try:
        return subprocess.run([*prefix, *probe], capture_output=True, check=False,
                              timeout=30).returncode == 0
    except FileNotFoundError:
        return False


pytestmark = [
    pytest.mark.skipif(shutil.which("dpkg-query") is None or shutil.which("apt-get") is None,
                       reason="a Debian/Ubuntu machine"),
    pytest.mark.skipif(not DEBIAN_PYTHON.exists() or not _usable(DEBIAN_PYTHON),
                       reason="Debian's python3 ≥ 3.11, runnable by an unprivileged user"),
]


@dataclass(frozen=True)
class Machine:
    """A checkout (only kiosk/devenv.py), a PATH and a package database."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def installed(self, packages: Sequence[str]) -> None:
        """Make ``packages`` (and only those) installed in the test's dpkg database."""
        stanzas = [f"Package: {p}\nStatus: install ok installed\nMaintainer: test\n"
                   f"Architecture: all\nVersion: 1.0\nDescription: test\n" for p in packages]
        (self.root / "dpkg" / "status").write_text("\n".join(stanzas))
        (self.root / "dpkg" / "status").chmod(0o644)

    def add_tool(self, name: str, script: str) -> None:
        tool = self.bin / name
        # The fixture links the real tools in: writing through a link would replace the
        # machine's own /usr/bin/apt-get (it once did).  Unlink first, then make a file.
        tool.unlink(missing_ok=True)
        with tool.open("x") as handle:
            handle.write(script)
        tool.chmod(0o755)

    def run(self, action: str, *, as_nobody: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(DEBIAN_PYTHON), "-m", "kiosk.devenv", action]
        if as_nobody and os.geteuid() == 0:
            command = [*NOBODY, *command]
        env = {"PATH": str(self.bin), "DPKG_ADMINDIR": str(self.root / "dpkg"),
               "HOME": str(self.root), "LC_ALL": "C.UTF-8"}
        return subprocess.run(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def machine() -> Iterator[Machine]:
    # Not tmp_path: pytest's folder is private to root, and nobody must reach this one.
    root = Path(tempfile.mkdtemp(prefix="kiosk-noroot-"))
    try:
        root.chmod(0o777)  # nobody may write here: a .venv made by mistake would be made
        (root / "kiosk").mkdir()
        for name in ("__init__.py", "devenv.py"):
            shutil.copy(ROOT / "kiosk" / name, root / "kiosk" / name)
        for name in ("pyproject.toml", "constraints.txt"):
            shutil.copy(ROOT / name, root / name)
        (root / "bin").mkdir()
        for tool in ("dpkg-query", "apt-get"):
            (root / "bin" / tool).symlink_to(shutil.which(tool) or tool)
        (root / "dpkg").mkdir()
        for path in [root / "kiosk", root / "bin", root / "dpkg"]:
            path.chmod(0o755)
        yield Machine(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def readme_packages() -> list[str]:
    """What both README commands need, from devenv's own lists (never a copy of them)."""
    return list(dict.fromkeys([*devenv.RUNTIME_PACKAGES, *devenv.TEST_PACKAGES,
                               "python3-venv"]))


def half_installed(machine: Machine) -> tuple[list[str], list[str]]:
    """Every other runtime package installed; returns (installed, missing)."""
    installed = list(devenv.RUNTIME_PACKAGES[::2])
    machine.installed(installed)
    return installed, [p for p in readme_packages() if p not in installed]


def assert_one_message(result: subprocess.CompletedProcess[str], missing: Sequence[str],
                       installed: Sequence[str]) -> None:
    assert result.returncode != 0
    assert result.stdout == ""  # the message is the first and only thing said
    words = result.stderr.split()
    assert result.stderr.startswith("kiosk setup: ")
    for package in missing:
        assert words.count(package) == 1, package
    for package in installed:
        assert package not in words
    command = "sudo apt-get update && sudo apt-get install -y " + " ".join(missing)
    assert result.stderr.count(command) == 1 and result.stderr.count("apt-get update") == 1
    assert "Chưa cài gì cả" in result.stderr  # Vietnamese …
    assert "Nothing was installed" in result.stderr  # … and English


def test_without_sudo_the_first_message_names_every_package_both_commands_need(
    machine: Machine,
) -> None:
    installed, missing = half_installed(machine)
    result = machine.run("run")
    assert_one_message(result, missing, installed)
    assert set(devenv.TEST_PACKAGES) <= set(missing)  # `run` names what `test` needs too
    assert not (machine.root / ".venv").exists()


def test_the_run_and_test_commands_give_the_same_single_message(machine: Machine) -> None:
    half_installed(machine)
    first, second = machine.run("run"), machine.run("test")
    assert first.returncode != 0 and second.returncode != 0
    assert first.stderr == second.stderr
    assert not (machine.root / ".venv").exists()


def test_a_sudo_that_needs_a_password_counts_as_no_sudo(machine: Machine) -> None:
    machine.add_tool("sudo", FAILING_SUDO)
    installed, missing = half_installed(machine)
    result = machine.run("test")
    assert_one_message(result, missing, installed)
    # Asked only whether it works without a password; nothing was run through it.
    assert (machine.root / "sudo.log").read_text().splitlines() == ["-n true"]
    assert not (machine.root / ".venv").exists()


def test_python3_venv_alone_missing_is_still_named_with_apt_get_update(
    machine: Machine,
) -> None:
    machine.installed([p for p in readme_packages() if p != "python3-venv"])
    result = machine.run("run")
    assert_one_message(result, ["python3-venv"], devenv.RUNTIME_PACKAGES)
    assert not (machine.root / ".venv").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a checkout the child cannot write")
def test_nothing_missing_for_setup_asks_for_nothing_even_without_sudo(machine: Machine) -> None:
    # Nothing is missing, so set-up goes on to make .venv: the checkout is not nobody's
    # to write, so that fails (with its own clear message) before pip is ever run.
    machine.installed(readme_packages())
    machine.root.chmod(0o755)
    result = machine.run("setup")
    assert "apt-get" not in result.stderr and "Nothing was installed" not in result.stderr
    assert result.returncode != 0 and "could not create .venv" in result.stderr
    assert "không tạo được .venv" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="runs as root, as CI does")
def test_as_root_python3_venv_is_installed_before_the_venv_is_made(machine: Machine) -> None:
    # apt-get is the one stand-in here: a real install would change this machine.
    machine.add_tool("apt-get", FAILING_APT)
    machine.installed([p for p in devenv.RUNTIME_PACKAGES])
    result = machine.run("run", as_nobody=False)
    assert result.returncode != 0
    assert "installing system packages: python3-venv" in result.stdout
    assert (machine.root / "apt.log").read_text().splitlines() == ["update -qq"]
    assert "python3-venv" in result.stderr and "nothing further was done" in result.stderr
    assert not (machine.root / ".venv").exists()


def test_the_message_derives_from_devenvs_lists() -> None:
    message = devenv.no_privilege_message(devenv.readme_packages(sys.executable))
    for package in [*devenv.RUNTIME_PACKAGES, *devenv.TEST_PACKAGES]:
        assert message.split().count(package) == 1
