"""The set-up script behind the README's two commands (pure parts; CI runs the rest)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from kiosk import devenv


def fake_dpkg(installed: set[str]) -> devenv.Runner:
    def run(command: Sequence[str], **_kwargs: object) -> subprocess.CompletedProcess[bytes]:
        package = command[-1]
        if package in installed:
            return subprocess.CompletedProcess(command, 0, b"install ok installed", b"")
        return subprocess.CompletedProcess(command, 1, b"", b"no packages found")

    return run


def test_missing_packages_lists_only_what_is_absent() -> None:
    run = fake_dpkg({"libgl1", "libegl1"})
    assert devenv.missing_packages(["libgl1", "libzbar0", "libegl1"], run) == ["libzbar0"]


def test_a_t64_renamed_package_counts_as_installed() -> None:
    # Ubuntu 24.04 renamed libglib2.0-0 to libglib2.0-0t64.
    assert devenv.missing_packages(["libglib2.0-0"], fake_dpkg({"libglib2.0-0t64"})) == []


def test_root_installs_directly() -> None:
    update, install = devenv.apt_command(["libzbar0"], prefix=[])
    assert update[:2] == ["apt-get", "update"]
    assert install[-1] == "libzbar0" and "sudo" not in install


def test_a_user_with_sudo_installs_through_sudo() -> None:
    commands = devenv.apt_command(["libzbar0"], prefix=["/usr/bin/sudo"])
    assert all(c[0] == "/usr/bin/sudo" for c in commands)


def test_without_root_or_sudo_the_message_says_what_to_run() -> None:
    message = devenv.no_privilege_message(["libzbar0", "libpulse0"])
    assert "sudo apt-get update && sudo apt-get install -y libzbar0 libpulse0" in message


@pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="Debian's python3")
def test_the_readme_packages_cover_both_commands_for_debians_python() -> None:
    # /usr/bin/python3 keeps ensurepip in python3-venv (Debian 12: python3.11-venv, with
    # the pip wheel from python3-pip-whl): named while there is no .venv.
    wanted = devenv.readme_packages("/usr/bin/python3")
    assert set(devenv.action_packages("run", "/usr/bin/python3")) <= set(wanted)
    assert set(devenv.action_packages("test", "/usr/bin/python3")) <= set(wanted)
    assert len(wanted) == len(set(wanted))
    if not devenv.VENV.exists():
        assert "python3-venv" in wanted


def test_a_python_with_ensurepip_built_in_needs_no_venv_package(tmp_path: Path) -> None:
    assert devenv.venv_packages(str(tmp_path / "bin" / "python3")) == ()


def test_the_runtime_list_covers_what_qt_and_zbar_need() -> None:
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libzbar0", "libegl1"} <= set(
        devenv.RUNTIME_PACKAGES
    )


def test_unknown_action_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert devenv.main(["fly"]) == 2
    assert "python3 -m kiosk.devenv run" in capsys.readouterr().out


def test_the_runtime_list_brings_the_vietnamese_voice() -> None:
    assert {"libspeechd2", "speech-dispatcher", "speech-dispatcher-espeak-ng", "espeak-ng"} <= set(
        devenv.RUNTIME_PACKAGES
    )
