"""Announce in the committee's chat, on every channel: write, choose the audience, preview, test to
myself, send at a moment typed (Thai digits, Buddhist Era) and confirm once; then the scheduler's
job writes exactly the rows the preview counted. Wrong input keeps the step open; cancel ends it."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from handlers import buttons as B
from models import (
    Announcement,
    AnnouncementState,
    Audience,
    AuditLog,
    ChatAccount,
    MemberStatus,
    OutboxMessage,
)
from scheduler.jobs import JOBS
from services import announcements
from tests.committee_fixtures import seat
from tests.conftest import BANGKOK, SECRET
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of

JOB = next(job for job in JOBS if job.name == "announcements")
TEXT = "งดรับเงินสัจจะวันที่ 5 ธันวาคม เนื่องจากเป็นวันหยุดราชการ ชำระได้วันที่ 6 แทนค่ะ"


@dataclass
class Reach:
    """Who the world's announcement to all of Pa Khlok reaches, by channel (the chair included)."""

    audience: int
    line: int
    telegram: int
    simulator: int
    arrears_ids: set[int]

    @property
    def reachable(self) -> int:
        return self.line + self.telegram + self.simulator


def world(channel_db, cm_world, channel: str) -> Reach:
    """Besides cm_world (the chair, joined 2018 and behind; three plain members with no chat, all
    behind): members who joined in January 2026, paid up or one month behind, on LINE or Telegram;
    one blocked the bot; one turned announcements off; one lapsed; and Kamala's own member."""
    with channel_db() as s, s.begin():
        from models import Fund

        home, other = s.get(Fund, cm_world.home_id), s.get(Fund, cm_world.other_id)
        member_with_chat(s, home, joined_on=JOINED, months_paid=10)  # paid through October: not behind
        behind_tg = member_with_chat(s, home, channels=("telegram",), joined_on=JOINED, months_paid=9)
        blocked = member_with_chat(s, home, joined_on=JOINED, months_paid=2, unreachable=("line",))
        member_with_chat(s, home, channels=("telegram", "line"), joined_on=JOINED, months_paid=11,
                         locale="en")
        quiet = member_with_chat(s, home, joined_on=JOINED, months_paid=1)
        quiet.notify_announcements = False
        member_with_chat(s, home, joined_on=JOINED, status=MemberStatus.LAPSED)
        member_with_chat(s, other, joined_on=JOINED)
        arrears = {cm_world.chair_id, *cm_world.members, behind_tg.id, blocked.id}
    line = 2 + (channel == "line")  # the paid-up one, the English one (LINE before Telegram), the chair
    return Reach(audience=8, line=line, telegram=1 + (channel == "telegram"),
                 simulator=int(channel == "simulator"), arrears_ids=arrears)


def write_and_choose(driver, audience: str = "สมาชิกทุกคน", text: str = TEXT) -> None:
    driver.press(B.CM_ANNOUNCE)
    driver.tap("เขียนประกาศใหม่")
    driver.say(text)
    assert "จะส่งประกาศนี้ถึงใครคะ" in driver.text
    driver.tap(audience)


def announcements_of(Session) -> list[Announcement]:
    with Session() as s:
        return list(s.scalars(select(Announcement).order_by(Announcement.id)))


