"""The services under the announce screens: "in arrears" in SQL agrees with domain.dues for every
member, a change before it goes (audited without the text), and what a draft may be."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.dues import dues_status
from models import Announcement, AnnouncementState, Audience, AuditLog, Member
from services import announcements, recipients
from services.errors import ServiceError
from tests.factories import make_fund, make_member, pay
from tests.jobs_fixtures import at

ON = date(2026, 11, 29)


def test_in_arrears_in_sql_is_the_domains_rule_for_every_member(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        fund.dues_per_month = Decimal("30")
        for joined in (date(2026, 1, 10), date(2026, 10, 31), date(2026, 11, 1), date(2025, 12, 1),
                       date(2026, 12, 5)):
            for months in (0, 1, 2, 9, 10, 11, 12):
                member = make_member(s, fund, joined_on=joined, months_paid=months)
                if months == 10:
                    pay(s, member, Decimal("15"), on=joined)  # a partial month of credit
        s.flush()
        rows = s.execute(select(Member.id, Member.joined_on, recipients.TOTAL_PAID)).all()
        expected = {m for m, joined, paid in rows if dues_status(
            joined_on=joined, total_paid=recipients.as_decimal(paid), dues_per_month=Decimal("30"),
            lapse_after_missed_months=3, on=ON).arrears_months >= 1}
        found = set(s.scalars(select(Member.id).where(announcements.in_arrears(ON))))
    assert found == expected and 0 < len(found) < len(rows)


def test_a_change_of_time_and_text_before_it_goes_is_audited_without_the_text(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        item = announcements.create_draft(s, fund_id=fund.id, text_th="ประชุมวันเสาร์", author="chat:1",
                                          at=at(2026, 11, 29))
        announcements.schedule(s, item, at(2026, 12, 1, 9), actor="chat:1", at=at(2026, 11, 29))
        with pytest.raises(ServiceError):
            announcements.change(s, item, actor="chat:1", at=at(2026, 11, 29), send_at=at(2026, 11, 28))
        with pytest.raises(ServiceError):
            announcements.change(s, item, actor="chat:1", at=at(2026, 11, 29), text_th="  ")
        announcements.change(s, item, actor="chat:1", at=at(2026, 11, 29), send_at=at(2026, 12, 2, 9),
                             text_th="ประชุมวันอาทิตย์ ที่บ้านนายสมชาย")
        assert item.send_at == at(2026, 12, 2, 9) and item.text_th.startswith("ประชุมวันอาทิตย์")
        (audit,) = s.scalars(select(AuditLog).where(AuditLog.action == "announcement.change")).all()
        assert audit.detail == {"length_before": 14, "length_after": 32,
                                "send_at_before": at(2026, 12, 1, 9).isoformat(),
                                "send_at_after": at(2026, 12, 2, 9).isoformat()}
        item.state = AnnouncementState.DONE
        with pytest.raises(ServiceError):
            announcements.change(s, item, actor="chat:1", at=at(2026, 11, 29), send_at=at(2026, 12, 3))


def test_a_district_draft_names_its_district_and_no_fund(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        for fund_id, district in ((fund.id, "ถลาง"), (None, None)):
            with pytest.raises(ServiceError):
                announcements.create_draft(s, fund_id=fund_id, text_th="ข่าว", audience=Audience.DISTRICT,
                                           district_th=district, author="cli", at=at(2026, 11, 29))
        with pytest.raises(ServiceError):
            announcements.create_draft(s, fund_id=fund.id, text_th="x" * (announcements.MAX_TEXT + 1),
                                       author="cli", at=at(2026, 11, 29))
        ok = announcements.create_draft(s, fund_id=None, text_th="ข่าว", audience=Audience.DISTRICT,
                                        district_th="ถลาง", author="cli", at=at(2026, 11, 29))
        assert s.get(Announcement, ok.id).district_th == "ถลาง"
        (created,) = s.scalars(select(AuditLog).where(AuditLog.action == "announcement.create")).all()
        assert created.detail == {"fund_id": None, "audience": "district", "length": 4}
