"""A meeting called in the committee's chat is reminded by the scheduler; moving it tells the members
at once and reminds them again at the new time; cancelling tells them and withdraws the reminders.
Each test runs on the simulator, LINE and Telegram (the clock: Sunday 29 November 2026, 10:00)."""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from scheduler.jobs import JOBS
from tests.cm_meetings_helpers import audits, create_meeting, labels, meetings_of, members_with_chats, pushed
from tests.conftest import BANGKOK
from tests.jobs_fixtures import at, outbox

MEETINGS = next(job for job in JOBS if job.name == "meetings")


def test_a_meeting_called_in_the_chat_is_reminded_by_the_meetings_job(driver, cm_world, channel_db,
                                                                      new_driver):
    ours, theirs = members_with_chats(channel_db, cm_world, new_driver, home=1, other=1)
    create_meeting(driver, when="15/12/2569 14:00", agenda="รายงานการเงิน")
    assert MEETINGS.run(channel_db, at(2026, 12, 12, 8, 59), BANGKOK) == 0
    MEETINGS.run(channel_db, at(2026, 12, 12, 9, 0), BANGKOK)
    [reminder] = pushed(channel_db, ours, kind="meeting_reminder")
    assert "อีก 3 วันจะมีการประชุม" in reminder and "ประชุมคณะกรรมการ" in reminder
    assert "วันอังคารที่ 15 ธันวาคม 2569 เวลา 14:00 น." in reminder and "ศาลาประชาคมหมู่ 3" in reminder
    assert "วาระ: รายงานการเงิน" in reminder
    assert pushed(channel_db, theirs) == []  # Kamala's members: not their fund's meeting
    assert len(pushed(channel_db, driver, kind="meeting_reminder")) == 1  # the committee are members too


def test_moving_a_meeting_tells_its_members_and_reminds_them_at_the_new_time(driver, cm_world, channel_db,
                                                                          new_driver):
    ours, second, theirs = members_with_chats(channel_db, cm_world, new_driver, home=2, other=1)
    create_meeting(driver, when="15/12/2569 14:00")
    MEETINGS.run(channel_db, at(2026, 12, 12, 9, 0), BANGKOK)  # reminded already (waiting to be sent)
    [meeting] = meetings_of(channel_db)

    driver.press(B.CM_MEETINGS)
    driver.tap("เลื่อนนัด 1")
    assert "เลื่อนประชุมคณะกรรมการ" in driver.text and "วันอังคารที่ 15 ธันวาคม 2569 เวลา 14:00 น." in driver.text
    assert labels(driver) == ["ยกเลิก"]
    driver.say("15/12/2569 14.00 น.")
    assert "ตรงกับที่นัดไว้เดิม" in driver.text
    driver.say("พรุ่งนี้")
    assert "เริ่มประชุมกี่โมงคะ" in driver.text
    driver.say("1/11/2569 9:00")
    assert "วันเวลานี้ผ่านไปแล้วค่ะ" in driver.text
    driver.say("22 ธ.ค. 2569 9.30")
    card = driver.text
    assert "ยืนยันเลื่อนการประชุมนี้ไหมคะ" in card
    assert "เดิม: วันอังคารที่ 15 ธันวาคม 2569 เวลา 14:00 น." in card
    assert "เปลี่ยนเป็น: วันอังคารที่ 22 ธันวาคม 2569 เวลา 09:30 น." in card
    assert "ยามค่ำคืน" not in card and labels(driver) == ["ยืนยันเลื่อนนัด", "เปลี่ยนวันเวลาอีก", "ยกเลิก"]
    assert audits(channel_db, "meeting.move") == []
    [confirm] = [b for b in driver.buttons() if b.label == "ยืนยันเลื่อนนัด"]
    driver.press(confirm.data)
    assert "เลื่อนการประชุมเรียบร้อยแล้วค่ะ" in driver.text and "ส่งแจ้งสมาชิก 3 คนทางแชตแล้ว" in driver.text
    driver.press(confirm.data)  # pressed again: nothing more
    assert "ยืนยันไปแล้วค่ะ" in driver.text and "เลื่อนการประชุม \"ประชุมคณะกรรมการ\" ไปแล้วค่ะ" in driver.text

    [moved] = meetings_of(channel_db)
    assert moved.starts_at == datetime(2026, 12, 22, 9, 30, tzinfo=BANGKOK)
    assert moved.previous_starts_at == meeting.starts_at
    [row] = audits(channel_db, "meeting.move")
    assert row.entity_id == str(meeting.id) and row.actor.startswith("chat:")
    assert row.detail["previous"].startswith("2026-12-15T07:00") and row.detail["starts_at"].startswith(
        "2026-12-22T02:30")
    for person in (ours, second):
        [notice] = pushed(channel_db, person, kind="meeting_change")
        assert "แจ้งเปลี่ยนวันเวลาประชุมค่ะ" in notice and "จากเดิม วันอังคารที่ 15 ธันวาคม 2569" in notice
        assert "เปลี่ยนเป็น วันอังคารที่ 22 ธันวาคม 2569 เวลา 09:30 น." in notice
    assert pushed(channel_db, theirs) == []
    old = [r for r in outbox(channel_db, kind="meeting_reminder")]
    assert old and all(r.status == "expired" for r in old)  # the old time's reminders never go

    MEETINGS.run(channel_db, at(2026, 12, 19, 9, 0), BANGKOK)
    fresh = [r for r in outbox(channel_db, kind="meeting_reminder") if r.status != "expired"]
    assert {r.member_id for r in fresh} >= {cm_world.chair_id} and len(fresh) == 3
    assert all(":20261222T0230Z:" in r.key for r in fresh)