def test_the_whole_flow_in_thai_and_the_job_writes_what_the_preview_said(driver, channel_db, cm_world):
    reach = world(channel_db, cm_world, driver.channel)
    driver.press(B.COMMITTEE)
    driver.tap("ประกาศ")
    assert "ประกาศของกองทุนสวัสดิการชุมชนตำบลป่าคลอก" in driver.text
    driver.tap("เขียนประกาศใหม่")
    assert "พิมพ์ข้อความประกาศ" in driver.text and "ยกเลิก" in driver.labels()
    driver.say(TEXT)
    labels = driver.labels()
    assert {"สมาชิกทุกคน", "สมาชิกค้างเงินสัจจะ", "ยกเลิก"} <= set(labels)
    assert "ทุกกองทุนในเครือข่าย" not in labels and "สมาชิกตามอำเภอ" not in labels  # admins' only
    driver.tap("สมาชิกทุกคน")
    text = driver.text
    assert "ส่งถึง: สมาชิกทุกคนของกองทุนสวัสดิการชุมชนตำบลป่าคลอก" in text
    assert f"📢 ประกาศจากกองทุนสวัสดิการชุมชนตำบลป่าคลอก\n{TEXT}" in text  # exactly as members see it
    assert f"ผู้รับ {reach.audience} คน" in text
    assert f"ทาง LINE {reach.line} คน" in text and f"ทาง Telegram {reach.telegram} คน" in text
    assert f"ติดต่อไม่ได้ {reach.audience - reach.reachable} คน" in text
    assert ("ทางตัวจำลองแชต 1 คน" in text) == (driver.channel == "simulator")
    assert {"ส่งทดสอบถึงฉัน", "ส่งเลย", "ตั้งเวลาส่ง", "ยกเลิก"} <= set(driver.labels())

    driver.tap("ตั้งเวลาส่ง")
    assert "พิมพ์วันที่และเวลา" in driver.text
    driver.say("๑ ธ.ค. ๖๙ ๐๙.๐๐ น.")  # Thai digits, a two-digit Buddhist year
    summary = driver.text
    assert "สรุปก่อนส่งค่ะ" in summary and "วันอังคารที่ 1 ธันวาคม 2569 เวลา 09:00 น." in summary
    assert f"ผู้รับ {reach.audience} คน" in summary and "ยืนยันส่งประกาศ" in driver.labels()
    assert announcements_of(channel_db) == []  # nothing is stored before the confirmation
    driver.tap("ยืนยันส่งประกาศ")
    assert "ตั้งเวลาส่งประกาศ" in driver.text and "1 ธันวาคม 2569" in driver.text
    (item,) = announcements_of(channel_db)
    assert item.state == AnnouncementState.SCHEDULED and item.fund_id == cm_world.home_id
    assert item.send_at == at(2026, 12, 1, 9, 0) and item.text_th == TEXT
    assert item.audience == Audience.MEMBERS

    assert JOB.run(channel_db, at(2026, 12, 1, 8, 59), BANGKOK) == 0
    assert JOB.run(channel_db, at(2026, 12, 1, 9, 0), BANGKOK) == reach.reachable
    rows = outbox(channel_db, source=f"announcement:{item.id}")
    by_channel = {c: sum(r.channel == c for r in rows) for c in ("line", "telegram", "simulator")}
    assert by_channel == {"line": reach.line, "telegram": reach.telegram, "simulator": reach.simulator}
    english = next(r for r in rows if r.content_key.endswith(":en"))
    assert text_of(english).startswith("📢 Announcement from Pa Khlok Fund")


def test_one_run_in_english(new_driver, channel_db, cm_world):
    driver = cm_world.chair
    world(channel_db, cm_world, driver.channel)
    driver.press(B.LANGUAGE_SET + "en")
    driver.press(B.CM_ANNOUNCE)
    driver.tap("New announcement")
    driver.say("The office is closed on Friday.")
    driver.tap("Members in arrears")
    text = driver.text
    assert "To: members of Pa Khlok Fund in arrears" in text
    assert "📢 Announcement from Pa Khlok Fund\nThe office is closed on Friday." in text
    assert "Recipients: 6" in text and "unreachable: 4" in text
    driver.tap("Send later")
    driver.say("15/12/2026 14:00")
    assert "Tuesday 15 December 2026 at 14:00" in driver.text
    driver.tap("Confirm and send")
    assert "scheduled for Tuesday 15 December 2026" in driver.text
    assert announcements_of(channel_db)[0].audience == Audience.ARREARS


def test_wrong_inputs_keep_the_step_open_and_say_what_to_type(driver, channel_db, cm_world, monkeypatch):
    monkeypatch.setattr(announcements, "MAX_TEXT", 100)  # the simulator takes at most 2,000 characters
    driver.press(B.CM_ANNOUNCE)
    driver.tap("เขียนประกาศใหม่")
    driver.say("   ")
    assert "กรุณาพิมพ์ข้อความ" in driver.text
    driver.say("x" * 101)
    assert "ยาว 101 ตัวอักษร" in driver.text and "(100 ตัวอักษร)" in driver.text
    driver.say(TEXT)  # the step stayed open
    driver.tap("สมาชิกทุกคน")
    driver.tap("ตั้งเวลาส่ง")
    driver.say("วันไหนก็ได้")
    assert "อ่านวันที่และเวลานี้ไม่ออก" in driver.text and "15/12/2569 09:00" in driver.text
    driver.say("15/12/2569")
    assert "ขอเวลาด้วย" in driver.text
    driver.say("28/11/2569 10:00")  # yesterday
    assert "ผ่านไปแล้ว" in driver.text
    driver.say("29/11/2569 09:00")  # earlier today
    assert "ผ่านไปแล้ว" in driver.text
    driver.say("พรุ่งนี้ บ่ายสอง")
    assert "วันจันทร์ที่ 30 พฤศจิกายน 2569 เวลา 14:00 น." in driver.text
    assert announcements_of(channel_db) == []


