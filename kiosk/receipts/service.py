"""Printing a dossier's slip from anywhere in the kiosk (Done screen, Track screen).

The printer itself is a function handed in by the composition root (Qt print
support or raw ESC/POS), so this stays free of Qt and is the same for both.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.config import Config
from kiosk.receipts.data import receipt_from_dossier
from kiosk.receipts.layout import render_pdf
from kiosk.store.records import DossierDetail


class ReceiptPrinter:
    def __init__(self, config: Config, send: Callable[[bytes], None]) -> None:
        self._config = config
        self._send = send

    def pdf(self, detail: DossierDetail) -> bytes:
        return render_pdf(receipt_from_dossier(detail, self._config), self._config.printer.paper)

    def print(self, detail: DossierDetail) -> None:
        """Render and print; raises PrintError (Vietnamese message) when the printer fails."""
        self._send(self.pdf(detail))
