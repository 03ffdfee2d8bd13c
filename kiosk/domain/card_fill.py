"""A person's form fields filled from their scanned CCCD (``FormField.card``).

The card's address is kept exactly as printed, even in the old three-tier form
("…, huyện Tứ Kỳ, tỉnh Hải Dương"): it is what the card says.  A citizen ID card is
issued only to Vietnamese citizens (Luật Căn cước 2023), so its holder's
nationality is Việt Nam.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.domain.forms import FormField
from kiosk.domain.identity import CccdCard

CARD_NATIONALITY = "Việt Nam"


def card_value(card: CccdCard, which: str) -> str:
    """One of the card's values as a form holds it ("1995", "05/09/1995", …)."""
    values = {
        "full_name": card.full_name,
        "personal_id": card.personal_id,
        "birth_year": f"{card.birth_date.year:04d}",
        "birth_date": card.birth_date.strftime("%d/%m/%Y"),
        "gender": card.gender,
        "residence": card.address,
        "nationality": CARD_NATIONALITY,
    }
    return values.get(which, "")


def values_from_card(fields: Sequence[FormField], card: CccdCard) -> dict[str, str]:
    """Field name → value, for every field marked with one of the card's values."""
    return {spec.name: card_value(card, spec.card) for spec in fields if spec.card}
