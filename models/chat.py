"""Chat-side state: accounts on each channel, dialog state, processed events, outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base, utcnow
from models.member import Member


class ChatAccount(Base):
    """One user on one channel. A member may link a LINE and a Telegram account."""

    __tablename__ = "chat_accounts"
    # One chat per channel per member: linking another chat moves the link (NULLs never collide).
    __table_args__ = (
        UniqueConstraint("channel", "external_user_id"),
        UniqueConstraint("channel", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # line | telegram | simulator
    external_user_id: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(2), default="th")
    display_name: Mapped[str | None] = mapped_column(String(200))
    linked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    unreachable_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    failed_link_attempts: Mapped[int] = mapped_column(Integer, default=0)
    link_locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Consent is given by each link, so a second chat linking does not rewrite the first one's.
    consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    # A link that matched but waits for a committee member to confirm it (no phone on file).
    pending_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    pending_since: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])
    pending_member: Mapped[Member | None] = relationship(foreign_keys=[pending_member_id])


class DialogState(Base):
    """Where a multi-step conversation stands; any worker can take the next message."""

    __tablename__ = "dialog_states"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    state: Mapped[str] = mapped_column(String(50))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class ProcessedEvent(Base):
    """A platform event id seen once; the unique key makes a redelivery a no-op."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("channel", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class OutboxMessage(Base):
    """A message to push, one row per recipient, unique by key so nothing is sent twice.

    States (see `services.outbox`): pending -> sending (leased by one dispatcher until
    `lease_until`) -> sent | retry (again at `next_attempt_at`) | held (no LINE quota left: waits for
    the member's next message, Telegram, or next month) | failed | unreachable | expired;
    `unconfirmed` is an answer that may have been delivered already and is never sent blindly.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_channel_external_user_id_status", "channel", "external_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_user_id: Mapped[str] = mapped_column(String(100), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    payload: Mapped[list] = mapped_column(JSON)  # serialised replies
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # What the row is (services.outbox.PRIORITY): answer | notice | lapse_warning | meeting_change |
    # meeting_reminder | dues_reminder | receipt | announcement.
    kind: Mapped[str] = mapped_column(String(24), default="notice", server_default="notice")
    # Lower goes first when the LINE quota cannot carry everything.
    priority: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # Rows with the same content key carry identical messages: LINE may multicast them together.
    content_key: Mapped[str | None] = mapped_column(String(100))
    # What decided the row, for counts per announcement and per job run: "announcement:12", "run:40".
    source: Mapped[str | None] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The X-Line-Retry-Key of the request that carries this row, set at its first attempt and reused
    # on every retry; rows sent together (a bundle, a multicast) share it and are retried together.
    retry_key: Mapped[str | None] = mapped_column(String(36), index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # After this the message is no use (the meeting has begun, the month is over): expired, not sent.
    expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # How it went out: push | multicast | reply (given with an answer) | fallback (on another channel).
    sent_via: Mapped[str | None] = mapped_column(String(12))

    member: Mapped[Member | None] = relationship()
