"""Membership: a chat links itself to a member on the roster, or applies to join a fund.

A link needs the national ID (found by its keyed hash) and the birth date. Failed tries are counted
per chat account; after `MAX_LINK_TRIES` linking pauses for `LINK_PAUSE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import ChatAccount, Fund, Member, MemberStatus, audit
from services.errors import AlreadyOnRoster, NotFound

CONSENT_VERSION = "2026-11"
MAX_LINK_TRIES = 3
LINK_PAUSE = timedelta(minutes=15)

# When one person is on several rosters (moved funds), link the membership that matters most.
_STATUS_PREFERENCE = {
    MemberStatus.ACTIVE: 0,
    MemberStatus.PENDING: 1,
    MemberStatus.LAPSED: 2,
    MemberStatus.RESIGNED: 3,
}


def is_on_roster(session: Session, id_hash: str) -> bool:
    query = select(Member.id).where(Member.national_id_hash == id_hash).limit(1)
    return session.scalar(query) is not None


def link_paused_until(account: ChatAccount, at: datetime) -> datetime | None:
    """Until when linking is paused for this chat; an expired pause starts the count afresh."""
    until = account.link_locked_until
    if until is None:
        return None
    if until.tzinfo is None:  # SQLite hands back naive UTC
        until = until.replace(tzinfo=UTC)
    if at < until:
        return until
    account.link_locked_until = None
    account.failed_link_attempts = 0
    return None


def _find_member(session: Session, id_hash: str, born: date) -> Member | None:
    members = session.scalars(
        select(Member).where(Member.national_id_hash == id_hash, Member.birth_date == born)).all()
    candidates = [m for m in members if m.status in _STATUS_PREFERENCE]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (_STATUS_PREFERENCE[m.status], m.id))


def _attach(session: Session, account: ChatAccount, member: Member, at: datetime) -> None:
    # One chat per channel per member: the link moves from the chat that had it.
    for previous in session.scalars(select(ChatAccount).where(
            ChatAccount.channel == account.channel, ChatAccount.member_id == member.id,
            ChatAccount.id != account.id)):
        previous.member_id = None
        previous.member = None
    session.flush()
    account.member = member
    account.member_id = member.id
    account.linked_at = at
    account.failed_link_attempts = 0
    account.link_locked_until = None


def link_by_identity(session: Session, account: ChatAccount, *, id_hash: str, birth_date: date,
                     consent_at: datetime, actor: str, at: datetime) -> Member | None:
    """Link the chat to the member with this ID and birth date. None when nobody matches: the
    failure is counted and, at the limit, linking pauses (see `link_paused_until`)."""
    if link_paused_until(account, at) is not None:
        raise PermissionError("linking is paused for this chat")
    member = _find_member(session, id_hash, birth_date)
    if member is None:
        _count_failure(session, account, actor=actor, at=at)
        return None
    _attach(session, account, member, at)
    member.preferred_language = account.locale
    member.consent_at = consent_at
    member.consent_version = CONSENT_VERSION
    audit(session, actor, "member.link", "member", member.id,
          channel=account.channel, fund=member.fund.code, consent_version=CONSENT_VERSION)
    return member


def _count_failure(session: Session, account: ChatAccount, *, actor: str, at: datetime) -> None:
    account.failed_link_attempts = (account.failed_link_attempts or 0) + 1
    tries = account.failed_link_attempts
    audit(session, actor, "member.link_failed", "chat_account", account.id,
          channel=account.channel, attempt=tries)
    if tries >= MAX_LINK_TRIES:
        account.link_locked_until = at + LINK_PAUSE
        audit(session, actor, "member.link_paused", "chat_account", account.id,
              channel=account.channel, minutes=int(LINK_PAUSE.total_seconds() // 60))


def tries_left(account: ChatAccount) -> int:
    return max(MAX_LINK_TRIES - (account.failed_link_attempts or 0), 0)


@dataclass(frozen=True)
class Application:
    """What an applicant gave: never the national ID itself, only its keyed hash and last four."""

    fund_id: int
    first_name: str
    last_name: str
    id_hash: str
    id_last4: str
    birth_date: date
    phone: str
    consent_at: datetime


def apply(session: Session, account: ChatAccount, application: Application, *, actor: str,
          at: datetime, today: date) -> Member:
    """A pending member for the committee to review, linked to the chat that applied."""
    fund = session.get(Fund, application.fund_id)
    if fund is None:
        raise NotFound("the fund is no longer there")
    if is_on_roster(session, application.id_hash):  # applied or imported meanwhile
        raise AlreadyOnRoster("this national ID is already on a roster")
    member = Member(
        fund_id=fund.id,
        member_no=None,
        first_name=application.first_name,
        last_name=application.last_name,
        national_id_hash=application.id_hash,
        national_id_last4=application.id_last4,
        birth_date=application.birth_date,
        phone=application.phone,
        joined_on=today,
        status=MemberStatus.PENDING,
        preferred_language=account.locale,
        consent_at=application.consent_at,
        consent_version=CONSENT_VERSION,
    )
    member.fund = fund
    session.add(member)
    session.flush()
    _attach(session, account, member, at)
    audit(session, actor, "member.apply", "member", member.id,
          channel=account.channel, fund=fund.code, consent_version=CONSENT_VERSION)
    return member


def import_roster(session: Session, rows: list[dict[str, Any]], *, actor: str, source: str,
                  funds: list[str]) -> int:
    """Write checked roster rows of a spreadsheet in one statement, with one audit row."""
    if rows:
        session.execute(insert(Member.__table__), rows)
    audit(session, actor, "import.members", "file", source[:40], rows=len(rows), funds=funds)
    return len(rows)
