"""The simulated portal's own storage: SQLite (WAL) plus a folder of files.

Durable across restarts of the simulator on the same path — dossiers, files,
idempotency records and counters — because the kiosk's restart tests need a
portal that remembers what it accepted.  Tokens are deliberately *not* kept
(see ``simulator_api``).

One connection, guarded by one lock: the simulator's load is a handful of
kiosks, and a lock makes "check the idempotency key, then insert" atomic
without reasoning about SQLite's locking between connections.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.demo.simulator_files import Upload
from kiosk.demo.simulator_timeline import Event, Schedule, manual_event

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    filename TEXT,
    content_type TEXT,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dossiers (
    id INTEGER PRIMARY KEY,
    official_code TEXT NOT NULL UNIQUE,
    kiosk_code TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    body_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    response TEXT NOT NULL,
    due_date TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    step_seconds REAL NOT NULL,
    stopped_at TEXT
);
CREATE INDEX IF NOT EXISTS dossiers_by_kiosk_code ON dossiers (kiosk_code);
CREATE INDEX IF NOT EXISTS dossiers_by_kiosk ON dossiers (kiosk_id);
CREATE TABLE IF NOT EXISTS manual_events (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers (id),
    at TEXT NOT NULL,
    status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    content TEXT NOT NULL,
    unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    body_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_kiosk ON ratings (kiosk_id);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""
# Re-keyed dossiers get sequences from here: far above any kiosk's own block.
REKEY_BASE = 9000


@dataclass(frozen=True)
class NewDossier:
    key: str
    body_hash: str
    body: Mapping[str, Any]
    accepted_at: datetime
    step_seconds: float


@dataclass(frozen=True)
class Stored:
    """The idempotency record of a dossier: what the first acceptance answered."""

    body_hash: str
    response: dict[str, Any]
    created: bool = False


@dataclass(frozen=True)
class DossierRow:
    id: int
    official_code: str
    kiosk_code: str
    due_date: str
    schedule: Schedule


class SimulatorStore:
    def __init__(self, db_path: Path) -> None:
        self.files_dir = db_path.parent / f"{db_path.stem}-files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Used from the server's handler threads, always under ``_lock``.
        self._db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        try:
            self._configure()
        except sqlite3.Error:
            self._db.close()
            raise

    def _configure(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # the portal must not forget an acceptance
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    # --- files ----------------------------------------------------------------------

    def store_file(
        self, upload: Upload, file_id: str, now: datetime
    ) -> tuple[dict[str, Any], bool]:
        """The file's answer body, and whether it is new (``False``: same bytes seen before)."""
        with self._write() as db:
            row = db.execute(
                "SELECT id, size FROM files WHERE sha256 = ?", (upload.sha256,)
            ).fetchone()
            if row is not None:
                return _file_body(row[0], upload.sha256, row[1]), False
            self._write_bytes(upload)  # the row that points at the file comes after it
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    file_id,
                    upload.sha256,
                    len(upload.data),
                    upload.kind,
                    upload.filename,
                    upload.content_type,
                    now.isoformat(),
                ),
            )
            return _file_body(file_id, upload.sha256, len(upload.data)), True

    def _write_bytes(self, upload: Upload) -> None:
        final = self.files_dir / upload.sha256
        temporary = final.with_suffix(".part")
        with open(temporary, "wb") as out:
            out.write(upload.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)

    def file_hashes(self, file_ids: Iterable[str]) -> dict[str, str]:
        """``IdTepTin → sha256`` for those of ``file_ids`` that were uploaded."""
        wanted = sorted(set(file_ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._read() as db:
            rows = db.execute(f"SELECT id, sha256 FROM files WHERE id IN ({marks})", wanted)
            return dict(rows.fetchall())

    # --- dossiers -------------------------------------------------------------------

    def idempotency_record(self, key: str) -> Stored | None:
        with self._read() as db:
            return _record(db, key)

    def insert_dossier(self, new: NewDossier) -> Stored:
        """Accept ``new`` under a free official code; if its key won a race meanwhile, say so."""
        with self._write() as db:
            earlier = _record(db, new.key)
            if earlier is not None:
                return earlier
            sent = str(new.body["MaHoSo"])
            official = _fresh_code(db, sent) if _official_taken(db, sent) else sent
            response = {
                "MaHoSo": official,
                "MaHoSoKiosk": sent,
                "TrangThaiHoSo": 1,
                "NgayHenTra": new.body["NgayHenTra"],
            }
            db.execute(
                "INSERT INTO dossiers (official_code, kiosk_code, kiosk_id, idempotency_key,"
                " body_hash, body, response, due_date, accepted_at, step_seconds)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    official,
                    sent,
                    new.body["MaKiosk"],
                    new.key,
                    new.body_hash,
                    _dump(new.body),
                    _dump(response),
                    new.body["NgayHenTra"],
                    new.accepted_at.isoformat(),
                    new.step_seconds,
                ),
            )
            return Stored(new.body_hash, response, created=True)

    def dossier(self, code: str) -> DossierRow | None:
        """By official code, else by the code the kiosk sent (official wins a tie)."""
        with self._read() as db:
            row = db.execute(
                f"SELECT {_DOSSIER_COLUMNS} FROM dossiers"
                " WHERE official_code = ? OR kiosk_code = ?"
                " ORDER BY official_code = ? DESC, id LIMIT 1",
                (code, code, code),
            ).fetchone()
            return None if row is None else _dossier_row(db, row)

    def dossiers_of_kiosk(self, kiosk: str) -> list[DossierRow]:
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_DOSSIER_COLUMNS} FROM dossiers WHERE kiosk_id = ? ORDER BY id",
                (kiosk,),
            ).fetchall()
            return [_dossier_row(db, row) for row in rows]

    def add_manual_event(self, dossier_id: int, event: Event) -> None:
        """Record an official's status; the first one stops the automatic advance."""
        with self._write() as db:
            db.execute(
                "INSERT INTO manual_events (dossier_id, at, status, content, unit)"
                " VALUES (?, ?, ?, ?, ?)",
                (dossier_id, event.at.isoformat(), event.status, event.content, event.unit),
            )
            db.execute(
                "UPDATE dossiers SET stopped_at = COALESCE(stopped_at, ?) WHERE id = ?",
                (event.at.isoformat(), dossier_id),
            )

    # --- ratings (§7) ---------------------------------------------------------------

    def insert_rating(self, key: str, body_hash: str, body: Mapping[str, Any], rating_id: str,
                      accepted_at: datetime) -> Stored:
        """Keep a rating under ``key``; a key already used answers with its first record."""
        with self._write() as db:
            row = db.execute("SELECT body_hash, id FROM ratings WHERE idempotency_key = ?",
                             (key,)).fetchone()
            if row is not None:
                return Stored(row[0], {"IdDanhGia": row[1]})
            db.execute("INSERT INTO ratings VALUES (?, ?, ?, ?, ?, ?)",
                       (rating_id, body["MaKiosk"], key, body_hash, _dump(body),
                        accepted_at.isoformat()))
            return Stored(body_hash, {"IdDanhGia": rating_id}, created=True)

    def ratings_of_kiosk(self, kiosk: str) -> list[dict[str, Any]]:
        """Every rating a kiosk sent, oldest first, each its body plus ``IdDanhGia``."""
        with self._read() as db:
            rows = db.execute("SELECT id, body FROM ratings WHERE kiosk_id = ?"
                              " ORDER BY accepted_at, rowid", (kiosk,)).fetchall()
        return [{"IdDanhGia": rid, **json.loads(body)} for rid, body in rows]

    # --- counters -------------------------------------------------------------------

    def bump(self, name: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO counters VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = value + 1",
                (name,),
            )

    def stats(self) -> dict[str, int]:
        with self._read() as db:
            counts = dict(db.execute("SELECT name, value FROM counters").fetchall())
            counts["dossiers"] = db.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
            counts["ratings"] = db.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
            counts["files"] = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            return counts


