"""Dues payments: the ledger is append-only; a payment pays the oldest unpaid months first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from domain.dates import month_index
from domain.dues import months_covered
from models import Fund, Payment, audit


@dataclass(frozen=True)
class Allocation:
    """What a payment does to a member's record."""

    months: int  # whole months this payment completes
    paid_through: int  # month index (domain.dates.month_index) the member is then paid through
    limit: int  # the furthest month a member may pay ahead to, by the fund's rule

    @property
    def too_far_ahead(self) -> bool:
        return self.paid_through > self.limit


def allocate(fund: Fund, *, joined_on: date, paid_before: Decimal, amount: Decimal,
             today: date) -> Allocation:
    before = max(months_covered(paid_before, fund.dues_per_month), 0)
    after = months_covered(paid_before + amount, fund.dues_per_month)
    # The oldest unpaid months are paid first: the member is paid through joined + after - 1.
    return Allocation(months=after - before, paid_through=month_index(joined_on) + after - 1,
                      limit=month_index(today) + fund.may_pay_months_ahead)


# Built once: on the per-message path, building a statement costs about as much as running it.
_TOTAL_PAID = select(func.sum(Payment.amount)).where(Payment.member_id == bindparam("member"))


def total_paid(session: Session, member_id: int) -> Decimal:
    """Everything a member has paid, reversals (negative entries) included."""
    return Decimal(session.scalar(_TOTAL_PAID, {"member": member_id}) or 0)


def import_payments(session: Session, rows: list[dict[str, Any]], *, actor: str, source: str,
                    funds: list[str]) -> int:
    """Write checked ledger rows of a spreadsheet in one statement, with one audit row."""
    if rows:
        session.execute(insert(Payment.__table__), rows)
    audit(session, actor, "import.payments", "file", source[:40], rows=len(rows), funds=funds)
    return len(rows)
