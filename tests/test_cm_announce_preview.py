"""The preview's figures, from the service itself and through the chat: reach by channel, the
unreachable, the LINE quota it costs against what is left this month (the reserve kept back, the
rest held), and quiet hours; read the way the scheduler reads its settings and its quota memory."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from handlers import buttons as B
from messaging.sender import Quota
from models import Announcement, Audience, Fund
from scheduler.clock import QuietHours
from scheduler.quota import reserve_units as scheduler_reserve
from scheduler.quota_memory import remember_quota, sync_spent
from services import announcement_preview as P
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat

NOW = at(2026, 11, 29, 10)


def _fund_of(Session, line: int = 15, telegram: int = 2, blocked: int = 3) -> int:
    with Session() as s, s.begin():
        fund = make_fund(s, name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก")
        for _ in range(line):
            member_with_chat(s, fund, joined_on=JOINED, months_paid=11)
        for _ in range(telegram):
            member_with_chat(s, fund, channels=("telegram",), joined_on=JOINED, months_paid=11)
        for _ in range(blocked):
            member_with_chat(s, fund, joined_on=JOINED, unreachable=("line",))
        return fund.id


def _quota(Session, limit: int | None, used: int, spent: int | None = None, read: datetime = NOW) -> None:
    with Session() as s, s.begin():
        remember_quota(s, "line", Quota(limit, used), read)
        if spent is not None:
            sync_spent(s, "line", read.astimezone(P.LINE_MONTH).strftime("%Y-%m"), spent)


def _preview(Session, fund_id: int, send_at: datetime = NOW, quiet: str = "21:00-08:00",
             reserve: str = "10%") -> P.Preview:
    draft = Announcement(fund_id=fund_id, audience=Audience.MEMBERS, text_th="ประชุมวันเสาร์ค่ะ")
    with Session() as s:
        return P.preview(s, draft, locale="th", send_at=send_at, tz=BANGKOK, quiet_hours=quiet,
                         reserve_setting=reserve)


def test_reach_by_channel_and_the_unreachable(jobs_db):
    found = _preview(jobs_db, _fund_of(jobs_db))
    assert (found.audience, found.line, found.telegram, found.simulator) == (20, 15, 2, 0)
    assert found.unreachable == 3 and found.line_units == 15
    assert found.messages[0]["text"] == "📢 ประกาศจากกองทุนสวัสดิการชุมชนตำบลป่าคลอก\nประชุมวันเสาร์ค่ะ"
    assert not found.quota_known and found.line_held == 0


def test_what_is_left_beyond_the_reserve_carries_some_and_the_rest_is_held(jobs_db):
    fund_id = _fund_of(jobs_db)
    _quota(jobs_db, 300, used=250, spent=260)  # the dispatchers' counter is ahead of LINE's figure
    found = _preview(jobs_db, fund_id)
    assert (found.quota_limit, found.quota_left, found.reserve) == (300, 40, 30)
    assert (found.line_now, found.line_held) == (10, 5)
    plenty = _preview(jobs_db, fund_id, reserve="0")
    assert (plenty.line_now, plenty.line_held) == (15, 0)


def test_an_unlimited_account_and_a_new_month(jobs_db):
    fund_id = _fund_of(jobs_db)
    _quota(jobs_db, None, used=4200)
    unlimited = _preview(jobs_db, fund_id)
    assert unlimited.quota_known and unlimited.quota_left is None and unlimited.line_held == 0
    _quota(jobs_db, 300, used=300, read=at(2026, 10, 31, 12))  # read last month: this one is fresh
    fresh = _preview(jobs_db, fund_id)
    assert fresh.quota_left == 300 and fresh.line_held == 0


def test_quiet_hours_hold_it_until_they_end(jobs_db):
    fund_id = _fund_of(jobs_db, line=1, telegram=0, blocked=0)
    assert _preview(jobs_db, fund_id).quiet_until is None
    assert _preview(jobs_db, fund_id, at(2026, 11, 29, 22)).quiet_until == at(2026, 11, 30, 8)
    assert _preview(jobs_db, fund_id, at(2026, 11, 30, 6, 30)).quiet_until == at(2026, 11, 30, 8)
    assert _preview(jobs_db, fund_id, at(2026, 11, 29, 22), quiet="off").quiet_until is None


@pytest.mark.parametrize("setting", ["10%", "0", "30", "2.5%", "100%"])
def test_the_reserve_is_read_as_the_dispatcher_reads_it(setting):
    for limit in (None, 0, 300, 15000):
        assert P.reserve_units(setting, limit) == scheduler_reserve(setting, limit)


@pytest.mark.parametrize("setting", ["21:00-08:00", "22:30-06:00", "12:00-13:00", "off"])
def test_quiet_hours_are_read_as_the_dispatcher_reads_them(setting):
    hours = QuietHours.parse(setting)
    start = at(2026, 11, 29, 0)
    for minutes in range(0, 24 * 60, 15):
        local = start + timedelta(minutes=minutes)
        expected = None if hours is None or not hours.contains(local) else hours.ends_after(local)
        assert P.quiet_until(local, setting) == expected


def test_through_the_chat_the_quota_and_what_waits(driver, channel_db, cm_world, clock):
    with channel_db() as s, s.begin():
        home = s.get(Fund, cm_world.home_id)
        for _ in range(12):
            member_with_chat(s, home, joined_on=JOINED, months_paid=11)
        remember_quota(s, "line", Quota(100, 80), NOW)
    line = 12 + (driver.channel == "line")
    driver.press(B.CM_ANN_NEW)
    driver.say("ประชุมใหญ่วันเสาร์ค่ะ")
    driver.tap("สมาชิกทุกคน")
    text = driver.text
    assert f"โควตา LINE: ใช้ {line} ข้อความ จากที่เหลือเดือนนี้ 20 (จาก 100) โดยกันไว้ 10" in text
    assert f"โควตาพอส่งทาง LINE ได้ 10 คน อีก {line - 10} คนจะรอไว้จนโควตาเดือนหน้า" in text
    assert "ช่วงงดส่ง" not in text
    clock.now = at(2026, 11, 29, 22, 15)  # the draft has expired by now: a new one, at night
    driver.tap("ส่งเลย")
    assert "ใช้ไม่ได้แล้ว" in driver.text
    driver.tap("เขียนประกาศใหม่")
    driver.say("ประชุมใหญ่วันเสาร์ค่ะ")
    driver.tap("สมาชิกทุกคน")
    quiet = "ช่วงงดส่งข้อความยามค่ำคืน ประกาศจะรอส่งวันจันทร์ที่ 30 พฤศจิกายน 2569 เวลา 08:00 น."
    assert quiet in driver.text
    driver.tap("ตั้งเวลาส่ง")
    driver.say("พรุ่งนี้ 09:00")  # outside quiet hours: nothing waits
    assert "ช่วงงดส่ง" not in driver.text and "เวลา 09:00 น." in driver.text


def test_in_english_the_figures_read_naturally(new_driver, channel_db, cm_world):
    driver = cm_world.chair
    with channel_db() as s, s.begin():
        remember_quota(s, "line", Quota(None, 5), NOW)
    driver.press(B.LANGUAGE_SET + "en")
    driver.press(B.CM_ANN_NEW)
    driver.say("Meeting on Saturday")
    driver.tap("All members")
    text = driver.text
    assert "Recipients: 4" in text and "unreachable: 3" in text
    assert "this account has no monthly limit" in text
    assert NOW.tzinfo is BANGKOK
