"""The current administrative units, read once from the ``vietnam-provinces`` package.

Kept out of ``kiosk.domain`` (which imports only the standard library): this is
where the package is imported; ``kiosk.domain.places`` parses what it ships.
"""

from __future__ import annotations

import functools
import json

from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from kiosk.domain.places import Province, parse_divisions


@functools.cache
def provinces() -> tuple[Province, ...]:
    """The 34 provinces and centrally-run cities with their communes and wards."""
    return parse_divisions(json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8")))
