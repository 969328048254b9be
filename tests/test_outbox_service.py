"""Notices are outbox rows, one per reachable chat, in that chat's language, written once per key."""

from __future__ import annotations

from sqlalchemy import select

from messaging.values import Text
from models import ChatAccount, CommitteeRole, OutboxMessage, utcnow
from services import outbox
from tests.factories import make_fund, make_member


def _chat(session, member, channel, user, locale="th", unreachable=False):
    account = ChatAccount(channel=channel, external_user_id=user, member_id=member.id, locale=locale)
    if unreachable:
        account.unreachable_at = utcnow()
    session.add(account)
    session.flush()
    return account


def _compose(locale):
    return [Text("สวัสดีค่ะ" if locale == "th" else "Hello")]


def test_a_notice_goes_to_each_reachable_chat_in_its_language_and_only_once(session):
    fund = make_fund(session)
    member = make_member(session, fund)
    _chat(session, member, "line", "U1", "th")
    _chat(session, member, "telegram", "42", "en")
    _chat(session, member, "simulator", "s1", unreachable=True)
    assert outbox.notify_member(session, member, key="test:1", compose=_compose) == 2
    assert outbox.notify_member(session, member, key="test:1", compose=_compose) == 0
    rows = {r.channel: r for r in session.scalars(select(OutboxMessage))}
    assert set(rows) == {"line", "telegram"}
    assert rows["line"].payload[0]["text"] == "สวัสดีค่ะ"
    assert rows["telegram"].payload[0]["text"] == "Hello"
    assert rows["line"].member_id == member.id and rows["line"].kind == "notice"


def test_the_committee_of_a_fund_and_the_network_admins_are_told(session):
    fund, other = make_fund(session), make_fund(session, "KAMALA")
    committee, admin, outsider = (make_member(session, f) for f in (fund, other, other))
    session.add_all([CommitteeRole(member_id=committee.id, fund_id=fund.id, role="committee"),
                     CommitteeRole(member_id=admin.id, fund_id=other.id, role="admin"),
                     CommitteeRole(member_id=outsider.id, fund_id=other.id, role="committee")])
    for i, m in enumerate((committee, admin, outsider)):
        _chat(session, m, "line", f"U{i}")
    assert outbox.notify_committee(session, fund.id, key="lock:x", compose=_compose) == 2
    told = {r.member_id for r in session.scalars(select(OutboxMessage))}
    assert told == {committee.id, admin.id}


def test_an_answer_kept_for_later_carries_its_reason(session):
    assert outbox.enqueue(session, key="answer:line:e1", channel="line", user_id="U9",
                          replies=[Text("x")], kind="answer", reason="reply_and_push_failed")
    row = session.scalar(select(OutboxMessage))
    assert (row.kind, row.last_error, row.status) == ("answer", "reply_and_push_failed", "pending")
