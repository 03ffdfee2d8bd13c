"""Typed errors raised by the domain core.

Every error carries a stable machine ``code`` (for logs, tests and the portal's
``details``), the ``field`` it concerns when there is one, and a ``message`` in
plain Vietnamese that can be shown to a resident as it is.  Each module keeps
its own messages in one table at its top, so the texts are in one place per
module and never assembled at the raise site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar


class DomainError(Exception):
    """Base of every error the domain core raises on bad input."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r})"


class ValidationError(DomainError):
    """A value typed or scanned by a person does not pass a check."""


class DataError(DomainError):
    """A data file shipped with the kiosk or edited by an official is malformed."""


@dataclass(frozen=True)
class Advisory:
    """A finding worth showing that must not block (an ID disagreeing with the birth year)."""

    code: str
    message: str
    field: str | None = None


E = TypeVar("E", bound=DomainError)


def error_from_table(
    cls: type[E],
    table: Mapping[str, str],
    code: str,
    *,
    field: str | None = None,
    **params: object,
) -> E:
    """Build an error of ``cls`` whose message is ``table[code]`` filled with ``params``.

    Returned, not raised, so call sites read ``raise error_from_table(...)`` and
    type checkers see the control flow.
    """
    return cls(code, table[code].format(**params), field=field)


@dataclass(frozen=True)
class Problems:
    """Several validation errors collected at once (a whole form checked)."""

    errors: tuple[ValidationError, ...] = field(default_factory=tuple)
    advisories: tuple[Advisory, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors
