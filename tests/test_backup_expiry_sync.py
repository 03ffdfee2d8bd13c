"""The real `kiosk sync --once` on a data dir whose backups folder it cannot write: the
dossier is sent and purged all the same, and the backup it could not erase is logged
(counts and a file name, no personal data), then erased by a pass that can."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.services import DATABASE_FILE
from kiosk.store.backup import back_up, list_backups
from kiosk.store.migrate import head_revision
from tests.support.kiosk import open_kiosk

ROOT = Path(__file__).resolve().parent.parent
SETPRIV = shutil.which("setpriv") or "setpriv"
NOBODY = 65534
CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))
NO_RETENTION = "[retention]\ndays = 0\n"  # sent dossiers and backups: erased at once


@pytest.fixture
def base() -> Iterator[Path]:
    """A folder another account can reach (pytest's tmp is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="kiosk-backups-ro-"))
    folder.chmod(0o755)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(folder)


def sync_once(data_dir: Path, config: Path, url: str, *, as_nobody: bool
              ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_PORTAL_URL": url, "KIOSK_PORTAL_CLIENT_ID": CLIENT_ID,
           "KIOSK_PORTAL_CLIENT_SECRET": CLIENT_SECRET}
    env.pop("KIOSK_CONFIG", None)
    prefix = [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if as_nobody \
        else []
    return subprocess.run([*prefix, sys.executable, "-m", "kiosk", "--data-dir", str(data_dir),
                           "--config", str(config), "sync", "--once"], capture_output=True,
                          text=True, env=env, timeout=120, check=False, cwd="/")


def state_of(db_path: Path, code: str) -> tuple[str, str | None]:
    with closing(sqlite3.connect(db_path)) as connection:
        state, purged = connection.execute("SELECT state, purged_at FROM dossiers WHERE code = ?",
                                           (code,)).fetchone()
    return str(state), purged


def test_a_backups_folder_the_sync_cannot_write_is_logged_and_syncing_goes_on(
    base: Path, tmp_path: Path
) -> None:
    as_nobody = os.geteuid() == 0  # root unlinks anywhere: run as an account that cannot
    if as_nobody and shutil.which("setpriv") is None:
        pytest.skip("root, and no setpriv to run the sync as another account")
    data_dir = base / "data"
    kiosk = open_kiosk(data_dir)
    try:
        (dossier,) = kiosk.seal_births(1)
    finally:
        kiosk.close()
    db_path = data_dir / DATABASE_FILE
    old = back_up(db_path, head_revision(), datetime.now(UTC) - timedelta(days=30))
    config = base / "kiosk.toml"
    config.write_text(NO_RETENTION, encoding="utf-8")
    if as_nobody:  # the data dir is the sync account's; the backups folder stays root's
        for path in (data_dir, *data_dir.rglob("*")):
            os.lchown(path, NOBODY, NOBODY)
        os.lchown(old.parent, 0, 0)
        os.lchown(old, 0, 0)
        old.parent.chmod(0o755)
    else:
        old.parent.chmod(0o555)

    with PortalSimulator(tmp_path / "portal.sqlite3") as portal:
        done = sync_once(data_dir, config, portal.url, as_nobody=as_nobody)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    state, purged = state_of(db_path, dossier.code)
    assert state == "SENT" and purged is not None  # sent, then purged in the same run
    assert list_backups(db_path) == [old]
    log = (data_dir / "logs" / "sync.log").read_text(encoding="utf-8")
    assert f"backup file {old} past the retention could not be erased" in log
    assert "1 dossier(s) purged" in log and "1 backup(s) could not be erased" in log

    old.parent.chmod(0o700)  # the folder writable again: the next pass erases it
    with PortalSimulator(tmp_path / "portal2.sqlite3") as portal:
        again = sync_once(data_dir, config, portal.url, as_nobody=False)
    assert again.returncode == 0, again.stdout + again.stderr
    assert list_backups(db_path) == []
