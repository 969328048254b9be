"""Builders for test data, written through the real models into the real database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from bot.demo.seed import PACKAGED_DATA
from bot.fund_rules import apply_rules, load_rules
from domain.dates import add_months
from domain.identity import hash_national_id
from domain.thai import national_id_check_digit
from models import Fund, Meeting, Member, MemberStatus, Payment
from tests.conftest import BANGKOK, SECRET

RULES = PACKAGED_DATA / "fund_rules_example.toml"
_serial = count(1)


def valid_national_id(seed: int) -> str:
    first12 = f"3{seed:011d}"[:12]
    return first12 + str(national_id_check_digit(first12))


def make_fund(session: Session, code: str = "PAKHLOK", *, district_th: str = "ถลาง",
              district_en: str = "Thalang", population: int | None = 20396,
              name_th: str | None = None, name_en: str | None = None) -> Fund:
    fund = Fund(
        code=code,
        kind="ทต.",
        name_th=name_th or f"กองทุนทดสอบ {code}",
        name_en=name_en or f"Test fund {code}",
        district_th=district_th,
        district_en=district_en,
        population=population,
        payment_info_th="ชำระได้ที่ที่ทำการกองทุนทุกวันที่ 5 ของเดือน",
        payment_info_en="Pay at the fund office on the 5th of each month",
    )
    apply_rules(fund, load_rules(RULES))
    session.add(fund)
    session.flush()
    return fund


def make_member(session: Session, fund: Fund, *, national_id: str | None = None,
                birth_date: date = date(1967, 1, 15), joined_on: date = date(2018, 3, 1),
                months_paid: int = 0, status: MemberStatus = MemberStatus.ACTIVE,
                first_name: str = "สมชาย", last_name: str = "ใจดี", phone: str | None = "+66812345678",
                member_no: str | None = None) -> Member:
    n = next(_serial)
    national_id = national_id or valid_national_id(n)
    member = Member(
        fund_id=fund.id,
        member_no=member_no if member_no is not None else f"{n:05d}",
        first_name=first_name,
        last_name=last_name,
        national_id_hash=hash_national_id(SECRET, national_id),
        national_id_last4=national_id[-4:],
        birth_date=birth_date,
        phone=phone,
        joined_on=joined_on,
        status=status,
    )
    session.add(member)
    session.flush()
    if months_paid:
        pay(session, member, fund.dues_per_month * months_paid, on=add_months(joined_on, 1))
    return member


def pay(session: Session, member: Member, amount: Decimal | int, on: date) -> Payment:
    fund = member.fund
    payment = Payment(
        member_id=member.id,
        amount=Decimal(amount),
        months_covered=int(Decimal(amount) // fund.dues_per_month),
        paid_on=on,
        recorded_by="test",
    )
    session.add(payment)
    session.flush()
    return payment


def make_meeting(session: Session, fund: Fund | None, starts_at: datetime, title: str = "ประชุมใหญ่สามัญประจำปี",
                 place: str = "ศาลาประชาคม") -> Meeting:
    meeting = Meeting(
        fund_id=fund.id if fund else None,
        title_th=title,
        title_en="Annual general meeting",
        starts_at=starts_at.astimezone(BANGKOK),
        place_th=place,
        place_en="Community hall",
        agenda_th="รายงานการเงิน เลือกตั้งกรรมการ",
        agenda_en="Financial report, committee election",
    )
    session.add(meeting)
    session.flush()
    return meeting


def link_chat(session: Session, user: str, member: Member, *, channel: str = "simulator",
              locale: str = "th") -> None:
    """Link a chat user to a member directly (registration itself is tested elsewhere)."""
    from models import ChatAccount

    session.add(ChatAccount(channel=channel, external_user_id=user, member_id=member.id,
                            locale=locale, linked_at=datetime.now(BANGKOK)))
    session.flush()
