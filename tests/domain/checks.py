"""Checks the domain tests share."""

from __future__ import annotations

import re

from kiosk.domain.errors import DomainError

# A letter only Vietnamese writing has: a message containing one is not left in English.
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


def assert_vietnamese_error(error: DomainError, code: str) -> None:
    """The typed error carries ``code`` and a message written in Vietnamese."""
    assert error.code == code
    assert VIETNAMESE.search(error.message.lower()), error.message
