"""Chat accounts: one person on one channel. Creating them, reachability, language, forgetting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import AuditLog, Beneficiary, ChatAccount, DialogState, LinkFailure, Member, MemberStatus, audit
from models.chat import OutboxMessage
from services import outbox

LANGUAGES = ("th", "en")


def chat_actor(account: ChatAccount) -> str:
    return f"chat:{account.id}"


def find_account(session: Session, channel: str, user_id: str) -> ChatAccount | None:
    return session.scalar(select(ChatAccount).where(
        ChatAccount.channel == channel, ChatAccount.external_user_id == user_id))


def get_or_create_account(session: Session, channel: str, user_id: str) -> ChatAccount:
    account = find_account(session, channel, user_id)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            account = ChatAccount(channel=channel, external_user_id=user_id, locale="th")
            session.add(account)
        return account
    except IntegrityError:  # created by a concurrent event from the same user
        found = find_account(session, channel, user_id)
        assert found is not None
        return found


def set_reachable(session: Session, channel: str, user_id: str, reachable: bool, *, at: datetime) -> None:
    """The person blocked (False) or unblocked (True) the bot. Idempotent: a redelivery is harmless."""
    account = get_or_create_account(session, channel, user_id)
    if reachable:
        account.unreachable_at = None
    elif account.unreachable_at is None:
        account.unreachable_at = at


def is_reachable(session: Session, channel: str, user_id: str) -> bool:
    unreachable = session.scalar(select(ChatAccount.unreachable_at).where(
        ChatAccount.channel == channel, ChatAccount.external_user_id == user_id))
    return unreachable is None


def set_language(session: Session, account: ChatAccount, locale: str, *, actor: str) -> None:
    """The chat's language, and the member's for messages pushed to them on any channel."""
    if locale not in LANGUAGES:
        raise ValueError(f"not a language: {locale!r}")
    if account.locale == locale and (account.member is None or account.member.preferred_language == locale):
        return
    account.locale = locale
    if account.member is not None:
        account.member.preferred_language = locale
    session.flush()  # a new account needs its id for the audit row
    audit(session, actor, "chat.language", "chat_account", account.id, channel=account.channel,
          language=locale)


def created_application(session: Session, account: ChatAccount, member: Member) -> bool:
    """Whether this chat sent the application of `member` (the audit row of the application)."""
    found = session.scalar(select(AuditLog.id).where(
        AuditLog.action == "member.apply", AuditLog.entity == "member",
        AuditLog.entity_id == str(member.id), AuditLog.actor == chat_actor(account)).limit(1))
    return found is not None


def application_goes_with_chat(session: Session, account: ChatAccount) -> bool:
    """Whether deleting this chat's data deletes an application too: one the committee has not
    approved, that this chat sent, and that no other chat is linked to."""
    member: Member | None = account.member
    if member is None or member.status != MemberStatus.PENDING:
        return False
    if not created_application(session, account, member):
        return False
    others = session.scalar(select(ChatAccount.id).where(
        ChatAccount.member_id == member.id, ChatAccount.id != account.id))
    return others is None


def failed_link_count(session: Session, account: ChatAccount) -> int:
    """The failed link attempts recorded against this chat (they stay, without it, when it is deleted)."""
    return session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.chat_account_id == account.id)) or 0


def forget_chat(session: Session, account: ChatAccount, *, actor: str, at: datetime) -> bool:
    """Delete this chat's data: the account and its dialog, and an application the committee never
    approved if this chat sent it and no other chat is linked to it. The fund's own records stay,
    and so do the failed link attempts (counted per target ID; they lose only the chat's id). True
    when an application was removed."""
    member: Member | None = account.member
    member_id = member.id if member is not None else None
    removed_application = False
    if member_id is not None:
        withdraw_chat(session, account, member_id, reason="chat data deleted")
    if member is not None and application_goes_with_chat(session, account):
        # An application nobody approved yet is not a fund record: it goes with the chat.
        account.member_id = None
        session.flush()
        session.execute(delete(Beneficiary).where(Beneficiary.member_id == member.id))
        session.delete(member)
        removed_application = True
    session.execute(delete(DialogState).where(
        DialogState.channel == account.channel, DialogState.external_user_id == account.external_user_id))
    session.execute(update(LinkFailure).where(LinkFailure.chat_account_id == account.id)
                    .values(chat_account_id=None))
    audit(session, actor, "chat.delete", "chat_account", account.id, channel=account.channel,
          member_id=member_id, application_removed=removed_application)
    session.delete(account)
    return removed_application


def withdraw_chat(session: Session, account: ChatAccount, member_id: int, *, reason: str) -> int:
    """The member's waiting messages to this chat are withdrawn: the chat is no longer theirs (its
    data deleted, or the link moved to another chat), and a reminder naming what they owe must not
    reach whoever has it now. Rows addressed to no member (answers, notices to the chat) stay."""
    return outbox.withdraw(session, OutboxMessage.channel == account.channel,
                           OutboxMessage.external_user_id == account.external_user_id,
                           OutboxMessage.member_id == member_id, reason=reason)


def record_push_fallback(session: Session, channel: str, user_id: str, *, reason: str, event_id: str | None,
                         requests: int, messages: int, delivered: bool) -> None:
    """An answer that had to be pushed (paid for) instead of replied (free): kept for the quota."""
    account_id = session.scalar(select(ChatAccount.id).where(
        ChatAccount.channel == channel, ChatAccount.external_user_id == user_id))
    audit(session, channel, f"{channel}.push_fallback", "chat_account", account_id, reason=reason,
          event_id=event_id, requests=requests, messages=messages, delivered=delivered)
