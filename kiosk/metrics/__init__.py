"""Fleet monitoring: the Prometheus exporter of ``kiosk run`` and ``kiosk sync`` (issue 14).

Imported only by the two commands, from inside functions and only when an address
is configured, so a kiosk without monitoring never loads prometheus_client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.metrics.exporter import Exporter
    from kiosk.services import Runtime
    from kiosk.store.db import Database


def start_exporter(runtime: Runtime, db: Database, *, role: str) -> Exporter | None:
    """The exporter serving ``role``'s figures ("run" or "sync"); None when off or failed.

    Never raises for a port in use or an address it cannot bind: it logs why, in Vietnamese.
    """
    if not runtime.config.metrics.address_for(role):
        return None
    from kiosk.metrics.exporter import start_exporter as start

    return start(runtime, db, role=role)
