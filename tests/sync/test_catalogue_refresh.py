"""Catalogue refresh: portal procedures are checked, stored and laid over the shipped ones."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.catalogue_updates import CatalogueUpdates
from kiosk.config import Config
from kiosk.demo.simulator import DEMO_CREDENTIALS, PortalSimulator
from kiosk.domain.catalogue_json import procedure_to_dict
from kiosk.domain.errors import DataError
from kiosk.services import Runtime, active_catalogue, shipped_catalogue
from kiosk.sync.client import PortalClient
from kiosk.sync.worker import CATALOGUE_CURSOR
from tests.support.kiosk import Kiosk


def test_the_worker_stores_what_the_portal_offers_and_moves_its_cursor(
    kiosk: Kiosk, tmp_path: Path
) -> None:
    updates = CatalogueUpdates(kiosk.runtime.data_dir)
    client_id, secret = next(iter(DEMO_CREDENTIALS.items()))
    with PortalSimulator(tmp_path / "portal.sqlite3", clock=kiosk.clock) as portal:
        client = PortalClient(portal.url, client_id, secret)
        worker = kiosk.sync_worker(client, catalogue_updates=updates)
        first = worker.run_once()
        second = worker.run_once()
        client.close()
    assert first.procedures_updated == len(shipped_catalogue())
    assert second.procedures_updated == 0  # nothing changed since the cursor
    assert kiosk.queue.cursor(CATALOGUE_CURSOR)
    assert {p.code for p in updates.load()} == {p.code for p in shipped_catalogue()}


def test_an_updated_procedure_replaces_the_shipped_one(tmp_path: Path) -> None:
    shipped = shipped_catalogue().get("2.000635")
    renamed = replace(shipped, name="Cấp bản sao trích lục hộ tịch (mẫu mới)")
    CatalogueUpdates(tmp_path).add([procedure_to_dict(renamed)])
    catalogue = active_catalogue(Runtime(Config(), tmp_path))
    assert catalogue.get("2.000635").name.endswith("(mẫu mới)")
    assert len(catalogue) == len(shipped_catalogue())


@pytest.mark.parametrize("items", [
    None, "procedures", [1, 2], [{"code": "1.001193"}],
    [{**procedure_to_dict(shipped_catalogue().get("1.001193")), "level": "9"}],
])
def test_a_malformed_portal_catalogue_is_refused_whole_and_changes_nothing(
    tmp_path: Path, items: object
) -> None:
    updates = CatalogueUpdates(tmp_path)
    good = procedure_to_dict(shipped_catalogue().get("1.001193"))
    updates.add([good])
    before = updates.path.read_bytes()
    with pytest.raises(DataError) as caught:
        updates.add(items)
    assert caught.value.message
    assert updates.path.read_bytes() == before


@pytest.mark.logs_errors
def test_a_damaged_updates_file_is_ignored_and_the_shipped_catalogue_stands(
    tmp_path: Path,
) -> None:
    (tmp_path / "catalogue-updates.json").write_text("{ not json", encoding="utf-8")
    catalogue = active_catalogue(Runtime(Config(), tmp_path))
    assert len(catalogue) == len(shipped_catalogue())
