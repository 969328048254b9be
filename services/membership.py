"""Membership: applying to join a fund from a chat, and importing a fund's roster.

Linking a chat to a member already on a roster is `services.linking`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from domain.thai import format_phone
from locales import channel_name, translate
from messaging.values import Text
from models import ChatAccount, Fund, Member, MemberStatus, audit
from services import outbox
from services.errors import NotFound
from services.linking import CONSENT_VERSION, attach, on_roster, record_failure

__all__ = ["CONSENT_VERSION", "Application", "apply", "import_roster"]


@dataclass(frozen=True)
class Application:
    """What an applicant gave: never the national ID itself, only its keyed hash and last four."""

    fund_id: int
    first_name: str
    last_name: str
    id_hash: str
    id_last4: str
    birth_date: date
    phone: str | None  # E.164, mobile or fixed line; None: no phone, the committee contacts them otherwise
    consent_at: datetime


def apply(session: Session, account: ChatAccount, application: Application, *, actor: str,
          at: datetime, today: date) -> Member:
    """A pending member for the committee to review, holding only what the applicant typed, linked
    to the chat that applied.

    An ID already on a roster changes nothing the applicant sees (the answer must not say who is on a
    roster) and never reaches the record already there: the application is made like any other (a
    second record with that ID, which `services.linking.find_member` never links to), it counts as a
    failed link attempt on that ID, and the committees of the fund holding the record and of the fund
    applied to are told, to check in person.
    """
    fund = session.get(Fund, application.fund_id)
    if fund is None:
        raise NotFound("the fund is no longer there")
    records = on_roster(session, application.id_hash)
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
    attach(session, account, member, actor=actor, at=at)
    account.consent_at, account.consent_version = application.consent_at, CONSENT_VERSION
    duplicate = {"duplicate_of": records[0].id} if records else {}
    audit(session, actor, "member.apply", "member", member.id,
          channel=account.channel, fund=fund.code, consent_version=CONSENT_VERSION, **duplicate)
    if records:
        record_failure(session, account, application.id_hash, actor=actor, at=at)
        _tell_about_duplicate(session, account, member, records[0], at=at)
    return member


def _tell_about_duplicate(session: Session, account: ChatAccount, member: Member, existing: Member, *,
                          at: datetime) -> None:
    """The committees of the fund holding the record and of the fund applied to: never the ID."""
    def compose(loc: str) -> list[Text]:
        return [Text(translate(
            loc, "link.notice_duplicate_apply", channel=channel_name(loc, account.channel),
            applied_to=member.fund.name(loc), name=existing.full_name, member_no=existing.member_no or "-",
            fund=existing.fund.name(loc), applicant=typed))]

    typed = f"{member.full_name}, {format_phone(member.phone) if member.phone else '-'}"

    for fund_id in dict.fromkeys((existing.fund_id, member.fund_id)):
        outbox.notify_committee(session, fund_id, key=f"apply-duplicate:{member.id}:f{fund_id}",
                                compose=compose)


def import_roster(session: Session, rows: list[dict[str, Any]], *, actor: str, source: str,
                  funds: list[str]) -> int:
    """Write checked roster rows of a spreadsheet in one statement, with one audit row."""
    if rows:
        session.execute(insert(Member.__table__), rows)
    audit(session, actor, "import.members", "file", source[:40], rows=len(rows), funds=funds)
    return len(rows)
