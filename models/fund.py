"""Funds and their benefit rules: each fund sets its own, so nothing here is hard-coded."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

MONEY = Numeric(14, 2)


class Fund(Base):
    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="")  # ทน. ทม. ทต. อบต.
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    district_th: Mapped[str] = mapped_column(String(100))
    district_en: Mapped[str] = mapped_column(String(100))
    population: Mapped[int | None] = mapped_column(Integer)
    dues_per_month: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("30"))
    may_pay_months_ahead: Mapped[int] = mapped_column(Integer, default=12)
    lapse_after_missed_months: Mapped[int] = mapped_column(Integer, default=3)
    entry_fee: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    waiting_days: Mapped[int] = mapped_column(Integer, default=180)
    # Days of the month dues reminders go: the first to everyone whose month is unpaid, the later
    # ones to those still unpaid.
    reminder_days: Mapped[str] = mapped_column(String(40), default="1,25", server_default="1,25")
    payment_info_th: Mapped[str | None] = mapped_column(Text)
    payment_info_en: Mapped[str | None] = mapped_column(Text)

    benefits: Mapped[list[BenefitRule]] = relationship(
        back_populates="fund", order_by="BenefitRule.position", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th

    def district(self, locale: str) -> str:
        return self.district_en if locale == "en" else self.district_th


class BenefitRule(Base):
    __tablename__ = "benefit_rules"
    __table_args__ = (UniqueConstraint("fund_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(32))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)  # None when tiers set the amount
    per: Mapped[str] = mapped_column(String(16), default="event")  # event | night | year
    max_per_event: Mapped[Decimal | None] = mapped_column(MONEY)
    max_per_year: Mapped[Decimal | None] = mapped_column(MONEY)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    min_years: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    waiting_days: Mapped[int | None] = mapped_column(Integer)  # overrides the fund's
    note_th: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)

    fund: Mapped[Fund] = relationship(back_populates="benefits")
    tiers: Mapped[list[BenefitTier]] = relationship(
        back_populates="rule", order_by="BenefitTier.min_years", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th

    def note(self, locale: str) -> str | None:
        return self.note_en if locale == "en" else self.note_th


class BenefitTier(Base):
    """Amount by years of membership (e.g. death benefit 3,000 to 30,000 baht)."""

    __tablename__ = "benefit_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("benefit_rules.id", ondelete="CASCADE"))
    min_years: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(MONEY)

    rule: Mapped[BenefitRule] = relationship(back_populates="tiers")
