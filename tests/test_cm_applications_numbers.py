"""The service behind the applications tool: the next member number, approvals racing for one,
and decisions that find the application decided already."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from models import ChatAccount, Member, MemberStatus, OutboxMessage, make_sessionmaker
from services import applications
from services.applications import AlreadyDecided, DuplicateApplication
from tests.factories import make_fund, make_member, valid_national_id

TODAY = date(2026, 12, 2)


def _application(session, fund, first_name: str = "สมหญิง", national_id: str | None = None) -> Member:
    member = make_member(session, fund, first_name=first_name, status=MemberStatus.PENDING,
                         national_id=national_id, joined_on=date(2026, 11, 29))
    member.member_no = None
    session.add(ChatAccount(channel="telegram", external_user_id=f"tg-{member.id}", member_id=member.id,
                            locale="th"))
    session.flush()
    return member


@pytest.mark.parametrize(("numbers", "expected"), [
    ((), "00001"),
    (("00017", "00124", "00009"), "00125"),
    (("7", "12"), "13"),
    (("0999",), "1000"),
    (("00001", "00002", "0041"), "0042"),  # the width of the latest numbers
    (("A-17", "00003", "x"), "00004"),  # what is not a number is not counted
])
def test_the_next_number_is_the_largest_plus_one_as_wide(session, numbers, expected):
    fund, other = make_fund(session), make_fund(session, "KAMALA")
    make_member(session, other, member_no="99999")  # another fund's numbers do not count
    for number in numbers:
        make_member(session, fund, member_no=number)
    assert applications.next_member_no(session, fund.id) == expected


def test_a_number_taken_meanwhile_is_skipped(session, monkeypatch):
    fund = make_fund(session)
    make_member(session, fund, member_no="00124")
    member = _application(session, fund)
    real = applications.next_member_no
    offered = iter(["00124"])  # as if computed before another approval took it
    monkeypatch.setattr(applications, "next_member_no", lambda s, f: next(offered, None) or real(s, f))
    assert applications.approve(session, member, actor="chat:1", today=TODAY) == "00125"
    assert (member.status, member.member_no, member.joined_on) == (MemberStatus.ACTIVE, "00125", TODAY)
    session.commit()


def test_deciding_a_decided_application_raises_and_changes_nothing(session):
    fund = make_fund(session)
    member = _application(session, fund)
    applications.reject(session, member, "details", actor="chat:1")
    with pytest.raises(AlreadyDecided):
        applications.approve(session, member, actor="chat:2", today=TODAY)
    with pytest.raises(AlreadyDecided):
        applications.reject(session, member, "area", actor="chat:2")
    assert (member.status, member.member_no) == (MemberStatus.REJECTED, None)
    chat = session.scalar(select(ChatAccount).where(ChatAccount.external_user_id == f"tg-{member.id}"))
    assert chat.member_id is None
    with pytest.raises(ValueError):
        applications.reject(session, _application(session, fund, "ชูใจ"), "because", actor="chat:1")


def test_a_duplicate_cannot_be_approved_even_by_the_service(session):
    fund = make_fund(session)
    national_id = valid_national_id(777)
    original = make_member(session, fund, national_id=national_id, member_no="00017")
    twice = _application(session, fund, national_id=national_id)
    with pytest.raises(DuplicateApplication) as refused:
        applications.approve(session, twice, actor="chat:1", today=TODAY)
    assert refused.value.existing.id == original.id and twice.status == MemberStatus.PENDING


def test_the_applicant_is_told_once_per_chat_in_its_language(session):
    fund = make_fund(session)
    member = _application(session, fund)
    session.add(ChatAccount(channel="line", external_user_id="U-line", member_id=member.id, locale="en"))
    session.flush()
    applications.approve(session, member, actor="chat:1", today=TODAY)
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.channel)).all()
    assert [(r.channel, r.member_id) for r in rows] == [("line", member.id), ("telegram", member.id)]
    assert "Your member number is 00" in rows[0].payload[0]["text"]
    assert "เลขสมาชิกของท่านคือ 00" in rows[1].payload[0]["text"]


def test_two_approvals_at_the_same_moment_get_distinct_numbers(engine, clean_db):
    """Two committee members, two transactions: the second waits on the unique number the first
    holds, then takes the next one. PostgreSQL only (SQLite takes one writer at a time anyway)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent writers (TEST_DATABASE_URL=postgresql+psycopg://...)")
    Session = make_sessionmaker(engine)
    with Session() as s, s.begin():
        fund = make_fund(s)
        make_member(s, fund, member_no="00124")
        first_id, second_id = _application(s, fund).id, _application(s, fund, "มานพ").id
    first, second = Session(), Session()
    numbers: dict[str, str] = {}
    try:
        numbers["first"] = applications.approve(first, first.get(Member, first_id), actor="chat:1",
                                                today=TODAY)

        def other() -> None:
            numbers["second"] = applications.approve(second, second.get(Member, second_id), actor="chat:2",
                                                     today=TODAY)
            second.commit()

        racer = threading.Thread(target=other)
        racer.start()
        racer.join(timeout=1)  # blocked on the number the first transaction holds
        assert racer.is_alive()
        first.commit()
        racer.join(timeout=10)
        assert not racer.is_alive()
    finally:
        first.close()
        second.close()
    assert numbers == {"first": "00125", "second": "00126"}
