"""What the screens and their controller are given: built once by the composition root.

Plain services, no Qt: the queue, the submitter, the catalogue, the config, the
clock, the receipt printer and the camera.  Screens receive what they need from
here in their constructors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue
from kiosk.scanner.frames import FrameSource
from kiosk.scanner.sane import Scanner
from kiosk.store.office import OfficeStore
from kiosk.store.queue import DossierQueue
from kiosk.store.records import DossierDetail
from kiosk.submission import Submitter
from kiosk.sync.status import SyncStatus

if TYPE_CHECKING:
    from kiosk.ui.voice import Voice


@dataclass(frozen=True)
class UiServices:
    config: Config
    catalogue: Catalogue
    queue: DossierQueue
    submitter: Submitter
    clock: Callable[[], datetime]
    print_receipt: Callable[[DossierDetail], Path | None]  # a path when saved, not printed
    open_camera: Callable[[], FrameSource] | None = None  # None: no camera on this kiosk
    open_scanner: Callable[[], Scanner] | None = None  # None: no flatbed scanner
    usb_root: Path | None = None  # None: no USB files
    voice: Voice | None = None  # None: no speech («Nghe hướng dẫn» hidden)
    _: KW_ONLY
    office: OfficeStore  # officials, audit log, help calls, ratings, settings
    read_sync: Callable[[], SyncStatus] | None = None  # the dashboard's sync lines; None: none
