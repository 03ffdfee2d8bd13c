"""What the screens and their controller are given: built once by the composition root.

Plain services, no Qt: the queue, the submitter, the catalogue, the config and
the clock.  Screens receive what they need from here in their constructors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.config import Config
from kiosk.domain.catalogue import Catalogue
from kiosk.store.queue import DossierQueue
from kiosk.submission import Submitter


@dataclass(frozen=True)
class UiServices:
    config: Config
    catalogue: Catalogue
    queue: DossierQueue
    submitter: Submitter
    clock: Callable[[], datetime]
