"""The life of a sealed dossier in the kiosk's queue: one table, one pure function.

    PENDING ──claim──▶ SENDING ──accepted──▶ SENT
       ▲                  │ │
       └──transient/recover┘ └──permanent──▶ FAILED ──official retry──▶ PENDING

No row is ever deleted: SENT and FAILED rows stay for the receipt, the track
screen and the official's dashboard.  Once the portal holds a SENT dossier and
its retention has passed, its attachments and the personal fields of its
payload are erased (``kiosk.store.retention``); its code, dates and states stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from kiosk.domain.errors import DomainError


class DossierState(StrEnum):
    PENDING = "PENDING"  # sealed, waiting for its turn (or for the network)
    SENDING = "SENDING"  # claimed by the sync worker; committed before any HTTP call
    SENT = "SENT"  # the portal returned a parsable 200/201 carrying MaHoSo
    FAILED = "FAILED"  # the portal refused it for good; an official must look


class Event(StrEnum):
    CLAIM = "claim"
    ACCEPTED = "accepted"
    TRANSIENT_FAILURE = "transient_failure"
    PERMANENT_FAILURE = "permanent_failure"
    RECOVER = "recover"  # at start-up: a SENDING row left by a crash
    OFFICIAL_RETRY = "official_retry"


TRANSITIONS: Mapping[tuple[DossierState, Event], DossierState] = {
    (DossierState.PENDING, Event.CLAIM): DossierState.SENDING,
    (DossierState.SENDING, Event.ACCEPTED): DossierState.SENT,
    (DossierState.SENDING, Event.TRANSIENT_FAILURE): DossierState.PENDING,
    (DossierState.SENDING, Event.PERMANENT_FAILURE): DossierState.FAILED,
    (DossierState.SENDING, Event.RECOVER): DossierState.PENDING,
    (DossierState.FAILED, Event.OFFICIAL_RETRY): DossierState.PENDING,
}

# What a resident or an official reads for each state.
STATE_LABELS: Mapping[DossierState, str] = {
    DossierState.PENDING: "Đang chờ gửi lên cổng dịch vụ công",
    DossierState.SENDING: "Đang gửi lên cổng dịch vụ công",
    DossierState.SENT: "Đã gửi lên cổng dịch vụ công",
    DossierState.FAILED: "Cổng dịch vụ công từ chối, cần cán bộ xử lý",
}


class IllegalTransition(DomainError):
    """An event that the current state does not allow (a bug or a race lost)."""


def transition(state: DossierState, event: Event) -> DossierState:
    """The state ``event`` leads to from ``state``, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(
            "illegal_transition",
            f"Không thể chuyển hồ sơ từ trạng thái {state.value} theo sự kiện {event.value}.",
        ) from None


# TrangThaiHoSo, as the national portal uses it (DOMAIN.md §3).
PORTAL_STATUS_LABELS: Mapping[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
