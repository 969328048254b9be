"""Announcements a committee schedules for its fund's members (or the whole network's)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base, utcnow
from models.fund import Fund


class AnnouncementState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"  # being expanded into outbox rows
    DONE = "done"  # every recipient has an outbox row (delivery is counted there)
    CANCELLED = "cancelled"


class Audience(enum.StrEnum):
    MEMBERS = "members"  # active members
    COMMITTEE = "committee"
    ARREARS = "arrears"  # active members with unpaid months
    DISTRICT = "district"  # active members of the funds of one district (`district_th`)


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int | None] = mapped_column(  # None: every fund of the network
        ForeignKey("funds.id", ondelete="RESTRICT"), index=True
    )
    audience: Mapped[Audience] = mapped_column(
        Enum(Audience, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Audience.MEMBERS,
    )
    district_th: Mapped[str | None] = mapped_column(String(100))  # the audience "district"
    text_th: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text)  # None: the Thai text goes to everyone
    send_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    author: Mapped[str] = mapped_column(String(100))  # an actor as the audit log names it
    state: Mapped[AnnouncementState] = mapped_column(
        Enum(AnnouncementState, native_enum=False, length=12,
             values_callable=lambda e: [m.value for m in e]),
        default=AnnouncementState.DRAFT,
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    recipients: Mapped[int | None] = mapped_column()  # outbox rows written when it was expanded

    fund: Mapped[Fund | None] = relationship()

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" and self.text_en else self.text_th
