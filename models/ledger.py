"""Money: the append-only payment ledger, the fund's other income, and its expenses."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base, utcnow
from models.fund import MONEY
from models.member import Member


class Payment(Base):
    """One entry of a member's dues. Never updated: a correction is a new, opposite entry."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)  # negative for a reversal
    months_covered: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="RESTRICT"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    member: Mapped[Member] = relationship()


class IncomeSource(enum.StrEnum):
    MEMBERS = "members"
    CODI = "codi"
    LOCAL_GOVERNMENT = "local_government"
    OTHER = "other"


class FundIncome(Base):
    """Money the fund receives other than members' own dues ledger (matching, donations)."""

    __tablename__ = "fund_income"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    source: Mapped[IncomeSource] = mapped_column(
        Enum(IncomeSource, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)
    received_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100), default="system")


class ExpenseKind(enum.StrEnum):
    BENEFIT = "benefit"
    COST = "cost"


class FundExpense(Base):
    __tablename__ = "fund_expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[ExpenseKind] = mapped_column(
        Enum(ExpenseKind, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])
    )
    amount: Mapped[Decimal] = mapped_column(MONEY)
    spent_on: Mapped[date] = mapped_column(Date)
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100), default="system")
