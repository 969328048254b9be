"""Linking a chat to a member on the roster, as strongly as a fund can manage without SMS.

What a chat must give: the national ID (found by its keyed hash), the birth date and, where the roster
holds one, the phone number on file (compared, never shown). A member with no phone on file is not
linked by the chat alone: the request waits for a committee member to confirm it (`services.pending`).

Failed attempts are counted three ways:
- per chat (`MAX_LINK_TRIES` then a pause of `LINK_PAUSE`), so a person who mistypes is told kindly;
- per target, by the ID's hash across every chat and channel (`LinkFailure` rows): `MAX_TARGET_FAILURES`
  within `FAILURE_WINDOW` lock linking to that ID for `TARGET_LOCK` on every chat, and the member's
  chats and the fund's committee are told (outbox rows, once per lock). This is what protects: a
  stranger with many chat accounts gets no more guesses than one;
- per channel: beyond `FAILURES_PER_MINUTE` failed attempts in a minute, new attempts on that channel
  answers are not checked at all: they wait (the dialog keeps them) until the failures of the last
  minute are below the ceiling again. Successful links do not count towards the ceiling, but while a
  flood of failures keeps it reached, every answer on that channel waits, a genuine member's too.

An application with an ID already on a roster never reaches the member it names: it is an application
of its own (`services.membership.apply`), counted as a failed attempt on that ID. Such a pending
duplicate is never matched when linking (`find_member`).

Nothing here says whether an ID is on a roster: a lock, a pause and "not found" read the same
whichever it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from domain.thai import phone_national_number
from locales import channel_name, translate
from messaging.values import Text
from models import ChatAccount, LinkFailure, LinkLock, Member, MemberStatus, audit
from services import outbox
from services.accounts import withdraw_chat
from services.notices import when

CONSENT_VERSION = "2026-11"
MAX_LINK_TRIES = 3  # per chat, then a short pause: kind to a person who mistyped
LINK_PAUSE = timedelta(minutes=15)
MAX_TARGET_FAILURES = 5  # per national ID, across all chats and channels...
FAILURE_WINDOW = timedelta(hours=24)  # ...within this window...
TARGET_LOCK = timedelta(hours=6)  # ...lock linking to that ID on every chat for this long
FAILURES_PER_MINUTE = 30  # per channel; beyond it new attempts are not checked for a while
BUSY_WINDOW = timedelta(minutes=1)


class Outcome(StrEnum):
    LINKED = "linked"
    ASK_PHONE = "ask_phone"  # go on to the phone step (whether or not anything matched so far)
    WAITING = "waiting"  # ID, birth date matched a member with no phone on file: the committee confirms
    NOT_FOUND = "not_found"
    PAUSED = "paused"  # this chat tried too often: a short pause
    LOCKED = "locked"  # linking to this ID is locked on every chat
    BUSY = "busy"  # too many failed attempts on the channel just now: not checked


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    member: Member | None = None
    until: datetime | None = None


# When one person is on several rosters (moved funds), link the membership that matters most.
_STATUS_PREFERENCE = {
    MemberStatus.ACTIVE: 0,
    MemberStatus.PENDING: 1,
    MemberStatus.LAPSED: 2,
    MemberStatus.RESIGNED: 3,
}


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def is_duplicate(member: Member, records: list[Member]) -> bool:
    """A pending application made with an ID that an earlier record already had (`records`: every
    record with that ID): what its applicant typed, never a way to reach the earlier record."""
    return member.status == MemberStatus.PENDING and any(
        other.id < member.id for other in records if other.national_id_hash == member.national_id_hash)


def pending_duplicate():
    """`is_duplicate` as an SQL condition on `Member`."""
    earlier = aliased(Member)
    return and_(Member.status == MemberStatus.PENDING, exists().where(
        earlier.national_id_hash == Member.national_id_hash, earlier.id < Member.id,
        earlier.status != MemberStatus.REJECTED))


def find_member(session: Session, id_hash: str, born: date) -> Member | None:
    """The record a chat with this ID and birth date links to; never a pending duplicate."""
    records = on_roster(session, id_hash)
    candidates = [m for m in records if m.birth_date == born and m.status in _STATUS_PREFERENCE
                  and not is_duplicate(m, records)]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (_STATUS_PREFERENCE[m.status], m.id))


def on_roster(session: Session, id_hash: str) -> list[Member]:
    """Every roster record with this ID, the one that matters most first. An application the
    committee rejected is on no roster: its applicant may apply again without being a duplicate."""
    members = session.scalars(select(Member).where(
        Member.national_id_hash == id_hash, Member.status != MemberStatus.REJECTED)).all()
    return sorted(members, key=lambda m: (_STATUS_PREFERENCE.get(m.status, 9), m.id))


# --- what stops an attempt before anything is checked ----------------------------------------------

def chat_paused_until(account: ChatAccount, at: datetime) -> datetime | None:
    """Until when linking is paused for this chat; an expired pause starts the count afresh."""
    if account.link_locked_until is None:
        return None
    until = _aware(account.link_locked_until)
    if at < until:
        return until
    account.link_locked_until = None
    account.failed_link_attempts = 0
    return None


def locked_until(session: Session, id_hash: str, at: datetime) -> datetime | None:
    """Until when linking to this ID is locked, on every chat and channel."""
    lock = session.get(LinkLock, id_hash)
    if lock is None or _aware(lock.locked_until) <= at:
        return None
    return _aware(lock.locked_until)


def channel_busy(session: Session, channel: str, at: datetime) -> bool:
    """Too many failed attempts on this channel in the last minute (someone is guessing)."""
    recent = session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.channel == channel, LinkFailure.at > at - BUSY_WINDOW))
    return (recent or 0) >= FAILURES_PER_MINUTE


def blocked(session: Session, account: ChatAccount, id_hash: str | None, at: datetime) -> Attempt | None:
    """Why an attempt may not go on now (paused chat, locked ID), or None."""
    if (until := chat_paused_until(account, at)) is not None:
        return Attempt(Outcome.PAUSED, until=until)
    if id_hash is not None and (until := locked_until(session, id_hash, at)) is not None:
        return Attempt(Outcome.LOCKED, until=until)
    return None


def tries_left(account: ChatAccount) -> int:
    return max(MAX_LINK_TRIES - (account.failed_link_attempts or 0), 0)


# --- the steps: birth date, then phone ----------------------------------------------------------------

def check_birth(session: Session, account: ChatAccount, *, id_hash: str, birth_date: date,
                consent_at: datetime, actor: str, at: datetime) -> Attempt:
    """After the birth date. A mismatch is counted here but not told: the phone is asked whatever
    matched (a member with no phone on file too), so the answer never says whether the birth date
    was right nor whether the roster holds a phone. What follows is decided at `check_phone`."""
    if (stop := blocked(session, account, id_hash, at)) is not None:
        return stop
    if channel_busy(session, account.channel, at):
        return Attempt(Outcome.BUSY)
    if find_member(session, id_hash, birth_date) is None:
        record_failure(session, account, id_hash, actor=actor, at=at)
    return Attempt(Outcome.ASK_PHONE)


def check_phone(session: Session, account: ChatAccount, *, id_hash: str, birth_date: date, phone: str,
                consent_at: datetime, actor: str, at: datetime) -> Attempt:
    """The last step: the ID, birth date and phone together. A wrong phone is a failed attempt.
    Every answer here is the same whether the birth date matched or not (a busy channel first: were
    it asked after the birth date, "busy" would tell a right birth date from a wrong one)."""
    if channel_busy(session, account.channel, at):
        return Attempt(Outcome.BUSY)
    member = find_member(session, id_hash, birth_date)
    if member is None:  # the birth date did not match: counted at that step already
        return _after_failure(session, account, id_hash, at)
    if (stop := blocked(session, account, id_hash, at)) is not None:
        return stop
    if not member.phone:  # no phone on file to compare: the committee confirms; the typed one is not kept
        request_confirmation(session, account, member, consent_at=consent_at, actor=actor, at=at)
        return Attempt(Outcome.WAITING, member=member)
    if phone_key(phone) != phone_key(member.phone):
        record_failure(session, account, id_hash, actor=actor, at=at)
        return _after_failure(session, account, id_hash, at)
    link(session, account, member, consent_at=consent_at, actor=actor, at=at)
    return Attempt(Outcome.LINKED, member=member)


def _after_failure(session: Session, account: ChatAccount, id_hash: str, at: datetime) -> Attempt:
    if (until := locked_until(session, id_hash, at)) is not None:
        return Attempt(Outcome.LOCKED, until=until)
    if (until := chat_paused_until(account, at)) is not None:
        return Attempt(Outcome.PAUSED, until=until)
    return Attempt(Outcome.NOT_FOUND)


def attach(session: Session, account: ChatAccount, member: Member, *, actor: str, at: datetime) -> None:
    """One chat per channel per member: the link moves from the chat that had it, which is told."""
    for previous in session.scalars(select(ChatAccount).where(
            ChatAccount.channel == account.channel, ChatAccount.member_id == member.id,
            ChatAccount.id != account.id)).all():
        previous.member_id = None
        previous.member = None
        previous.consent_at = previous.consent_version = None  # that link's consent ended with it
        session.flush()
        withdraw_chat(session, previous, member.id, reason="link moved to another chat")
        tell_link_moved(session, previous, account, member, actor=actor, at=at)
    session.flush()
    account.member = member
    account.member_id = member.id
    account.linked_at = at
    account.failed_link_attempts = 0
    account.link_locked_until = None


def request_confirmation(session: Session, account: ChatAccount, member: Member, *, consent_at: datetime,
                         actor: str, at: datetime) -> None:
    """Not linked yet: the ID and birth date matched a member with no phone on file, so the chat
    waits for a committee member to confirm (`kongtun links confirm`)."""
    session.flush()
    account.pending_member_id = member.id
    account.pending_since = at
    account.consent_at = consent_at
    account.consent_version = CONSENT_VERSION
    session.flush()
    audit(session, actor, "member.link_requested", "member", member.id, channel=account.channel,
          chat_account=account.id, fund=member.fund.code, via="link")
    key = f"link-pending:{account.id}:{int(at.timestamp())}"
    outbox.notify_committee(session, member.fund_id, key=key, compose=lambda loc: [Text(translate(
        loc, "link.notice_pending_link", channel=channel_name(loc, account.channel), name=member.full_name,
        member_no=member.member_no or "-", fund=member.fund.name(loc), chat=account.id))])


def link(session: Session, account: ChatAccount, member: Member, *, consent_at: datetime, actor: str,
         at: datetime, via: str = "chat") -> None:
    """Link the chat, with the consent this link was given (the member's other chats keep theirs)."""
    attach(session, account, member, actor=actor, at=at)
    account.consent_at = consent_at
    account.consent_version = CONSENT_VERSION
    account.pending_member_id = None
    account.pending_member = None
    account.pending_since = None
    member.preferred_language = account.locale
    audit(session, actor, "member.link", "member", member.id, channel=account.channel,
          fund=member.fund.code, consent_version=CONSENT_VERSION, via=via)


# --- phone numbers ----------------------------------------------------------------------------------

def phone_key(text: str) -> str | None:
    """A Thai phone number as its national significant digits (812345678), whatever way it was
    typed or stored (+66 81..., 081-..., 66 (0)81..., full-width or Thai digits), read by
    `phonenumbers`; None when it is not a Thai number at all."""
    return phone_national_number(text)


# --- counting failures and locking --------------------------------------------------------------

def failures_since(session: Session, id_hash: str, at: datetime) -> int:
    """Failed attempts at this ID within `FAILURE_WINDOW` before `at`, across every chat."""
    return session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.id_hash == id_hash, LinkFailure.at > at - FAILURE_WINDOW)) or 0


