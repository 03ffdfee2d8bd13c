"""Procedures the portal sent since the catalogue shipped, kept in the data dir.

The shipped catalogue is read-only; the portal's newer entries are stored
beside the queue (written atomically) and laid over it at start.  A portal
answer that does not pass the catalogue's strict parser is refused whole, so a
broken refresh can never take a procedure away from residents.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the catalogue's modules load when it is read: `kiosk run` paints Home first
    from kiosk.domain.catalogue import Catalogue, Procedure

log = logging.getLogger(__name__)

UPDATES_FILE = "catalogue-updates.json"


class CatalogueUpdates:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / UPDATES_FILE

    def load(self) -> tuple[Procedure, ...]:
        """The stored updates; a damaged file is logged and ignored (the shipped one stands)."""
        from kiosk.domain.catalogue_json import parse_procedures, read_json_file
        from kiosk.domain.errors import DataError

        if not self.path.exists():
            return ()
        try:
            return parse_procedures(read_json_file(self.path))
        except DataError as error:
            log.error("ignoring %s: %s", self.path, error.message)
            return ()

    def apply(self, catalogue: Catalogue) -> Catalogue:
        updates = self.load()
        return catalogue.merged(updates) if updates else catalogue

    def add(self, raw_items: object) -> int:
        """Check the portal's ``items`` and store them over earlier updates; return how many."""
        from kiosk.domain.catalogue_json import parse_procedures, procedure_to_dict

        fresh = parse_procedures(raw_items)
        kept = {p.code: p for p in self.load()} | {p.code: p for p in fresh}
        data = [procedure_to_dict(p) for p in kept.values()]
        from kiosk.store.files import write_atomically  # the database layer: only to write

        write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=2).encode())
        return len(fresh)
