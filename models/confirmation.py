"""Confirmed committee actions: a confirmation pressed twice (or delivered twice) acts once.

The summary a committee member confirms carries a token; the first press inserts its row and acts,
any later press of the same token finds the row (the primary key refuses a second one, even from
two workers at once) and is told what was done.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base, utcnow


class ConfirmedAction(Base):
    __tablename__ = "confirmed_actions"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. "announcement.send", "payment.record"
    actor: Mapped[str] = mapped_column(String(100))
    done_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    # What it made (e.g. "payment:42"), so a second press can say what the first one did.
    result: Mapped[str | None] = mapped_column(String(100))
