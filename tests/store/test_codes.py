"""Dossier codes: from this kiosk's block, never reused, across restarts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.domain.codes import SequenceBlock
from kiosk.domain.errors import DomainError
from kiosk.store.codes import CodeIssuer
from kiosk.store.db import Database
from kiosk.store.migrate import upgrade

AGENCY = "000.00.00.H23"
DAY = date(2026, 11, 24)


BLOCK = SequenceBlock(1000, 1999)


OpenIssuer = Callable[..., CodeIssuer]


@pytest.fixture
def open_issuer() -> Iterator[OpenIssuer]:
    """Each call opens the database afresh (a restart); all are closed after the test."""
    opened: list[Database] = []

    def open_one(path: Path, block: SequenceBlock = BLOCK) -> CodeIssuer:
        db = Database(path)
        opened.append(db)
        upgrade(db)
        return CodeIssuer(db, AGENCY, block)

    yield open_one
    for db in opened:
        db.dispose()


def test_codes_follow_the_circular_format_from_the_block_start(
    tmp_path: Path, open_issuer: OpenIssuer
) -> None:
    issuer = open_issuer(tmp_path / "k.sqlite3")
    assert str(issuer.issue(DAY)) == "000.00.00.H23-261124-1000"
    assert str(issuer.issue(DAY)) == "000.00.00.H23-261124-1001"


def test_each_day_starts_again_at_the_block_start(tmp_path: Path, open_issuer: OpenIssuer) -> None:
    issuer = open_issuer(tmp_path / "k.sqlite3")
    issuer.issue(DAY)
    assert issuer.issue(date(2026, 11, 25)).sequence == 1000


def test_a_restart_never_reissues_a_code(tmp_path: Path, open_issuer: OpenIssuer) -> None:
    path = tmp_path / "k.sqlite3"
    first = [open_issuer(path).issue(DAY) for _ in range(3)]
    after_restart = open_issuer(path).issue(DAY)
    assert [c.sequence for c in first] == [1000, 1001, 1002]
    assert after_restart.sequence == 1003


def test_two_kiosks_with_their_own_blocks_never_collide(
    tmp_path: Path, open_issuer: OpenIssuer
) -> None:
    one = open_issuer(tmp_path / "one.sqlite3", SequenceBlock(1000, 1999))
    two = open_issuer(tmp_path / "two.sqlite3", SequenceBlock(2000, 2999))
    codes = {str(one.issue(DAY)) for _ in range(5)} | {str(two.issue(DAY)) for _ in range(5)}
    assert len(codes) == 10


def test_an_exhausted_block_is_a_clear_error_and_issues_nothing(
    tmp_path: Path, open_issuer: OpenIssuer
) -> None:
    issuer = open_issuer(tmp_path / "k.sqlite3", SequenceBlock(1000, 1001))
    issuer.issue(DAY)
    issuer.issue(DAY)
    with pytest.raises(DomainError) as caught:
        issuer.issue(DAY)
    assert caught.value.message
    assert issuer.issue(date(2026, 11, 25)).sequence == 1000
