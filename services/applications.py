"""Applications to join a fund, as its committee decides them: approve (the next member number) or
reject with a reason; the applicant is told either way, in the language of their chat.

An application is a `Member` with status PENDING and no member number, linked to the chat that
applied (`services.membership.apply`). A decision is one conditional UPDATE (`status = pending` in
its WHERE), so two committee members deciding the same application at once never both act: the
second finds it decided. The member number is the fund's numeric maximum + 1, computed again at
that moment; the unique (fund_id, member_no) constraint decides between two approvals of two
applications at once, and the loser takes the next number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.thai import format_baht, format_date
from locales import translate
from messaging.values import Text
from models import ChatAccount, Fund, Member, MemberStatus, audit
from services import outbox
from services.accounts import withdraw_chat
from services.errors import NotFound, ServiceError
from services.linking import is_duplicate, on_roster
from services.paying_text import Paying, how_to_pay

PAGE_SIZE = 5
NUMBER_WIDTH = 5  # a fund with no numbers yet starts at 00001
NUMBER_TRIES = 5  # approvals of other applications taking the same number at the same moment
NOTE_MAX = 300  # a reason typed by the committee ("other"), as the applicant is told it
# Why an application is turned down: codes kept in the audit, words in locales (cm_applications.reason_*).
REASONS = ("area", "details", "duplicate", "other")


class AlreadyDecided(ServiceError):
    """The application is no longer pending (decided by someone else meanwhile, or never one)."""

    def __init__(self, member: Member) -> None:
        super().__init__(f"application {member.id} is already decided (now {member.status})")
        self.member = member


class DuplicateApplication(ServiceError):
    """Its national ID is on a roster already: the committee checks the person in person first."""

    def __init__(self, existing: Member) -> None:
        on_file = f"member {existing.member_no or '(pending)'} of {existing.fund.code}"
        super().__init__(f"a duplicate: its national ID is on a roster already ({on_file}); "
                         "check the person in person")
        self.existing = existing


class NumberBusy(ServiceError):
    """No free member number after `NUMBER_TRIES` (approvals racing): try again."""


@dataclass(frozen=True)
class Pending:
    """One application as the committee's list shows it."""

    member: Member
    chats: tuple[ChatAccount, ...]
    duplicate_of: Member | None


def count_pending(session: Session, fund_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Member).where(
        Member.fund_id == fund_id, Member.status == MemberStatus.PENDING)) or 0


def funds_waiting(session: Session) -> list[tuple[Fund, int]]:
    """Every fund with applications waiting, and how many, most first (the network admin's view)."""
    rows = session.execute(select(Fund, func.count(Member.id)).join(Member, Member.fund_id == Fund.id)
                           .where(Member.status == MemberStatus.PENDING).group_by(Fund.id)
                           .order_by(func.count(Member.id).desc(), Fund.code)).all()
    return [(fund, count) for fund, count in rows]


def pending(session: Session, fund_id: int, *, page: int = 0, size: int = PAGE_SIZE) -> list[Pending]:
    """The fund's pending applications, oldest first (an application's joined_on is the day it was
    made until it is approved), one page of them."""
    members = session.scalars(select(Member).where(
        Member.fund_id == fund_id, Member.status == MemberStatus.PENDING)
        .order_by(Member.joined_on, Member.id).offset(max(page, 0) * size).limit(size)).all()
    return [describe(session, m) for m in members]


def describe(session: Session, member: Member) -> Pending:
    return Pending(member, tuple(chats_of(session, member)), duplicate_of(session, member))


def chats_of(session: Session, member: Member) -> list[ChatAccount]:
    return list(session.scalars(select(ChatAccount).where(ChatAccount.member_id == member.id)
                                .order_by(ChatAccount.id)))


def duplicate_of(session: Session, member: Member) -> Member | None:
    """The record already on a roster with this application's ID (the one that matters most)."""
    records = on_roster(session, member.national_id_hash)
    if not is_duplicate(member, records):
        return None
    earlier = [m for m in records if m.id < member.id]
    originals = [m for m in earlier if not is_duplicate(m, records)]
    return (originals or earlier)[0]


