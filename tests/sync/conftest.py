"""What the sync tests share: a kiosk on a temp data dir, the real simulator on its clock,
and a portal client whose pauses run on that same clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.sync.client import PortalClient
from tests.support.kiosk import Kiosk, open_kiosk

CLIENT_ID, CLIENT_SECRET = next(iter(DEMO_CREDENTIALS.items()))


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[Kiosk]:
    k = open_kiosk(tmp_path / "kiosk")
    yield k
    k.close()


@pytest.fixture
def portal(tmp_path: Path, kiosk: Kiosk) -> Iterator[PortalSimulator]:
    with PortalSimulator(tmp_path / "portal.sqlite3", step_seconds=60, clock=kiosk.clock) as sim:
        yield sim


def kiosk_client(
    kiosk: Kiosk, url: str, timeout: float = 5.0, secret: str = CLIENT_SECRET,
    cls: type[PortalClient] = PortalClient,
) -> PortalClient:
    """A client on the kiosk's (fake) time, so its pauses end when the test moves the clock."""
    return cls(url, CLIENT_ID, secret, timeout=timeout, clock=lambda: kiosk.clock().timestamp())
