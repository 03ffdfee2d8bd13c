"""A full disk while sealing: a Vietnamese message and exit code, never a traceback; once
space is back nothing sealed is lost and the code sequence has no gap.

A small filesystem needs root to mount, so the full disk is simulated in a real child
process with RLIMIT_FSIZE (SIGXFSZ ignored): a write past the limit fails with EFBIG, as
one past the end of a full disk fails with ENOSPC.  The child raises its limit step by
step, so the same run meets the disk filling up on an attachment file, then on the
database's commit (SQLite: disk I/O error), then success.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest

from kiosk.services import build_queue, open_database, resolve_runtime
from kiosk.store.faults import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "xac-nhan-tinh-trang-hon-nhan.json"
EARLIER = ROOT / "examples" / "chung-thuc-ban-sao.json"  # other files: sealed before
CONFIG = ROOT / "examples" / "demo.toml"

CHILD = """
import io, json, resource, signal, sys
from kiosk.cli import main
from kiosk.paths import private_files
private_files()  # as the real process start does
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
data_dir, config, draft = sys.argv[1:4]
limit = 33_000  # the -shm index SQLite maps at open is 32 KiB
while limit < 200_000:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    err, out = io.StringIO(), io.StringIO()
    sys.stderr, sys.stdout = err, out
    code = main(["--data-dir", data_dir, "--config", config, "submit", draft])
    sys.stderr, sys.stdout = sys.__stderr__, sys.__stdout__
    print(json.dumps({"limit": limit, "exit": code, "err": err.getvalue(),
                      "out": out.getvalue()}), flush=True)
    if code == 0:
        break
    limit += 2_000
"""


def submit_in_process(data_dir: Path, draft: Path) -> str:
    from kiosk.draft_file import submit_command

    runtime = resolve_runtime(str(data_dir), str(CONFIG), {})
    out, err = StringIO(), StringIO()
    assert submit_command(runtime, draft, datetime.now(UTC), out, err) == 0, err.getvalue()
    return out.getvalue().strip()


def fill_the_disk_while_sealing(data_dir: Path) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), str(CONFIG), str(EXAMPLE)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def first_words(code: str) -> str:
    return MESSAGES[code].split("{")[0]


def test_a_disk_filling_up_while_sealing_is_told_and_loses_nothing(tmp_path: Path) -> None:
    first = submit_in_process(tmp_path, EARLIER)
    attempts = fill_the_disk_while_sealing(tmp_path)
    *failures, success = attempts
    assert success["exit"] == 0
    assert {a["exit"] for a in failures} == {5}
    said = [str(a["err"]) for a in failures]
    assert all(s.startswith("Lỗi: ") and "Traceback" not in s for s in said)
    assert any(first_words("disk_full") in s for s in said)  # an attachment file
    assert any(first_words("io") in s for s in said)  # the database's commit
    log = (tmp_path / "logs" / "submit.log").read_text(encoding="utf-8")
    assert "disk I/O error" in log  # the technician's record of the failed commit
    for personal in ("Nguyễn Thị Ánh", "030195012345", "0912345678"):
        assert personal not in log  # an SQL error never carries the payload it was writing
    second = str(success["out"]).strip()
    third = submit_in_process(tmp_path, EXAMPLE)
    sequences = [int(code.rsplit("-", 1)[1]) for code in (first, second, third)]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]  # no gap
    runtime = resolve_runtime(str(tmp_path), str(CONFIG), {})
    db = open_database(runtime)
    try:
        queue = build_queue(runtime, db)
        assert sorted(q.code for q in queue.recent()) == sorted([first, second, third])
        for code in (first, second, third):
            detail = queue.find(code)
            assert detail is not None
            for attachment in queue.attachments(detail.dossier.id):
                assert queue.files.read(attachment.sha256)  # every file whole, hash checked
    finally:
        db.dispose()


if sys.platform != "linux":  # pragma: no cover - RLIMIT_FSIZE semantics are Linux's here
    pytestmark = pytest.mark.skip(reason="needs Linux RLIMIT_FSIZE")
