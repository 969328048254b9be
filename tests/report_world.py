"""A hand-built fund whose report is known to the baht (on 29 November 2026, Bangkok), for the
reports' tests: five active members with 0 to 3 months of dues owed, one of every other status,
income from CODI and the local government, benefits this year and last, and undelivered messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from messaging.sender import Quota
from models import ExpenseKind, FundExpense, FundIncome, IncomeSource, MemberStatus, OutboxMessage, Payment
from scheduler.quota_memory import remember_quota
from tests.factories import make_fund, make_member, pay

TODAY = date(2026, 11, 29)
JOINED = date(2026, 1, 1)
# Expected figures: dues are 30 baht a month and three missed months end a membership.
ARREARS = 4  # B (1 month), C (2), D (2, 10 baht of credit), E (3)
OWED = Decimal(230)  # 30 + 60 + 50 + 90
NEAR_LAPSE = 2  # C and D: one more missed month ends them


def build(session, code: str = "PAKHLOK", fund=None, reversal: bool = True):
    """`reversal=False` for the app's database: its per-test cleanup cannot delete a reversal
    (payments.reverses_id) on SQLite, so the chat tests leave that entry out (its net is nil)."""
    fund = fund or make_fund(session, code, population=1000)
    names = {}
    for key, months, first in (
        ("A", 11, "อำไพ"),
        ("B", 9, "บุญมี"),
        ("C", 8, "จันทร์"),
        ("D", 8, "ดวงใจ"),
        ("E", 7, "เอื้อม"),
    ):
        names[key] = make_member(
            session,
            fund,
            joined_on=JOINED,
            months_paid=months,
            first_name=first,
            last_name="ใจงาม",
            member_no=f"9{len(names):04d}",
        )
    pay(session, names["D"], 10, on=date(2026, 9, 5))
    if reversal:
        wrong = pay(session, names["B"], 30, on=date(2026, 10, 5))
        session.add(
            Payment(
                member_id=names["B"].id,
                amount=Decimal(-30),
                months_covered=-1,
                paid_on=date(2026, 10, 6),
                recorded_by="test",
                reverses_id=wrong.id,
                note="wrong member",
            )
        )
    for status in (MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.DECEASED):
        make_member(session, fund, joined_on=JOINED, status=status)
    make_member(session, fund, joined_on=JOINED, status=MemberStatus.PENDING, member_no="")
    session.add_all(
        [
            FundIncome(
                fund_id=fund.id, source=IncomeSource.CODI, amount=Decimal(5000), received_on=date(2026, 2, 1)
            ),
            FundIncome(
                fund_id=fund.id,
                source=IncomeSource.LOCAL_GOVERNMENT,
                amount=Decimal(2000),
                received_on=date(2026, 3, 1),
            ),
            FundExpense(
                fund_id=fund.id, kind=ExpenseKind.BENEFIT, amount=Decimal(1000), spent_on=date(2026, 3, 10)
            ),
            FundExpense(
                fund_id=fund.id, kind=ExpenseKind.BENEFIT, amount=Decimal(500), spent_on=date(2025, 12, 31)
            ),
            FundExpense(
                fund_id=fund.id, kind=ExpenseKind.COST, amount=Decimal(200), spent_on=date(2026, 2, 1)
            ),
        ]
    )
    for n, (key, status) in enumerate(
        (("C", "failed"), ("C", "failed"), ("B", "held"), ("E", "unreachable"), ("A", "sent"))
    ):
        session.add(
            OutboxMessage(
                key=f"{code}-{n}",
                channel="line",
                external_user_id=f"U{n}",
                payload=[],
                status=status,
                member_id=names[key].id,
            )
        )
    remember_quota(session, "line", Quota(500, 120), datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    session.flush()
    return fund, names


# Members' dues in the ledger: 30 × (11 + 9 + 8 + 8 + 7) + 10 (+30 − 30 reversed) = 1,300 baht.
DUES = Decimal(1300)
BALANCE = DUES + 5000 + 2000 - 1500 - 200  # 6,600
