"""Waiting messages withdrawn when what they were about is gone: a chat that is no longer the
member's (data deleted, link moved), and the dispatcher's safety net for any other path."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from messaging.values import Text
from models import ChatAccount, Member, OutboxMessage
from scheduler import claim
from services import accounts, linking, outbox
from tests.factories import make_fund, make_member
from tests.jobs_fixtures import JOINED, at, member_with_chat

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def _write(session, key: str, chat: ChatAccount, member_id: int | None, kind: str = "lapse_warning",
           status: str = outbox.PENDING) -> None:
    outbox.enqueue(session, key=key, channel=chat.channel, user_id=chat.external_user_id,
                   replies=[Text("ค้างเงินสัจจะ 2 เดือนค่ะ")], member_id=member_id, kind=kind, status=status)


def _rows(Session) -> dict[str, tuple[str, str | None]]:
    with Session() as s:
        return {r.key: (r.status, r.last_error) for r in s.scalars(select(OutboxMessage))}


def _member_and_chat(Session) -> tuple[int, int]:
    with Session() as s, s.begin():
        member = member_with_chat(s, make_fund(s), joined_on=JOINED)
        chat = s.scalar(select(ChatAccount).where(ChatAccount.member_id == member.id))
        _write(s, "lapse", chat, member.id)
        _write(s, "held", chat, member.id, kind="dues_reminder", status=outbox.HELD)
        _write(s, "answer", chat, None, kind="answer")  # to the chat, not about the member
        _write(s, "sent", chat, member.id, status=outbox.SENT)
        return member.id, chat.id


def test_deleting_the_chats_data_withdraws_the_members_waiting_messages_to_it(jobs_db):
    _, chat_id = _member_and_chat(jobs_db)
    with jobs_db() as s, s.begin():
        accounts.forget_chat(s, s.get(ChatAccount, chat_id), actor="chat", at=at(2026, 12, 2, 10))
    rows = _rows(jobs_db)
    assert rows["lapse"] == rows["held"] == ("expired", "chat data deleted")
    assert rows["answer"] == ("pending", None) and rows["sent"][0] == "sent"


def test_a_link_moved_to_another_chat_withdraws_what_waited_for_the_old_one(jobs_db):
    member_id, old_id = _member_and_chat(jobs_db)
    with jobs_db() as s, s.begin():
        new = ChatAccount(channel="line", external_user_id="line-new-phone", locale="th")
        s.add(new)
        s.flush()
        linking.attach(s, new, s.get(Member, member_id), actor="chat", at=at(2026, 12, 2, 10))
    rows = _rows(jobs_db)
    assert rows["lapse"] == rows["held"] == ("expired", "link moved to another chat")
    assert rows["answer"] == ("pending", None)
    moved = [key for key in rows if key.startswith(f"link-moved:{old_id}:")]
    assert len(moved) == 1 and rows[moved[0]] == ("pending", None)  # the old chat is still told


def test_the_dispatcher_never_sends_a_members_message_to_a_chat_no_longer_theirs(jobs_db):
    member_id, chat_id = _member_and_chat(jobs_db)
    with jobs_db() as s, s.begin():
        other = make_member(s, make_fund(s, "KATHU"), joined_on=JOINED)
        # Unlinked by a path that withdrew nothing, and the chat's user now linked to someone else.
        chat = s.get(ChatAccount, chat_id)
        chat.member_id = None
        s.flush()
        chat.member_id = other.id
    with jobs_db() as s:
        assert claim.expire(s, NOW) == 2
    rows = _rows(jobs_db)
    assert rows["lapse"] == rows["held"] == ("expired", "chat no longer linked")
    assert rows["answer"] == ("pending", None) and rows["sent"][0] == "sent"


def test_a_linked_members_messages_are_left_to_go(jobs_db):
    _member_and_chat(jobs_db)
    with jobs_db() as s:
        assert claim.expire(s, NOW) == 0
    assert _rows(jobs_db)["lapse"] == ("pending", None)
