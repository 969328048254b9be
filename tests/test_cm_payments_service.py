"""services.reversals and services.ledger_day on their own: the rules a chat cannot bend."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from models import MemberStatus
from services import ledger_day, reversals
from services.errors import ServiceError
from services.payments import record_payment, total_paid
from services.reversals import NotReversible
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_member

AT = datetime(2026, 11, 29, 10, 0, tzinfo=BANGKOK)


def test_a_reversal_is_the_opposite_entry_once_and_never_itself_reversed(session):
    fund = make_fund(session)
    member = make_member(session, fund, joined_on=date(2026, 1, 1), months_paid=11)
    paid = record_payment(session, member, Decimal(90), paid_on=AT.date(), actor="chat:1", at=AT)
    with pytest.raises(ServiceError):
        reversals.reverse(session, paid.id, reason="   ", actor="chat:1", at=AT)
    with pytest.raises(ServiceError):
        reversals.reverse(session, paid.id, reason="x" * 201, actor="chat:1", at=AT)
    undo = reversals.reverse(session, paid.id, reason=" wrong  member ", actor="chat:1", at=AT)
    assert (undo.amount, undo.months_covered, undo.reverses_id, undo.note) == (Decimal(-90), -3, paid.id,
                                                                               "wrong member")
    assert total_paid(session, member.id) == Decimal(330)
    with pytest.raises(NotReversible) as twice:
        reversals.reverse(session, paid.id, reason="again", actor="chat:1", at=AT)
    assert twice.value.by is not None and twice.value.by.id == undo.id
    with pytest.raises(NotReversible) as of_reversal:
        reversals.reverse(session, undo.id, reason="undo the undo", actor="chat:1", at=AT)
    assert of_reversal.value.by is None


def test_members_are_found_by_number_as_a_number_and_by_parts_of_names(session):
    fund, other = make_fund(session, "PAKHLOK"), make_fund(session, "KAMALA")
    somsri = make_member(session, fund, first_name="สมศรี", last_name="มีสุข", member_no="00042")
    make_member(session, fund, first_name="สมหญิง", last_name="มีสุข", member_no="420")
    make_member(session, fund, first_name="สมใจ", last_name="ลาออก", member_no="00043",
                status=MemberStatus.RESIGNED)
    make_member(session, other, first_name="สมศรี", last_name="มีสุข", member_no="00044")
    assert [m.id for m in ledger_day.find_members(session, fund.id, "๔๒")] == [somsri.id]
    assert [m.id for m in ledger_day.find_members(session, fund.id, "เลขสมาชิก 00042")] == [somsri.id]
    assert {m.first_name for m in ledger_day.find_members(session, fund.id, "มีสุข")} == {"สมศรี", "สมหญิง"}
    assert {m.first_name for m in ledger_day.find_members(session, fund.id, "สม มีสุข")} == {"สมศรี", "สมหญิง"}
    assert ledger_day.find_members(session, fund.id, "43") == []  # resigned
    assert ledger_day.find_members(session, fund.id, "44") == []  # another fund's


def test_the_days_entries_count_the_net_and_mark_reversals(session):
    fund = make_fund(session)
    member = make_member(session, fund, joined_on=date(2026, 1, 1))
    first = record_payment(session, member, Decimal(60), paid_on=AT.date(), actor="chat:999", at=AT)
    record_payment(session, member, Decimal(30), paid_on=date(2026, 11, 28), actor="cli", at=AT)
    reversals.reverse(session, first.id, reason="wrong", actor="chat:999", at=AT)
    day = ledger_day.day_entries(session, fund.id, AT.date(), page=0, size=8)
    assert (day.count, day.total) == (2, Decimal(0))
    reversal, original = day.entries  # the latest written first
    assert original.reversed_by == reversal.payment.id and not original.reversible
    assert not reversal.reversible and reversal.recorder is None and not reversal.imported
    before = ledger_day.day_entries(session, fund.id, date(2026, 11, 28), page=0, size=8)
    assert before.count == 1 and before.entries[0].imported and before.entries[0].reversible
