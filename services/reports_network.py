"""The network's table as the 2016 assembly report gives it: each fund's active members, population
and coverage, the total, the largest fund and the funds above 10% (the chat's table for admins and
`kongtun stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.balance import coverage_percent
from models import Fund, Member, MemberStatus

ABOVE_PERCENT = Decimal(10)  # the seed names the funds whose members are more than 10% of the population


@dataclass(frozen=True)
class NetworkRow:
    fund: Fund
    members: int
    coverage: Decimal | None


@dataclass(frozen=True)
class NetworkTable:
    rows: list[NetworkRow]

    @property
    def total(self) -> int:
        return sum(r.members for r in self.rows)

    @property
    def largest(self) -> NetworkRow | None:
        return max(self.rows, key=lambda r: r.members, default=None)

    @property
    def above(self) -> list[NetworkRow]:
        """Funds whose members are more than 10% of their population, highest share first."""
        found = [r for r in self.rows if r.coverage is not None and r.coverage > ABOVE_PERCENT]
        return sorted(found, key=lambda r: (-(r.coverage or 0), r.fund.code))


def network_table(session: Session) -> NetworkTable:
    """Every fund with its active members, the largest first."""
    counts = dict(
        session.execute(
            select(Member.fund_id, func.count())
            .where(Member.status == MemberStatus.ACTIVE)
            .group_by(Member.fund_id)
        ).all()
    )
    rows = [
        NetworkRow(f, counts.get(f.id, 0), coverage_percent(counts.get(f.id, 0), f.population))
        for f in session.scalars(select(Fund))
    ]
    return NetworkTable(sorted(rows, key=lambda r: (-r.members, r.fund.code)))