def record_failure(session: Session, account: ChatAccount, id_hash: str, *, actor: str,
                   at: datetime) -> None:
    """One failed attempt: counted for this chat, for the target ID and for the channel."""
    session.flush()  # a new chat account needs its id
    session.add(LinkFailure(channel=account.channel, id_hash=id_hash, chat_account_id=account.id, at=at))
    account.failed_link_attempts = (account.failed_link_attempts or 0) + 1
    tries = account.failed_link_attempts
    audit(session, actor, "member.link_failed", "chat_account", account.id,
          channel=account.channel, attempt=tries)
    if tries >= MAX_LINK_TRIES and chat_paused_until(account, at) is None:
        account.link_locked_until = at + LINK_PAUSE
        audit(session, actor, "member.link_paused", "chat_account", account.id,
              channel=account.channel, minutes=int(LINK_PAUSE.total_seconds() // 60))
    session.flush()
    _lock_if_too_many(session, id_hash, actor=actor, at=at)


def _lock_if_too_many(session: Session, id_hash: str, *, actor: str, at: datetime) -> None:
    lock = session.get(LinkLock, id_hash)
    since = at - FAILURE_WINDOW
    if lock is not None:
        if _aware(lock.locked_until) > at:
            return  # locked already
        since = max(since, _aware(lock.locked_until))  # a lock that ended starts the count afresh
    failures = session.scalar(select(func.count()).select_from(LinkFailure).where(
        LinkFailure.id_hash == id_hash, LinkFailure.at > since)) or 0
    if failures < MAX_TARGET_FAILURES:
        return
    until = at + TARGET_LOCK
    if lock is None:
        try:
            with session.begin_nested():
                session.add(LinkLock(id_hash=id_hash, locked_at=at, locked_until=until, failures=failures))
        except IntegrityError:  # another worker locked it just now, and told everyone
            return
    else:
        lock.locked_at, lock.locked_until, lock.failures = at, until, failures
    _tell_about_lock(session, id_hash, failures=failures, actor=actor, at=at, until=until)


def _tell_about_lock(session: Session, id_hash: str, *, failures: int, actor: str, at: datetime,
                     until: datetime) -> None:
    """The member's chats and the fund's committee, once per lock. The ID itself is never written."""
    hours = int(TARGET_LOCK.total_seconds() // 3600)
    records = on_roster(session, id_hash)
    # Not an application made with this ID when a record had it already: its chat is the applicant's.
    members = sorted((m for m in records if not is_duplicate(m, records)), key=lambda m: m.id)
    if not members:  # an ID on no roster: nobody to tell, but the attempt is on record
        audit(session, actor, "link.locked", None, None, failures=failures, hours=hours)
        return
    stamp = int(at.timestamp())
    for member in members:
        key = f"link-locked:{member.id}:{stamp}"
        outbox.notify_member(session, member, key=key, compose=lambda loc: [Text(translate(
            loc, "link.notice_locked_member", when=when(loc, until, at)))])

        def to_committee(loc: str, m: Member = member) -> list[Text]:
            return [Text(translate(loc, "link.notice_locked_committee", name=m.full_name,
                                   member_no=m.member_no or "-", fund=m.fund.name(loc), count=failures,
                                   when=when(loc, until, at), fund_code=m.fund.code))]

        outbox.notify_committee(session, member.fund_id, key=f"{key}:committee", compose=to_committee)
        audit(session, actor, "member.link_locked", "member", member.id, fund=member.fund.code,
              failures=failures, hours=hours)


def tell_link_moved(session: Session, previous: ChatAccount, account: ChatAccount, member: Member, *,
                    actor: str, at: datetime) -> None:
    """The chat that lost the link is told, in its language; the move is audited."""
    outbox.enqueue(session, key=f"link-moved:{previous.id}:{account.id}:{int(at.timestamp())}",
                   channel=previous.channel, user_id=previous.external_user_id,
                   replies=[Text(translate(previous.locale, "link.notice_moved",
                                           channel=channel_name(previous.locale, account.channel)))])
    audit(session, actor, "member.link_moved", "member", member.id, channel=account.channel,
          from_chat=previous.id, to_chat=account.id)
