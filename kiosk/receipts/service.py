"""Printing a dossier's slip from anywhere in the kiosk (Done screen, Track screen).

The printer itself is a function handed in by the composition root (Qt print
support or raw ESC/POS), so this stays free of Qt and is the same for both.
In "file" mode (demo machines without a printer) each slip is saved as
``<code>.pdf`` in a folder instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.config import Config
from kiosk.receipts.data import receipt_from_dossier
from kiosk.receipts.layout import render_pdf
from kiosk.store.files import write_atomically
from kiosk.store.records import DossierDetail


class ReceiptPrinter:
    def __init__(
        self, config: Config, send: Callable[[bytes], None], folder: Path | None = None
    ) -> None:
        self._config = config
        self._send = send
        self._folder = folder  # "file" mode: slips are saved here instead of printed

    def pdf(self, detail: DossierDetail) -> bytes:
        return render_pdf(receipt_from_dossier(detail, self._config), self._config.printer.paper)

    def print(self, detail: DossierDetail) -> Path | None:
        """Render and print (or save: then return the file); PrintError when the printer fails."""
        pdf = self.pdf(detail)
        if self._folder is None:
            self._send(pdf)
            return None
        saved = self._folder / f"{detail.dossier.code}.pdf"
        write_atomically(saved, pdf)
        return saved
