"""A dossier filed with an official's help reaches the portal with NguoiHoTro as the
contract has it (name and staff id), and its receipt names the official."""

from __future__ import annotations

import dataclasses

from kiosk.demo.simulator import PortalSimulator
from kiosk.domain.draft import Helper
from kiosk.domain.states import DossierState
from kiosk.receipts.data import receipt_from_dossier
from tests.support.kiosk import Kiosk, birth_draft
from tests.sync.test_worker import worker_for


def test_nguoi_ho_tro_is_accepted_by_the_portal_and_printed(
    kiosk: Kiosk, portal: PortalSimulator
) -> None:
    helper = Helper("Phạm Thị Hường", "CB-07")
    draft = dataclasses.replace(birth_draft(kiosk.catalogue, kiosk.clock()), assisted_by=helper)
    sealed = kiosk.submitter.seal(draft)
    worker, client = worker_for(kiosk, portal.url)
    worker.run_once()
    client.close()
    detail = kiosk.queue.find(sealed.code)
    # SENT: the portal validated and accepted it (it refuses a bare string with 422)
    assert detail is not None and detail.dossier.state is DossierState.SENT
    assert detail.payload["NguoiHoTro"] == {"HoTen": "Phạm Thị Hường", "MaCanBo": "CB-07"}
    slip = receipt_from_dossier(detail, kiosk.runtime.config)
    assert slip.assisted_by == "Phạm Thị Hường (CB-07)"
