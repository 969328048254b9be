"""The report's figures on a hand-built fund, to the baht: by status, arrears, near lapse, balance
by source, benefits this year, undelivered messages, the LINE quota; and the network table."""

from __future__ import annotations

from decimal import Decimal

from models import MemberStatus, OutboxMessage
from scheduler.quota_memory import last_quota
from services.reports import fund_report, owing, page_of, short_name
from services.reports_network import network_table
from tests import report_world as W
from tests.factories import make_fund, make_member


def test_the_fund_report_figures(session):
    fund, names = W.build(session)
    other = make_fund(session, "KAMALA", population=100)
    stranger = make_member(session, other, joined_on=W.JOINED)
    session.add(
        OutboxMessage(
            key="x", channel="line", external_user_id="X", payload=[], status="failed", member_id=stranger.id
        )
    )
    report = fund_report(session, fund, W.TODAY)
    assert report.by_status == {
        MemberStatus.ACTIVE: 5,
        MemberStatus.LAPSED: 1,
        MemberStatus.PENDING: 1,
        MemberStatus.RESIGNED: 1,
        MemberStatus.DECEASED: 1,
    }
    assert report.coverage == Decimal("0.5")
    assert (len(report.arrears), report.arrears_amount) == (W.ARREARS, W.OWED)
    assert [(o.short_name, o.months, o.amount) for o in report.arrears] == [
        ("เอื้อม ใ.", 3, 90),
        ("จันทร์ ใ.", 2, 60),
        ("ดวงใจ ใ.", 2, 50),
        ("บุญมี ใ.", 1, 30),
    ]
    assert [o.short_name for o in report.near_lapse] == ["จันทร์ ใ.", "ดวงใจ ใ."]
    money = report.money.balance
    assert money.income_by_source == {"members": W.DUES, "codi": 5000, "local_government": 2000, "other": 0}
    assert (money.benefits_paid, money.costs, money.balance) == (1500, 200, W.BALANCE)
    assert (report.money.claims_paid_this_year, report.money.benefits_this_year) == (1, 1000)
    assert report.delivery == {"failed": 2, "held": 1, "unreachable": 1}
    assert (report.quota.used, report.quota.left) == (120, 380)


def test_the_quota_read_is_what_the_scheduler_remembers(session):
    W.build(session)
    from services.reports import remembered_line_quota

    assert remembered_line_quota(session) == last_quota(session, "line")


def test_paging_ten_at_a_time_and_short_names(session):
    fund = make_fund(session, population=None)
    for n in range(23):
        make_member(session, fund, joined_on=W.JOINED, member_no=f"{n:05d}")
    found = owing(session, fund, W.TODAY)
    assert len(found) == 23 and all(o.months == 10 for o in found)
    pages = [page_of(found, p) for p in (0, 1, 2, 7)]
    assert [len(p.items) for p in pages] == [10, 10, 3, 3]  # a page past the end shows the last one
    assert pages[0].has_next and not pages[0].has_previous and not pages[2].has_next
    assert short_name("สมศรี", "ใจดี") == "สมศรี ใ." and short_name("Ann", "") == "Ann"
    assert fund_report(session, fund, W.TODAY).coverage is None


def test_the_network_table_names_the_largest_and_those_above_ten_percent(session):
    big, small, unknown = (
        make_fund(session, "BIG", population=1000),
        make_fund(session, "SMALL", population=20),
        make_fund(session, "KOKAEO", population=None),
    )
    for fund, n in ((big, 50), (small, 3), (unknown, 2)):
        for _ in range(n):
            make_member(session, fund)
    make_member(session, small, status=MemberStatus.LAPSED)  # not counted
    table = network_table(session)
    assert [(r.fund.code, r.members, r.coverage) for r in table.rows] == [
        ("BIG", 50, Decimal("5.0")),
        ("SMALL", 3, Decimal("15.0")),
        ("KOKAEO", 2, None),
    ]
    assert table.total == 55 and table.largest.fund.code == "BIG"
    assert [r.fund.code for r in table.above] == ["SMALL"]


def test_the_report_reads_a_few_aggregates_whatever_the_number_of_members(session):
    from sqlalchemy import event

    fund, _ = W.build(session)

    def queries() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(session.get_bind(), "before_cursor_execute", listener)
        try:
            fund_report(session, fund, W.TODAY)
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", listener)
        return len(seen)

    few = queries()
    for _ in range(60):
        make_member(session, fund, joined_on=W.JOINED, months_paid=2)
    assert queries() == few <= 12  # not one query per member