def application(session: Session, member_id: int) -> Member:
    """The member an application button names; NotFound when there is none."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no such application")
    return member


def next_member_no(session: Session, fund_id: int) -> str:
    """The fund's largest number + 1, as wide as that number is ("00124" -> "00125"): a fund whose
    numbers changed width keeps the width of its latest ones."""
    numbers = [n for n in session.scalars(select(Member.member_no).where(
        Member.fund_id == fund_id, Member.member_no.is_not(None))) if n and n.isdigit()]
    if not numbers:
        return "1".zfill(NUMBER_WIDTH)
    largest = max(numbers, key=lambda n: (int(n), len(n)))
    return str(int(largest) + 1).zfill(len(largest))


def refuse_duplicate(session: Session, member: Member, existing: Member, *, actor: str) -> None:
    """An approval asked for and refused: the ID is on a roster already (audited, nothing changed)."""
    audit(session, actor, "application.approve_refused", "member", member.id, fund=member.fund.code,
          reason="duplicate", duplicate_of=existing.id)


def _still_pending(session: Session, member: Member) -> None:
    session.refresh(member)
    if member.status != MemberStatus.PENDING:
        raise AlreadyDecided(member)


def approve(session: Session, member: Member, *, actor: str, today: date) -> str:
    """Approve: ACTIVE, the next member number, joined today (the waiting period counts from
    now), audited, and the applicant told. Returns the member number."""
    _still_pending(session, member)
    if (existing := duplicate_of(session, member)) is not None:
        refuse_duplicate(session, member, existing, actor=actor)
        raise DuplicateApplication(existing)
    number = None
    for _ in range(NUMBER_TRIES):
        candidate = next_member_no(session, member.fund_id)
        try:
            with session.begin_nested():
                done = session.execute(
                    update(Member).where(Member.id == member.id, Member.status == MemberStatus.PENDING)
                    .values(status=MemberStatus.ACTIVE, member_no=candidate, joined_on=today),
                    execution_options={"synchronize_session": False}).rowcount
        except IntegrityError:  # another approval took this number just now: take the next one
            continue
        if done != 1:
            session.refresh(member)
            raise AlreadyDecided(member)
        number = candidate
        break
    if number is None:
        raise NumberBusy("no free member number")
    session.refresh(member)
    audit(session, actor, "application.approve", "member", member.id, fund=member.fund.code,
          before={"status": MemberStatus.PENDING.value, "member_no": None},
          after={"status": MemberStatus.ACTIVE.value, "member_no": number})
    _tell_approved(session, member)
    return number


def reject(session: Session, member: Member, reason: str, *, note: str | None = None, actor: str) -> None:
    """Reject: REJECTED, its chats no longer attached (the person may apply again or link to a
    record), audited with the reason's code, and the applicant told why, with whom to contact."""
    if reason not in REASONS:
        raise ValueError(f"not a reason: {reason!r}")
    note = (note or "").strip()[:NOTE_MAX] or None
    _still_pending(session, member)
    done = session.execute(
        update(Member).where(Member.id == member.id, Member.status == MemberStatus.PENDING)
        .values(status=MemberStatus.REJECTED), execution_options={"synchronize_session": False}).rowcount
    session.refresh(member)
    if done != 1:
        raise AlreadyDecided(member)
    chats = chats_of(session, member)
    for account in chats:
        withdraw_chat(session, account, member.id, reason="application rejected")
        account.member_id = None
        account.member = None
        account.consent_at = account.consent_version = None  # the application's consent ends with it
    session.flush()
    audit(session, actor, "application.reject", "member", member.id, fund=member.fund.code, reason=reason,
          note_length=len(note or ""), chats_detached=len(chats),
          before={"status": MemberStatus.PENDING.value}, after={"status": MemberStatus.REJECTED.value})
    _tell_rejected(session, member, chats, reason, note)


# --- what the applicant is told -----------------------------------------------------------------

def payment_info(fund: Fund, locale: str) -> str:
    """The fund's ways to pay, as every arrears answer and reminder shows them."""
    return how_to_pay(Paying.of(fund), locale)


def approved_notice(member: Member, locale: str) -> list[Text]:
    fund = member.fund
    return [Text(translate(
        locale, "cm_applications.notice_approved", name=member.full_name, fund=fund.name(locale),
        member_no=member.member_no, joined=format_date(member.joined_on, locale),
        dues=format_baht(fund.dues_per_month, locale), payment=payment_info(fund, locale),
        waiting=fund.waiting_days))]


def reason_text(locale: str, reason: str, note: str | None) -> str:
    if reason == "other" and note:
        return note
    return translate(locale, f"cm_applications.reason_{reason}")


def rejected_notice(member: Member, locale: str, reason: str, note: str | None) -> list[Text]:
    fund = member.fund
    return [Text(translate(
        locale, "cm_applications.notice_rejected", name=member.full_name, fund=fund.name(locale),
        reason=reason_text(locale, reason, note), district=fund.district(locale),
        payment=payment_info(fund, locale)))]


def _tell_approved(session: Session, member: Member) -> None:
    outbox.notify_member(session, member, key=f"application-approved:{member.id}",
                         compose=lambda loc: approved_notice(member, loc))


def _tell_rejected(session: Session, member: Member, chats: Sequence[ChatAccount], reason: str,
                   note: str | None) -> None:
    """To the chats that had the application: addressed to the chat (no member any more)."""
    for account in chats:
        if account.unreachable_at is not None:
            continue
        outbox.enqueue(session, key=f"application-rejected:{member.id}:{account.channel}:{account.id}",
                       channel=account.channel, user_id=account.external_user_id,
                       replies=rejected_notice(member, account.locale, reason, note))
