"""Committee worlds for the committee tools' tests: two funds, a committee member of each, plain
members, and `seat` to give any driver a role. Registered in tests/conftest.py (`pytest_plugins`).

`cm_world` is built in the database of the channel the `driver` talks to; a test taking `driver`
runs on the simulator, LINE and Telegram. `cm_world.chair` is a driver seated as committee of
`home` (Pa Khlok); `cm_world.other` is another fund (Kamala) with its own members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from sqlalchemy import select

from models import AuditLog, CommitteeRole, Fund, Member
from tests.conftest import BANGKOK
from tests.drivers import ChatDriver
from tests.factories import link_chat, make_fund, make_member


def seat(session, user: str, fund: Fund, *, channel: str = "simulator",
         roles: tuple[str, ...] = ("committee",), locale: str = "th", first_name: str = "ประยุทธ",
         months_paid: int = 12) -> Member:
    """A member of `fund`, linked to the chat `user`, holding `roles` in that fund."""
    member = make_member(session, fund, first_name=first_name, last_name="กรรมการ", months_paid=months_paid)
    link_chat(session, user, member, channel=channel, locale=locale)
    for role in roles:
        session.add(CommitteeRole(member_id=member.id, fund_id=fund.id, role=role,
                                  granted_at=datetime(2026, 1, 1, tzinfo=BANGKOK)))
    session.flush()
    return member


@dataclass
class CommitteeWorld:
    home_id: int
    other_id: int
    chair_id: int  # the committee member of home, linked to `chair`
    members: list[int] = field(default_factory=list)  # plain members of home (not linked)
    other_members: list[int] = field(default_factory=list)
    chair: ChatDriver | None = None


def refusals(Session, tried: str | None = None) -> list[AuditLog]:
    """Audit rows of refused committee actions (optionally of one action)."""
    with Session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "committee.refused")
                         .order_by(AuditLog.id)).all()
        return [r for r in rows if tried is None or r.detail.get("tried") == tried]


@pytest.fixture
def cm_world(driver, channel_db) -> CommitteeWorld:
    with channel_db() as s, s.begin():
        home = make_fund(s, "PAKHLOK", name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก", name_en="Pa Khlok Fund")
        other = make_fund(s, "KAMALA", district_th="กะทู้", district_en="Kathu",
                          name_th="กองทุนสวัสดิการชุมชนตำบลกมลา", name_en="Kamala Fund")
        chair = seat(s, driver.user, home, channel=driver.channel)
        members = [make_member(s, home, first_name=n, months_paid=m).id
                   for n, m in (("สมศรี", 12), ("มานี", 3), ("ชูใจ", 0))]
        others = [make_member(s, other, first_name="ปิติ", months_paid=6).id]
        return CommitteeWorld(home.id, other.id, chair.id, members, others, chair=driver)
