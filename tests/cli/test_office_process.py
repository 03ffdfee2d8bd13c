"""The official's commands as real ``python -m kiosk`` children, where the process itself is
the point: what it prints and logs never holds a PIN, its exit codes are the refusals' own,
and on a terminal the PIN is asked twice with echo off.  Everything else runs in-process
(``test_office_commands.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.office_commands import EXIT_CODES
from tests.cli.test_office_commands import OTHER_PIN, PIN, USER, kiosk, officials


def child(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LOGNAME=USER, USER=USER, HOME=str(data))
    done = subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data), *args],
                          input=stdin.encode(), capture_output=True, check=False, env=env,
                          timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def child_add(data: Path, staff_id: str, name: str, pin: str) -> subprocess.CompletedProcess[str]:
    return child(data, "official", "add", "--staff-id", staff_id, "--name", name,
                 "--pin-stdin", stdin=pin + "\n")


def test_the_pin_appears_in_no_output_no_log_and_no_audit_row(tmp_path: Path) -> None:
    runs = [child_add(tmp_path, "CB-012", "Nguyễn Văn An", PIN),
            child_add(tmp_path, "CB-013", "Trần Thị Bình", PIN),
            child(tmp_path, "official", "set-pin", "CB-012", "--pin-stdin",
                  stdin=OTHER_PIN + "\n"),
            child(tmp_path, "audit")]
    # The readers never see a PIN, only what was stored: read in-process.
    readers = [kiosk(tmp_path, "audit", "--json"), kiosk(tmp_path, "official", "list", "--json")]
    # The real entry point's exit codes: success, and a refusal's own code.
    assert [r.returncode for r in runs] == [0, EXIT_CODES["pin_taken"], 0, 0]
    assert [r.returncode for r in readers] == [0, 0]
    log = (tmp_path / "logs" / "cli.log").read_text(encoding="utf-8")
    assert "official CB-012 added by cli:kythuat" in log
    printed = [r.stdout + r.stderr for r in runs] + [r.stdout + r.stderr for r in readers]
    for text in [log, *printed]:
        assert PIN not in text and OTHER_PIN not in text


# ------------------------------------------------------------------ on a terminal

def on_terminal(data: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the kiosk in a real pseudo-terminal, answering each prompt in turn."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the kiosk, its stdin a terminal
        env = dict(os.environ, LOGNAME=USER, USER=USER, HOME=str(data))
        os.execve(sys.executable, [sys.executable, "-m", "kiosk", "--data-dir", str(data),
                                   *args], env)
    seen, answered = b"", 0
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:  # hung: stop it, the assertions will say what was seen
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        # getpass turns echo off (flushing input) before it prints its prompt: answer
        # each prompt once, after it has appeared.
        if answered < len(answers) and seen.count(b"PIN") > answered:
            os.write(fd, answers[answered].encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")


def test_on_a_terminal_the_pin_is_asked_twice_and_never_echoed(tmp_path: Path) -> None:
    code, seen = on_terminal(tmp_path, ["official", "add", "--staff-id", "CB-7",
                                        "--name", "Phạm Thu"], [PIN, PIN])
    assert code == 0, seen
    assert "Mã PIN mới" in seen and "Nhập lại mã PIN" in seen
    assert "Đã thêm cán bộ Phạm Thu (CB-7)" in seen
    assert PIN not in seen
    assert [o["staff_id"] for o in officials(tmp_path)] == ["CB-7"]


def test_on_a_terminal_two_different_pins_change_nothing(tmp_path: Path) -> None:
    code, seen = on_terminal(tmp_path, ["official", "add", "--staff-id", "CB-7",
                                        "--name", "Phạm Thu"], [PIN, OTHER_PIN])
    assert code == EXIT_CODES["pin_mismatch"], seen
    assert "không khớp" in seen
    assert officials(tmp_path) == []

