"""The people who run a demo fund and when they meet: each fund's committee and its next monthly
meeting, and the provincial network's yearly assembly of all funds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.demo.context import BANGKOK, FundContext, random_date
from bot.demo.people import Person
from domain.dates import add_months
from domain.thai import BE_OFFSET, format_month
from models import CommitteeRole, Meeting, MemberStatus


def insert_roles(ctx: FundContext, people: list[Person]) -> None:
    """The demo identities' roles (สมชาย of Phuket City is the network's one admin), and a treasurer
    and three to five committee members elected from long-standing members in good standing, aged
    35 to 72. An admin acts on every fund, so no fund has one of its own."""
    rng, today = ctx.rng, ctx.today
    granted_on = random_date(rng, today - timedelta(days=700), today - timedelta(days=30))
    granted = datetime.combine(granted_on, clock_time(10, 0), BANGKOK)
    rows = [{"member_id": p.id, "fund_id": ctx.fund.id, "role": role, "granted_at": granted}
            for p in people if p.demo for role in p.demo.roles]
    candidates = [p for p in people if p.demo is None and p.status == MemberStatus.ACTIVE
                  and p.last_paid is not None and p.last_paid >= ctx.current
                  and 35 <= today.year - p.birth_date.year <= 72
                  and p.joined_on <= today - timedelta(days=3 * 365)]
    roles = ["treasurer"] + ["committee"] * rng.randint(3, 5)
    for person, role in zip(rng.sample(candidates, min(len(roles), len(candidates))), roles,
                            strict=False):
        rows.append({"member_id": person.id, "fund_id": ctx.fund.id, "role": role,
                     "granted_at": granted})
    if rows:
        ctx.session.execute(insert(CommitteeRole.__table__), rows)


def insert_meeting(ctx: FundContext) -> None:
    """The next monthly meeting, at least three days away (so within the next five weeks)."""
    day = ctx.today.replace(day=1).replace(day=ctx.meeting_day)
    if day < ctx.today + timedelta(days=3):
        day = add_months(day, 1)
    hour, minute = ctx.rng.choice(((9, 30), (13, 30), (18, 0)))
    starts_at = datetime.combine(day, clock_time(hour, minute), BANGKOK)
    ctx.session.execute(insert(Meeting.__table__), [{
        "fund_id": ctx.fund.id,
        "title_th": f"ประชุมประจำเดือน{format_month(day.year, day.month, 'th')} "
                    f"กองทุนสวัสดิการชุมชน{ctx.fund.name_th}",
        "title_en": f"Monthly meeting, {format_month(day.year, day.month, 'en')}: "
                    f"{ctx.fund.name_en} community welfare fund",
        "starts_at": starts_at,
        "place_th": f"ห้องประชุมสำนักงาน{ctx.fund.name_th}",
        "place_en": f"Meeting room, {ctx.fund.name_en} office",
        "agenda_th": "1) รับเงินสัจจะประจำเดือน 2) รายงานรายรับ-รายจ่ายและการจ่ายสวัสดิการ "
                     "3) พิจารณารับสมาชิกใหม่ 4) เรื่องอื่น ๆ",
        "agenda_en": "1) Monthly dues 2) Income, expenses and benefits paid "
                     "3) New members' applications 4) Other business",
        "created_at": ctx.now,
    }])


def insert_network_assembly(session: Session, today: date, now: datetime) -> bool:
    """The province's yearly assembly of all funds, on a Saturday about two months ahead."""
    day = today + timedelta(days=60)
    day += timedelta(days=(5 - day.weekday()) % 7)
    title_th = f"สมัชชากองทุนสวัสดิการชุมชนจังหวัดภูเก็ต ประจำปี {day.year + BE_OFFSET}"
    exists = session.scalar(select(Meeting.id).where(Meeting.fund_id.is_(None),
                                                     Meeting.title_th == title_th))
    if exists:
        return False
    session.execute(insert(Meeting.__table__), [{
        "fund_id": None,
        "title_th": title_th,
        "title_en": f"Phuket provincial assembly of community welfare funds {day.year}",
        "starts_at": datetime.combine(day, clock_time(8, 30), BANGKOK),
        "place_th": "ห้องประชุมองค์การบริหารส่วนจังหวัดภูเก็ต",
        "place_en": "Meeting hall, Phuket Provincial Administrative Organization",
        "agenda_th": "1) รายงานผลการดำเนินงานของกองทุนทั้ง 18 แห่ง 2) ความครอบคลุมสมาชิกและแผนยุทธศาสตร์ "
                     "3) ความโปร่งใสทางการเงินและการเชื่อมโยงกับหน่วยงานภาคี 4) เลือกตั้งคณะกรรมการเครือข่าย",
        "agenda_en": "1) Reports of all 18 funds 2) Membership coverage and the strategic plan "
                     "3) Financial transparency and links with partner agencies "
                     "4) Election of the network committee",
        "created_at": now,
    }])
    return True
