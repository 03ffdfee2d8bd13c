"""The one error type of the capture layer: a camera, scanner or file gave no usable page.

It is a ``DomainError`` so the CLI and the UI handle it like every other typed
error: a stable ``code`` for logs and tests, a Vietnamese ``message`` a resident
can read.  Each module keeps its own message table and builds errors with
``error_from_table(CaptureError, MESSAGES, code)``.
"""

from __future__ import annotations

from kiosk.domain.errors import DomainError


class CaptureError(DomainError):
    """A frame, scan or imported file could not be turned into a page."""
