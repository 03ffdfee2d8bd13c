"""The Qt-free half of the composition root: config, data dir, database, domain services.

Built in one order, by explicit functions, and handed down; no globals.  The
Qt half (``kiosk.app``) and every CLI command start from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.catalogue_updates import UPDATES_FILE, CatalogueUpdates
from kiosk.config import Config, load_config
from kiosk.paths import default_data_dir, resource

# The database layer (SQLAlchemy, Alembic: half a second to import), the catalogue and the
# calendar are loaded by the functions that use them, so `kiosk catalog` never waits for
# the database layer and `kiosk run` paints Home before any of them (issue 13).
if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.domain.catalogue import Catalogue
    from kiosk.domain.workdays import WorkCalendar
    from kiosk.store.codes import CodeIssuer
    from kiosk.store.db import Database, StoreError
    from kiosk.store.queue import DossierQueue

DATABASE_FILE = "kiosk.sqlite3"
ATTACHMENTS_DIR = "attachments"
# Everything the kiosk writes at the top of its data dir (a folder holding only these
# is the kiosk's own, and is made private if it is not).
OWN_NAMES = (DATABASE_FILE, ATTACHMENTS_DIR, "logs", "receipts", "portal-sim",
             UPDATES_FILE, ".doctor-write-test", "backups", "catalogue-json.cache")


@dataclass(frozen=True)
class Runtime:
    """What every command needs before doing anything: the config and where data goes."""

    config: Config
    data_dir: Path


def resolve_runtime(
    data_dir: str | None, config_path: str | None, env: Mapping[str, str]
) -> Runtime:
    """Apply the precedence: command-line flag, then environment, then default."""
    chosen_config = config_path or env.get("KIOSK_CONFIG")
    config = load_config(Path(chosen_config) if chosen_config else None, env)
    chosen_dir = data_dir or env.get("KIOSK_DATA_DIR")
    home = Path(env.get("HOME", str(Path.home())))
    return Runtime(config, Path(chosen_dir) if chosen_dir else default_data_dir(home))


def open_database(runtime: Runtime) -> Database:
    """Open the kiosk's database (0600 in a 0700 folder) and bring its schema up to date.

    Every fault is a StoreError that says what to do; a corrupt file is moved aside
    and reported, never overwritten (kiosk.store.faults explains why no fresh one follows).
    """
    from kiosk.store.db import Database, StoreError
    from kiosk.store.faults import (
        FAULTS,
        as_store_error,
        create_private,
        fault_code,
        has_foreign_header,
        prepare_data_dir,
        refuse_if_corrupt_pending,
    )
    from kiosk.store.migrate import upgrade

    path = runtime.data_dir / DATABASE_FILE
    prepare_data_dir(runtime.data_dir, OWN_NAMES)
    refuse_if_corrupt_pending(path)
    if has_foreign_header(path):
        raise _moved_aside(path)
    create_private(path)
    db = Database(path)
    try:
        upgrade(db)
    except StoreError:
        db.dispose()
        raise
    except FAULTS as exc:
        db.dispose()
        if fault_code(exc) != "corrupt":
            raise as_store_error(exc, path) from exc
        raise _moved_aside(path) from exc
    return db


def _moved_aside(path: Path) -> StoreError:
    from datetime import UTC, datetime

    from kiosk.store.faults import move_aside, store_error

    moved = move_aside(path, datetime.now(UTC))
    return store_error("corrupt_moved", path=path, moved=moved)


# Demo mode signs in with this account (README: «Demo»); a real kiosk has none until
# a technician runs `kiosk official add`.
DEMO_OFFICIAL = ("CB-DEMO", "Trần Thị Mai", "quan_tri")
DEMO_PIN = "135790"


def ensure_demo_official(db: Database, now: datetime) -> None:
    """The demo's official, added once: an office's own accounts are never touched."""
    from kiosk.store.officials import Officials

    officials = Officials(db)
    if officials.find(DEMO_OFFICIAL[0]) is None:
        staff_id, name, role = DEMO_OFFICIAL
        officials.add(staff_id, name, role, DEMO_PIN, now, "kiosk")


def shipped_catalogue() -> Catalogue:
    from kiosk.domain.catalogue_json import load_catalogue

    return load_catalogue(resource("catalogue", "procedures.json"))


def active_catalogue(runtime: Runtime) -> Catalogue:
    """The shipped catalogue with the portal's newer entries laid over it."""
    return CatalogueUpdates(runtime.data_dir).apply(shipped_catalogue())


def build_calendar(config: Config) -> WorkCalendar:
    from kiosk.domain.holidays import load_holidays
    from kiosk.domain.workdays import WorkCalendar

    site = config.site
    return WorkCalendar(
        saturday_working=site.saturday_working,
        office_close=site.office_close,
        same_day_cutoff=site.same_day_cutoff,
        holidays=load_holidays(resource("calendar", "holidays.toml")),
    )


def build_code_issuer(config: Config, db: Database) -> CodeIssuer:
    from kiosk.domain.codes import SequenceBlock
    from kiosk.store.codes import CodeIssuer

    block = SequenceBlock(config.kiosk.sequence_start, config.kiosk.sequence_end)
    return CodeIssuer(db, config.site.agency_code, block)


def build_queue(runtime: Runtime, db: Database) -> DossierQueue:
    from kiosk.store.files import FileStore
    from kiosk.store.queue import DossierQueue

    return DossierQueue(db, FileStore(runtime.data_dir / ATTACHMENTS_DIR))