def test_cancelling_a_meeting_tells_its_members_and_no_reminder_goes(driver, cm_world, channel_db,
                                                                   new_driver):
    ours, theirs = members_with_chats(channel_db, cm_world, new_driver, home=1, other=1)
    create_meeting(driver, title="ประชุมสมาชิกรายเดือน", when="3/12/2569 14:00")
    create_meeting(driver, when="10/12/2569 14:00")
    driver.press(B.CM_MEETINGS)
    assert driver.text.index("ประชุมสมาชิกประจำเดือน") < driver.text.index("ประชุมคณะกรรมการ")  # soonest first
    driver.tap("ยกเลิกนัด 2")
    card = driver.text
    assert "ยืนยันยกเลิกการประชุมนี้ไหมคะ" in card and "ประชุมคณะกรรมการ" in card
    assert "วันพฤหัสบดีที่ 10 ธันวาคม 2569 เวลา 14:00 น." in card and "2 คน" in card
    assert labels(driver) == ["ยืนยันยกเลิกนัด", "ไม่ยกเลิก"]
    driver.tap("ไม่ยกเลิก")  # kept: back to the list, nothing done
    assert "2. ประชุมคณะกรรมการ" in driver.text and audits(channel_db, "meeting.cancel") == []
    driver.tap("ยกเลิกนัด 2")
    driver.say("ใช่")  # typed at the summary: what to press
    assert "กดปุ่มยืนยันใต้สรุป" in driver.text and "ยืนยันยกเลิกนัด" in labels(driver)
    [confirm] = [b for b in driver.buttons() if b.label == "ยืนยันยกเลิกนัด"]
    driver.press(confirm.data)
    assert "ยกเลิกการประชุมเรียบร้อยแล้วค่ะ" in driver.text and "ส่งแจ้งสมาชิก 2 คนทางแชตแล้ว" in driver.text
    assert "ยามค่ำคืน" not in driver.text  # at 10:00 the news goes now
    driver.press(confirm.data)
    assert "ยืนยันไปแล้วค่ะ" in driver.text

    cancelled = meetings_of(channel_db)[1]
    assert cancelled.status == "cancelled"
    [row] = audits(channel_db, "meeting.cancel")
    assert row.entity_id == str(cancelled.id) and row.actor.startswith("chat:")
    [notice] = pushed(channel_db, ours, kind="meeting_change")
    assert "แจ้งยกเลิกการประชุมค่ะ" in notice and "วันพฤหัสบดีที่ 10 ธันวาคม 2569" in notice
    assert pushed(channel_db, theirs) == []
    MEETINGS.run(channel_db, at(2026, 12, 7, 9, 0), BANGKOK)
    assert [k for k in (r.key for r in outbox(channel_db, kind="meeting_reminder"))
            if k.startswith(f"meeting:{cancelled.id}:")] == []
    driver.press(B.CM_MEETINGS)
    assert "ประชุมคณะกรรมการ" not in driver.text and labels(driver) == [
        "นัดประชุมใหม่", "เลื่อนนัด 1", "ยกเลิกนัด 1", "ยกเลิก"]
    driver.press(f"{B.CM_MEET_MOVE}{cancelled.id}")  # an old button of the cancelled meeting
    assert "ถูกยกเลิกไปแล้วค่ะ" in driver.text


def test_moving_in_english_and_cancel_mid_way(driver, cm_world, channel_db):
    create_meeting(driver, when="15/12/2569 14:00")
    driver.press(B.LANGUAGE_SET + "en")
    driver.press(B.CM_MEETINGS)
    assert "Upcoming meetings of Pa Khlok Fund" in driver.text
    assert "Tuesday 15 December 2026 at 14:00" in driver.text
    driver.tap("Move 1")
    assert "Move Committee meeting" in driver.text
    driver.say("16/12/2026 25:00")
    assert "That time is not valid" in driver.text
    driver.say("16/12/2026 10:00")
    assert "Move this meeting?" in driver.text and "Wednesday 16 December 2026 at 10:00" in driver.text
    driver.tap("Cancel")
    assert meetings_of(channel_db)[0].starts_at == datetime(2026, 12, 15, 14, 0, tzinfo=BANGKOK)
    assert audits(channel_db, "meeting.move") == []


def test_at_night_the_committee_is_told_the_news_arrives_in_the_morning(driver, cm_world, channel_db,
                                                                       new_driver, clock):
    members_with_chats(channel_db, cm_world, new_driver, home=1, other=0)
    create_meeting(driver, when="10/12/2569 14:00")
    clock.now = datetime(2026, 11, 29, 22, 30, tzinfo=BANGKOK)  # the quiet hours (21:00-08:00)
    driver.press(B.CM_MEETINGS)
    driver.tap("เลื่อนนัด 1")
    driver.say("22 ธ.ค. 2569 9.30")
    assert "ตอนนี้อยู่ในช่วงงดส่งข้อความยามค่ำคืน จะถึงสมาชิกตอนเช้า" in driver.text
    driver.tap("ยืนยันเลื่อนนัด")
    assert "ทางแชตแล้ว (ตอนนี้อยู่ในช่วงงดส่งข้อความยามค่ำคืน จะถึงสมาชิกตอนเช้า) และจะแจ้งเตือน" in driver.text
    driver.press(B.CM_MEETINGS)
    driver.tap("ยกเลิกนัด 1")
    driver.tap("ยืนยันยกเลิกนัด")
    assert "ทางแชตแล้วค่ะ (ตอนนี้อยู่ในช่วงงดส่งข้อความยามค่ำคืน จะถึงสมาชิกตอนเช้า)" in driver.text
