"""Values the form fills by itself from what the resident already gave.

A field with ``derive_from`` is filled, while it is empty, when its page comes up:

* a name (type ``name``) starts with the family name of its first source given,
  followed by a space, so the resident types only the given names (a child takes
  the father's family name, else the mother's, as Vietnamese custom has it — the
  prefill is only a start: it can be changed like anything typed);
* any other field takes the value all its given sources share (the child's
  ethnicity when the parents' is the same), and stays empty when they differ,
  for the resident to choose.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from kiosk.domain.forms import FormField


def derived_value(spec: FormField, values: Mapping[str, str]) -> str:
    """What ``spec`` starts with, given the other fields' ``values``; "" for nothing."""
    given = [text for name in spec.derive_from if (text := values.get(name, "").strip())]
    if not given:
        return ""
    if spec.type == "name":
        return given[0].split()[0] + " "
    first = _same(given[0])
    return given[0] if all(_same(text) == first for text in given) else ""


def _same(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()
