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
from models import ChatAccount, Fund, Member, MemberStatus, audit
from services.errors import NotFound
from services.linking import CONSENT_VERSION, attach, on_roster, record_failure, request_confirmation

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
    phone: str
    consent_at: datetime


def apply(session: Session, account: ChatAccount, application: Application, *, actor: str,
          at: datetime, today: date) -> Member | None:
    """A pending member for the committee to review, linked to the chat that applied.

    An ID already on a roster makes no second record, and the chat is not told (the answer must not
    say who is on a roster): it counts as a failed link attempt on that ID, and the chat waits for
    the committee of the fund that holds the record, who is given the name and mobile typed to call
    back (a member who should have linked is confirmed with `kongtun links confirm`). None then.
    """
    fund = session.get(Fund, application.fund_id)
    if fund is None:
        raise NotFound("the fund is no longer there")
    if records := on_roster(session, application.id_hash):
        record_failure(session, account, application.id_hash, actor=actor, at=at)
        applicant = f"{application.first_name} {application.last_name}, {format_phone(application.phone)}"
        request_confirmation(session, account, records[0], consent_at=application.consent_at, actor=actor,
                             at=at, via="apply", applicant=applicant, applied_to=fund)
        return None
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