def test_cancel_mid_way_by_button_or_typed_writes_nothing(driver, channel_db, cm_world):
    write_and_choose(driver)
    driver.tap("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    driver.say("สวัสดีค่ะ ทุกคน")  # the dialog is over: no longer taken as an announcement
    assert "จะส่งประกาศนี้ถึงใครคะ" not in driver.text
    write_and_choose(driver)
    driver.tap("ตั้งเวลาส่ง")
    driver.say("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    assert announcements_of(channel_db) == []
    with channel_db() as s:
        assert s.scalars(select(OutboxMessage)).all() == []


def test_a_test_to_myself_arrives_marked_is_not_counted_and_is_limited(driver, channel_db, cm_world, client):
    world(channel_db, cm_world, driver.channel)
    write_and_choose(driver)
    for n in (1, 2, 3):
        driver.tap("ส่งทดสอบถึงฉัน")
        assert f"ครั้งที่ {n} จาก 3" in driver.text
    assert "ส่งทดสอบถึงฉัน" not in driver.labels()
    driver.press(B.CM_ANN_TEST)  # an old button
    assert "ส่งทดสอบครบ 3 ครั้งแล้ว" in driver.text
    tests = outbox(channel_db, external_user_id=driver.user)
    assert len(tests) == 3 and all(r.source is None and r.channel == driver.channel for r in tests)
    assert text_of(tests[0]).startswith("🧪 ข้อความทดสอบ") and TEXT in text_of(tests[0])
    driver.tap("ส่งเลย")
    assert "ทันทีที่ยืนยัน" in driver.text
    driver.tap("ยืนยันส่งประกาศ")
    assert "กำลังส่งประกาศ" in driver.text
    (item,) = announcements_of(channel_db)
    JOB.run(channel_db, at(2026, 11, 29, 10, 1), BANGKOK)
    assert len(outbox(channel_db, source=f"announcement:{item.id}")) == 4  # the tests are not its rows
    with channel_db() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.action.like("announcement.%"))).all()
        assert actions.count("announcement.test") == 3
        assert all(TEXT not in str(r.detail) for r in s.scalars(select(AuditLog)))


def test_on_the_simulator_the_test_and_then_the_announcement_reach_the_inbox(chat, db, client, database_url):
    with db() as s, s.begin():
        seat(s, chat.user, make_fund(s, name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก"), months_paid=110)
    write_and_choose(chat)
    chat.tap("ส่งทดสอบถึงฉัน")
    env = {"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET, "KONGTUN_SIMULATOR": "1",
           "KONGTUN_QUIET_HOURS": "21:00-08:00"}
    ran = CliRunner().invoke(main, ["jobs", "run", "--at", "2026-11-29T10:00"], env=env)
    assert ran.exit_code == 0, ran.output
    (test,) = _inbox(client, chat.user, "announcement-test:")
    assert test["replies"][0]["text"].startswith("🧪 ข้อความทดสอบ") and TEXT in test["replies"][0]["text"]
    chat.tap("ส่งเลย")
    chat.tap("ยืนยันส่งประกาศ")
    ran = CliRunner().invoke(main, ["jobs", "run", "--at", "2026-11-29T10:01"], env=env)
    assert ran.exit_code == 0, ran.output
    (sent,) = _inbox(client, chat.user, "announcement:")
    assert sent["replies"][0]["text"].startswith("📢 ประกาศจากกองทุนสวัสดิการชุมชนตำบลป่าคลอก")
    assert len(_inbox(client, chat.user, "announcement-test:")) == 1


def _inbox(client, user: str, prefix: str) -> list[dict]:
    """What the dispatcher delivered to the simulator's inbox (dues reminders left out)."""
    messages = client.get(f"/simulator/api/inbox?user={user}").get_json()["messages"]
    return [m for m in messages if m["key"].startswith(prefix)]


def test_the_arrears_audience_counts_only_members_behind(channel_db, cm_world, driver):
    reach = world(channel_db, cm_world, driver.channel)
    write_and_choose(driver)
    assert "ผู้รับ 8 คน" in driver.text
    driver.tap("เปลี่ยนผู้รับ")  # from the preview, another audience for the same text
    driver.tap("สมาชิกค้างเงินสัจจะ")
    assert "ส่งถึง: สมาชิกของกองทุนสวัสดิการชุมชนตำบลป่าคลอกที่ค้างเงินสัจจะ" in driver.text
    assert "ผู้รับ 6 คน" in driver.text and "ติดต่อไม่ได้ 4 คน" in driver.text
    driver.tap("ส่งเลย")
    driver.tap("ยืนยันส่งประกาศ")
    (item,) = announcements_of(channel_db)
    JOB.run(channel_db, at(2026, 11, 29, 10, 1), BANGKOK)
    got = {r.member_id for r in outbox(channel_db, source=f"announcement:{item.id}")}
    with channel_db() as s:
        linked = set(s.scalars(select(ChatAccount.member_id).where(ChatAccount.unreachable_at.is_(None))))
        reachable = reach.arrears_ids & linked
    assert got == reachable and len(got) == 2
