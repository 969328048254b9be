"""A member turns each kind of pushed message off and on from the chat (every channel): buttons per
kind, typed words for all at once, audited; the dues job then leaves them out. Guests are told to
link first."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, Member
from scheduler.jobs import JOBS
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_fund, make_member
from tests.jobs_fixtures import JOINED, at, outbox

DUES = next(job for job in JOBS if job.name == "dues")


def _linked(channel_db, driver) -> int:
    with channel_db() as s, s.begin():
        member = make_member(s, make_fund(s), joined_on=JOINED, months_paid=11)
        link_chat(s, driver.user, member, channel=driver.channel)
        return member.id


def _choices(channel_db, member_id: int) -> tuple[bool, bool, bool]:
    with channel_db() as s:
        m = s.get(Member, member_id)
        return m.notify_dues, m.notify_meetings, m.notify_announcements


def test_each_kind_is_turned_off_and_on_with_its_button(driver, channel_db):
    member_id = _linked(channel_db, driver)
    driver.say("เมนู")
    driver.tap("การแจ้งเตือน")
    assert "แจ้งเตือนเงินสัจจะ: เปิดอยู่" in driver.text and "ประกาศของกองทุน: เปิดอยู่" in driver.text
    driver.tap("ปิด: เงินสัจจะ")
    assert "บันทึก" in driver.text and "แจ้งเตือนเงินสัจจะ: ปิดอยู่" in driver.text
    assert "สมาชิกภาพใกล้จะสิ้นสุดลง น้องกองทุนจะยังแจ้งเตือนท่านก่อนค่ะ" in driver.text  # the lapse warning
    assert _choices(channel_db, member_id) == (False, True, True)
    assert "notif:on:dues" in {b.data for b in driver.buttons()}
    DUES.run(channel_db, at(2026, 12, 1, 9), BANGKOK)
    assert outbox(channel_db, member_id=member_id) == []  # the choice is kept: no reminder
    driver.tap("เปิด: เงินสัจจะ")
    assert _choices(channel_db, member_id) == (True, True, True)
    with channel_db() as s:
        query = select(AuditLog).where(AuditLog.action == "member.notifications").order_by(AuditLog.id)
        logs = [log.detail for log in s.scalars(query)]
    assert logs == [{"dues": False}, {"dues": True}]


def test_typed_words_turn_everything_off_and_on(driver, channel_db):
    member_id = _linked(channel_db, driver)
    driver.say("ปิดการแจ้งเตือนค่ะ")
    assert "ปิดการแจ้งเตือนทั้งหมดเรียบร้อยแล้วค่ะ" in driver.text
    assert _choices(channel_db, member_id) == (False, False, False)
    driver.say("เปิดการแจ้งเตือน")
    assert _choices(channel_db, member_id) == (True, True, True)
    driver.say("การแจ้งเตือน")  # neither: shows the choices, changes nothing
    assert "เปิดอยู่" in driver.text and _choices(channel_db, member_id) == (True, True, True)


def test_how_people_type_it(driver, channel_db):
    member_id = _linked(channel_db, driver)
    for typed, wanted in [("หยุดเตือนค่ะ", False), ("เปิดเตือนค่ะ", True), ("ไม่ต้องเปิดแจ้งเตือน", False),
                          ("เปิดเเจ้งเตือนด้วยค่ะ", True),  # เเ typed for แ
                          ("ยกเลิกการแจ้งเตือน", False), ("แจ้งเตื่อน เปิด", True), ("เลิกเตือนได้แล้ว", False)]:
        driver.say(typed)
        assert _choices(channel_db, member_id) == (wanted,) * 3, typed


def test_english_chat(driver, channel_db):
    member_id = _linked(channel_db, driver)
    driver.press("lang:en")
    driver.say("turn off notifications")
    assert "All notifications are off" in driver.text
    driver.tap("Meetings: turn on")
    assert _choices(channel_db, member_id) == (False, True, False)
    assert "still warn you before your membership would end" in driver.text


def test_a_guest_is_told_to_link_first(driver, channel_db):
    driver.press("notif")
    assert "ลงทะเบียนก่อน" in driver.text
    driver.say("ปิดการแจ้งเตือน")
    assert "ลงทะเบียนก่อน" in driver.text
    with channel_db() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.action == "member.notifications")).all() == []


def test_a_kind_named_in_typed_words_is_the_only_one_switched(driver, channel_db):
    member_id = _linked(channel_db, driver)
    driver.say("ปิดแจ้งเตือนประชุมค่ะ")
    assert "บันทึก" in driver.text and "แจ้งเตือนการประชุม: ปิดอยู่" in driver.text
    assert _choices(channel_db, member_id) == (True, False, True)
    driver.say("เปิดการแจ้งเตือน")
    assert _choices(channel_db, member_id) == (True, True, True)


def test_turning_a_kind_off_withdraws_its_waiting_messages_but_not_the_lapse_warning(jobs_db):
    from messaging.values import Text
    from services import notifications
    from services import outbox as rows_out

    with jobs_db() as s, s.begin():
        member = make_member(s, make_fund(s), joined_on=JOINED)
        other = make_member(s, make_fund(s, "KATHU"), joined_on=JOINED)
        for who, kind in [(member, "dues_reminder"), (member, "lapse_warning"), (member, "meeting_reminder"),
                          (member, "announcement"), (other, "dues_reminder")]:
            rows_out.enqueue(s, key=f"{kind}:{who.id}", channel="line", user_id=f"U{who.id}",
                             replies=[Text("ค่ะ")], member_id=who.id, kind=kind)
        notifications.set_choices(s, member, {"dues": False, "meetings": False}, actor="chat")
    status = {(r.member_id, r.kind): (r.status, r.last_error) for r in outbox(jobs_db)}
    off = ("expired", "notifications turned off")
    assert status[(member.id, "dues_reminder")] == status[(member.id, "meeting_reminder")] == off
    assert status[(member.id, "lapse_warning")] == ("pending", None)  # about losing the membership
    assert status[(member.id, "announcement")] == ("pending", None)  # still on
    assert status[(other.id, "dues_reminder")] == ("pending", None)
