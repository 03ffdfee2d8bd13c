"""The error body of a portal's 4xx, kept only as far as it is sound (PORTAL_API.md).

Its code goes into the queue's ``last_error_code`` and its words onto an
official's screen: the code is kept only if it is a machine code, the text
only as one clean line of bounded length.  Never raises, whatever the bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from kiosk.sync.answers import unclean


@dataclass(frozen=True)
class Refusal:
    code: str  # the portal's machine code, if it is one; else http_<status>
    message: str  # its reason, cleaned, for the official's dashboard


_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_REFUSAL_CHARS = 500


def parse_refusal(status: int, content: bytes) -> Refusal:
    """The error body of a 4xx, kept only as far as it is sound; never raises."""
    try:  # lenient on numbers (none is used); text is cleaned below
        body = json.loads(content.decode("utf-8"), parse_constant=_nothing,
                          parse_int=_nothing, parse_float=_nothing)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError too
        body = None
    body = body if isinstance(body, dict) else {}
    raw_code = body.get("error")
    error = raw_code if isinstance(raw_code, str) and _ERROR_CODE.fullmatch(raw_code) else None
    message = _one_line(body.get("message"), MAX_REFUSAL_CHARS)
    details = body.get("details")
    if isinstance(details, list) and details:
        message += " — " + "; ".join(_detail(d) for d in details[:5])
    return Refusal(error or f"http_{status}", message.strip(" —") or "")


def _nothing(text: str) -> None:
    return None


def _detail(raw: object) -> str:
    if not isinstance(raw, dict):
        return _one_line(raw, 200)
    return f"{_one_line(raw.get('field'), 100) or '?'}: {_one_line(raw.get('message'), 200)}"


def _one_line(value: object, limit: int) -> str:
    """Portal text for a screen: a string, control characters and surrogates out, cut."""
    if not isinstance(value, str):
        return ""
    kept = "".join(" " if unclean(c) or c in "\t\n\r" else c for c in value[:limit * 2])
    return " ".join(kept.split())[:limit]
