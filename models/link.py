"""Failed link attempts and locks, counted per target member (the ID's hash), not per chat.

A stranger with many chat accounts gets no more guesses than one: the count follows the national ID
being tried, across every chat and channel.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base, utcnow


class LinkFailure(Base):
    """One failed attempt to link (or to apply with an ID already on a roster)."""

    __tablename__ = "link_failures"
    __table_args__ = (
        Index("ix_link_failures_id_hash_at", "id_hash", "at"),
        Index("ix_link_failures_channel_at", "channel", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    id_hash: Mapped[str] = mapped_column(String(64))
    chat_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_accounts.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class LinkLock(Base):
    """Linking to the member with this ID is locked until `locked_until`, on every chat."""

    __tablename__ = "link_locks"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    locked_until: Mapped[datetime] = mapped_column(AwareDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
