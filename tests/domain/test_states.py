"""The queue's state machine: exactly the documented arrows, nothing else."""

from __future__ import annotations

import itertools

import pytest

from kiosk.domain.states import (
    STATE_LABELS,
    DossierState,
    Event,
    IllegalTransition,
    transition,
)

S, E = DossierState, Event
ALLOWED = {
    (S.PENDING, E.CLAIM): S.SENDING,
    (S.SENDING, E.ACCEPTED): S.SENT,
    (S.SENDING, E.TRANSIENT_FAILURE): S.PENDING,
    (S.SENDING, E.PERMANENT_FAILURE): S.FAILED,
    (S.SENDING, E.RECOVER): S.PENDING,
    (S.FAILED, E.OFFICIAL_RETRY): S.PENDING,
}


@pytest.mark.parametrize(("state", "event"), list(itertools.product(S, E)))
def test_every_state_event_pair_is_either_allowed_or_refused(state: S, event: E) -> None:
    if (state, event) in ALLOWED:
        assert transition(state, event) is ALLOWED[(state, event)]
    else:
        with pytest.raises(IllegalTransition) as caught:
            transition(state, event)
        assert caught.value.code == "illegal_transition"


def test_sent_is_final() -> None:
    assert all((S.SENT, e) not in ALLOWED for e in E)
    with pytest.raises(IllegalTransition):
        transition(S.SENT, E.OFFICIAL_RETRY)


def test_only_an_official_brings_a_failed_dossier_back() -> None:
    assert [e for e in E if (S.FAILED, e) in ALLOWED] == [E.OFFICIAL_RETRY]


def test_every_state_has_a_vietnamese_label() -> None:
    assert set(STATE_LABELS) == set(S)
    assert all(label.strip() for label in STATE_LABELS.values())