_DOSSIER_COLUMNS = (
    "id, official_code, kiosk_code, kiosk_id, due_date, accepted_at, step_seconds, stopped_at"
)


def _dump(value: object) -> str:
    # ASCII escapes: whatever strings the body held, the text column stays valid.
    return json.dumps(value)


def _file_body(file_id: str, sha256: str, size: int) -> dict[str, Any]:
    return {"IdTepTin": file_id, "HashTepTin": sha256, "KichThuoc": size}


def _record(db: sqlite3.Connection, key: str) -> Stored | None:
    row = db.execute(
        "SELECT body_hash, response FROM dossiers WHERE idempotency_key = ?", (key,)
    ).fetchone()
    return None if row is None else Stored(row[0], json.loads(row[1]))


def _official_taken(db: sqlite3.Connection, code: str) -> bool:
    found = db.execute("SELECT 1 FROM dossiers WHERE official_code = ?", (code,)).fetchone()
    return found is not None


def _fresh_code(db: sqlite3.Connection, sent: str) -> str:
    """Same agency-and-date prefix as ``sent``, with the first free sequence above 9000."""
    prefix = sent.rsplit("-", 1)[0] if "-" in sent else sent
    sequence = REKEY_BASE + 1
    while _official_taken(db, f"{prefix}-{sequence}"):
        sequence += 1
    return f"{prefix}-{sequence}"


def _dossier_row(db: sqlite3.Connection, row: tuple[Any, ...]) -> DossierRow:
    dossier_id, official, kiosk_code, kiosk, due, accepted, step, stopped = row
    events = db.execute(
        "SELECT at, status, content, unit FROM manual_events WHERE dossier_id = ? ORDER BY id",
        (dossier_id,),
    ).fetchall()
    manual = tuple(
        manual_event(datetime.fromisoformat(at), status, content, unit)
        for at, status, content, unit in events
    )
    schedule = Schedule(
        kiosk=kiosk,
        accepted_at=datetime.fromisoformat(accepted),
        step_seconds=step,
        stopped_at=None if stopped is None else datetime.fromisoformat(stopped),
        manual=manual,
    )
    return DossierRow(dossier_id, official, kiosk_code, due, schedule)
