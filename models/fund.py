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
    # How members pay and whom they call, as the committee sets them (each None when not offered).
    # At the monthly meeting: when and where, in words ("ทุกวันที่ 5 ที่ศาลาประชาคม").
    pay_at_meeting_th: Mapped[str | None] = mapped_column(Text)
    pay_at_meeting_en: Mapped[str | None] = mapped_column(Text)
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account_no: Mapped[str | None] = mapped_column(String(20))
    bank_account_name: Mapped[str | None] = mapped_column(String(200))
    promptpay_id: Mapped[str | None] = mapped_column(String(20))  # a phone or a 13-digit tax ID
    # The treasurer's (or the committee's) contact: a public role contact the committee chose to
    # show members, not a member's personal record.
    treasurer_name: Mapped[str | None] = mapped_column(String(200))
    treasurer_phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(16))  # E.164

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
    # Everyday words members use for this benefit ("ลูกเกิดใหม่", "ค่าทำคลอด"), one per line: they
    # feed the understanding of free text, so each fund's own names are understood.
    synonyms_th: Mapped[str | None] = mapped_column(Text)
    synonyms_en: Mapped[str | None] = mapped_column(Text)
    how_to_claim_th: Mapped[str | None] = mapped_column(Text)  # None: the fund's general way
    how_to_claim_en: Mapped[str | None] = mapped_column(Text)
    documents_th: Mapped[str | None] = mapped_column(Text)  # one document per line
    documents_en: Mapped[str | None] = mapped_column(Text)

    fund: Mapped[Fund] = relationship(back_populates="benefits")
    tiers: Mapped[list[BenefitTier]] = relationship(
        back_populates="rule", order_by="BenefitTier.min_years", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th

    def note(self, locale: str) -> str | None:
        return self.note_en if locale == "en" else self.note_th

    def synonyms(self, locale: str) -> list[str]:
        """This benefit's everyday names in `locale` (Thai ones are understood in either)."""
        text = self.synonyms_en if locale == "en" else self.synonyms_th
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def how_to_claim(self, locale: str) -> str | None:
        return self.how_to_claim_en if locale == "en" else self.how_to_claim_th

    def documents(self, locale: str) -> list[str]:
        text = self.documents_en if locale == "en" else self.documents_th
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


class BenefitTier(Base):
    """Amount by years of membership (e.g. death benefit 3,000 to 30,000 baht)."""

    __tablename__ = "benefit_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("benefit_rules.id", ondelete="CASCADE"))
    min_years: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(MONEY)

    rule: Mapped[BenefitRule] = relationship(back_populates="tiers")
