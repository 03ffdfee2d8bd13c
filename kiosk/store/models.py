"""ORM tables. Rows never leave the store: its functions return plain dataclasses."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CodeCounter(Base):
    """The last dossier sequence number this kiosk issued on a given day."""

    __tablename__ = "code_counters"
    __table_args__ = (CheckConstraint("last_sequence >= 0", name="ck_code_counters_positive"),)

    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date
    last_sequence: Mapped[int] = mapped_column(Integer, nullable=False)
