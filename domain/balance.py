"""The fund's balance: income by source less benefits paid and costs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SOURCES = ("members", "codi", "local_government", "other")


@dataclass(frozen=True)
class FundBalance:
    income_by_source: dict[str, Decimal]
    benefits_paid: Decimal
    costs: Decimal
    shares: dict[str, Decimal] = field(default_factory=dict)  # percent of income per source

    @property
    def income(self) -> Decimal:
        return sum(self.income_by_source.values(), Decimal(0))

    @property
    def balance(self) -> Decimal:
        return self.income - self.benefits_paid - self.costs


def fund_balance(
    income_by_source: dict[str, Decimal], benefits_paid: Decimal, costs: Decimal
) -> FundBalance:
    income = {s: Decimal(income_by_source.get(s, 0)) for s in SOURCES}
    total = sum(income.values(), Decimal(0))
    shares = {
        s: (v * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
        for s, v in income.items()
    }
    return FundBalance(income, Decimal(benefits_paid), Decimal(costs), shares)


def coverage_percent(members: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return (Decimal(members) * 100 / population).quantize(Decimal("0.1"))
