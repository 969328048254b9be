"""Members of a fund, their beneficiaries and committee roles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base, utcnow
from models.fund import Fund


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    LAPSED = "lapsed"
    RESIGNED = "resigned"
    DECEASED = "deceased"
    REJECTED = "rejected"  # an application the committee turned down (kept: the decision is audited)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("fund_id", "member_no"),
        Index("ix_members_national_id_hash", "national_id_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    member_no: Mapped[str | None] = mapped_column(String(20))  # None until approved
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Never the ID itself: a keyed hash to find the member, the last 4 digits to show them.
    national_id_hash: Mapped[str] = mapped_column(String(64))
    national_id_last4: Mapped[str] = mapped_column(String(4))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    joined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[MemberStatus] = mapped_column(
        Enum(MemberStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=MemberStatus.ACTIVE,
    )
    preferred_language: Mapped[str] = mapped_column(String(2), default="th")
    # What the member wants pushed (changed from the chat's settings); answers always come.
    notify_dues: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_meetings: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    notify_announcements: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    consent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    fund: Mapped[Fund] = relationship()
    beneficiaries: Mapped[list[Beneficiary]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Beneficiary(Base):
    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(50))
    share_percent: Mapped[int] = mapped_column(default=100)

    member: Mapped[Member] = relationship(back_populates="beneficiaries")


class CommitteeRole(Base):
    __tablename__ = "committee_roles"
    __table_args__ = (UniqueConstraint("member_id", "fund_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(20))  # committee | treasurer | admin
    granted_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    member: Mapped[Member] = relationship()
