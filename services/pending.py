"""Links waiting for a committee member: listed, confirmed or rejected (the `kongtun links` commands).

A chat waits when its national ID and birth date matched a member who has no phone on file to check
(an application with an ID already on a roster is an application of its own, never a link). Until
confirmed it sees nothing of the member. The committee is shown how many failed attempts that ID had
lately, and a link is not confirmed while the ID is locked (someone is guessing); a committee member
who has seen the member in person may end the lock (`unlock`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.thai import mask_national_id
from locales import translate
from messaging.values import Text
from models import ChatAccount, Fund, LinkLock, Member, audit
from services import outbox
from services.errors import Locked, NotFound
from services.linking import FAILURE_WINDOW, failures_since, link, locked_until


@dataclass(frozen=True)
class PendingLink:
    """What a committee member needs to decide, masked: never a full ID or phone."""

    chat_account_id: int
    channel: str
    since: datetime | None
    fund: str
    member_no: str
    name: str  # first name and the initial of the last name
    national_id: str  # masked, last four digits only
    failures: int = 0  # failed attempts at this ID within FAILURE_WINDOW, from any chat
    locked_until: datetime | None = None


def _masked_name(member: Member) -> str:
    return f"{member.first_name} {member.last_name[:1]}." if member.last_name else member.first_name


def pending_links(session: Session, fund_code: str | None = None, *, at: datetime | None = None
                  ) -> list[PendingLink]:
    at = at or datetime.now(UTC)
    query = (select(ChatAccount, Member, Fund)
             .join(Member, Member.id == ChatAccount.pending_member_id)
             .join(Fund, Fund.id == Member.fund_id)
             .order_by(ChatAccount.pending_since, ChatAccount.id))
    if fund_code is not None:
        query = query.where(Fund.code == fund_code)
    return [PendingLink(account.id, account.channel, account.pending_since, fund.code,
                        member.member_no or "-", _masked_name(member),
                        mask_national_id(member.national_id_last4),
                        failures_since(session, member.national_id_hash, at),
                        locked_until(session, member.national_id_hash, at))
            for account, member, fund in session.execute(query).all()]


def _pending(session: Session, chat_account_id: int) -> tuple[ChatAccount, Member]:
    account = session.get(ChatAccount, chat_account_id)
    if account is None or account.pending_member is None:
        raise NotFound(f"no link waiting for chat account {chat_account_id}")
    return account, account.pending_member


def confirm_link(session: Session, chat_account_id: int, *, actor: str, at: datetime) -> Member:
    """Link the chat to the member it asked for (moving the link from the member's other chat on the
    same channel, which is told); the chat is told too. Refused (`Locked`) while the ID is locked."""
    account, member = _pending(session, chat_account_id)
    if (until := locked_until(session, member.national_id_hash, at)) is not None:
        hours = int(FAILURE_WINDOW.total_seconds() // 3600)
        raise Locked(f"linking to member {member.member_no or '-'} is locked until "
                     f"{until:%Y-%m-%d %H:%M} UTC: "
                     f"{failures_since(session, member.national_id_hash, at)} failed attempts at this ID "
                     f"in the last {hours} h. Someone may be guessing: check with the member in person, "
                     "and confirm after the lock ends (or end it: kongtun links unlock)")
    link(session, account, member, consent_at=account.consent_at or at, actor=actor, at=at, via="committee")
    outbox.enqueue(session, key=f"link-confirmed:{account.id}:{int(at.timestamp())}", channel=account.channel,
                   user_id=account.external_user_id, member_id=member.id, replies=[Text(translate(
                       account.locale, "link.notice_confirmed", name=member.full_name,
                       fund=member.fund.name(account.locale)))])
    return member


def unlock(session: Session, fund_code: str, member_no: str, *, actor: str, at: datetime) -> Member:
    """End the lock on a member's ID now, after a committee member has seen the member in person: a
    stranger guessing can otherwise keep a member locked out. The count of tries starts afresh."""
    member = session.scalar(select(Member).join(Fund, Fund.id == Member.fund_id).where(
        Fund.code == fund_code, Member.member_no == member_no))
    if member is None:
        raise NotFound(f"no member {member_no} in fund {fund_code}")
    lock = session.get(LinkLock, member.national_id_hash)
    if lock is None or locked_until(session, member.national_id_hash, at) is None:
        raise NotFound(f"linking to member {member_no} of {fund_code} is not locked")
    lock.locked_until = at  # a lock that ended starts the count afresh from its end
    audit(session, actor, "member.link_unlocked", "member", member.id, fund=fund_code,
          failures=failures_since(session, member.national_id_hash, at))
    return member


def reject_link(session: Session, chat_account_id: int, *, actor: str, at: datetime) -> Member:
    """The chat is not linked; it is told to contact the committee, and may try again."""
    account, member = _pending(session, chat_account_id)
    account.pending_member_id = None
    account.pending_member = None
    account.pending_since = None
    account.consent_at = account.consent_version = None
    audit(session, actor, "member.link_rejected", "member", member.id, channel=account.channel,
          chat_account=account.id)
    outbox.enqueue(session, key=f"link-rejected:{account.id}:{int(at.timestamp())}", channel=account.channel,
                   user_id=account.external_user_id, replies=[Text(translate(account.locale,
                                                                             "link.notice_rejected"))])
    return member
