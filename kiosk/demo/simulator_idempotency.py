"""The simulator's answer to a POST under an Idempotency-Key (dossiers §3, ratings §7)."""

from __future__ import annotations

from kiosk.demo.simulator_errors import portal_error
from kiosk.demo.simulator_http import Response
from kiosk.demo.simulator_store import SimulatorStore, Stored


def idempotent_answer(store: SimulatorStore, record: Stored, body_hash: str, kind: str,
                      conflict: str) -> Response:
    """What a POST under an Idempotency-Key answers: 201 the first time, 200 with the same
    answer for the same body again, ``conflict`` (409) for another body; counted by kind."""
    if record.created:
        store.bump(f"{kind}_new")
        return Response(201, record.response)
    if record.body_hash == body_hash:
        store.bump(f"{kind}_replayed")
        return Response(200, record.response)
    store.bump(f"{kind}_conflicts")
    raise portal_error(conflict)
