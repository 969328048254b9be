"""After the confirmation: the fund's announcements (those still to go first) with their delivery
report; one scheduled can be cancelled (confirmed once: it then never goes) or given a new time or
text before it goes. Presses naming another fund's announcement are refused and audited."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import Announcement, AnnouncementState, AuditLog, CommitteeRole, Fund, OutboxMessage
from scheduler.jobs import JOBS
from services import announcements
from tests.committee_fixtures import refusals
from tests.conftest import BANGKOK
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox

JOB = next(job for job in JOBS if job.name == "announcements")


def scheduled(Session, fund_id: int | None, when, text: str = "ประชุมใหญ่วันเสาร์นี้ค่ะ") -> int:
    with Session() as s, s.begin():
        item = announcements.create_draft(s, fund_id=fund_id, text_th=text, author="chat:9",
                                          at=at(2026, 11, 28))
        announcements.schedule(s, item, when, actor="chat:9", at=at(2026, 11, 28))
        return item.id


def state_of(Session, item_id: int) -> Announcement:
    with Session() as s:
        return s.get(Announcement, item_id)


def schedule_by_chat(driver, when: str = "1/12/2569 09:00") -> None:
    driver.press(B.CM_ANN_NEW)
    driver.say("งดรับเงินวันจันทร์ค่ะ")
    driver.tap("สมาชิกทุกคน")
    driver.tap("ตั้งเวลาส่ง")
    driver.say(when)


def test_pressing_confirm_twice_schedules_once(driver, channel_db, cm_world):
    schedule_by_chat(driver)
    (confirm,) = [b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_OK)]
    driver.press(confirm)
    assert "ตั้งเวลาส่งประกาศ" in driver.text
    driver.press(confirm)  # pressed again, or delivered twice
    assert "ยืนยันไปแล้ว" in driver.text
    with channel_db() as s:
        assert len(s.scalars(select(Announcement)).all()) == 1
        assert s.scalars(select(AuditLog.action).where(AuditLog.action == "announcement.schedule")).all() == [
            "announcement.schedule"]


def test_the_list_puts_scheduled_first_and_reports_delivery(driver, channel_db, cm_world):
    with channel_db() as s, s.begin():
        for _ in range(3):
            member_with_chat(s, s.get(Fund, cm_world.home_id), joined_on=JOINED)
    sent = scheduled(channel_db, cm_world.home_id, at(2026, 11, 28, 9), "ประกาศเก่าที่ส่งแล้ว")
    JOB.run(channel_db, at(2026, 11, 28, 9), BANGKOK)
    with channel_db() as s, s.begin():  # what the dispatcher made of the rows
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.source == f"announcement:{sent}")
                         .order_by(OutboxMessage.id)).all()
        rows[0].status, rows[1].status = "sent", "unreachable"
        rows[2].status = "held"
    later = scheduled(channel_db, cm_world.home_id, at(2026, 12, 5, 9), "ประกาศที่รอส่ง")
    scheduled(channel_db, cm_world.other_id, at(2026, 12, 5, 9), "ของกองทุนอื่น")
    driver.press(B.CM_ANNOUNCE)
    driver.tap("ประกาศของกองทุน")
    text = driver.text
    assert text.index("ประกาศที่รอส่ง") < text.index("ประกาศเก่าที่ส่งแล้ว")
    assert "ของกองทุนอื่น" not in text
    assert "1. ⏰ รอส่ง วันเสาร์ที่ 5 ธันวาคม 2569" in text
    driver.tap("ดูรายการที่ 2")
    report = driver.text
    assert "ส่งแล้ว" in report and "รายงานการส่ง (4 ข้อความ)" in report  # three members and the chair
    assert "ส่งถึงแล้ว 1" in report and "ติดต่อไม่ได้ (บล็อกหรือเลิกติดตาม) 1" in report
    assert "รอโควตา LINE 1" in report and "รอส่ง 1" in report and "ส่งไม่สำเร็จ 0" in report
    assert "ยกเลิกประกาศนี้" not in driver.labels()  # too late to cancel what went
    driver.press(f"{B.CM_ANN_SHOW}{later}")
    assert {"แก้ข้อความ", "เปลี่ยนเวลาส่ง", "ยกเลิกประกาศนี้"} <= set(driver.labels())
    assert "ผู้รับ 7 คน" in driver.text and "ติดต่อไม่ได้ 3 คน" in driver.text  # 3 plain members: no chat


def test_cancelled_before_its_time_it_never_goes_and_confirming_twice_acts_once(driver, channel_db,
                                                                                 cm_world):
    item_id = scheduled(channel_db, cm_world.home_id, at(2026, 12, 1, 9))
    driver.press(f"{B.CM_ANN_SHOW}{item_id}")
    driver.tap("ยกเลิกประกาศนี้")
    assert "ยกเลิกประกาศที่จะส่งวันอังคารที่ 1 ธันวาคม 2569 เวลา 09:00 น. ใช่ไหมคะ" in driver.text
    (yes,) = [b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_CANCEL_OK)]
    driver.press(yes)
    assert "ยกเลิกประกาศเรียบร้อยแล้ว" in driver.text
    driver.press(yes)
    assert "ยืนยันไปแล้ว" in driver.text
    assert state_of(channel_db, item_id).state == AnnouncementState.CANCELLED
    for moment in (at(2026, 12, 1, 9), at(2026, 12, 2, 9), at(2026, 12, 8, 9)):
        assert JOB.run(channel_db, moment, BANGKOK) == 0
    assert outbox(channel_db, source=f"announcement:{item_id}") == []
    with channel_db() as s:
        cancels = s.scalars(select(AuditLog).where(AuditLog.action == "announcement.cancel")).all()
        assert len(cancels) == 1 and cancels[0].actor.startswith("chat:")
    driver.press(f"{B.CM_ANN_CANCEL}{item_id}")  # an old button: too late now
    assert "ยกเลิกไม่ได้" in driver.text


def test_a_change_of_time_is_audited_and_it_goes_at_the_new_time(driver, channel_db, cm_world):
    item_id = scheduled(channel_db, cm_world.home_id, at(2026, 12, 1, 9))
    driver.press(f"{B.CM_ANN_SHOW}{item_id}")
    driver.tap("เปลี่ยนเวลาส่ง")
    assert "เดิมตั้งไว้ส่งวันอังคารที่ 1 ธันวาคม 2569 เวลา 09:00 น." in driver.text
    driver.say("1/1/2020 09:00")
    assert "ผ่านไปแล้ว" in driver.text  # the step stays open
    driver.say("3 ธ.ค. 2026 16.30")  # Christian era works too
    assert "เปลี่ยนเวลาส่งจากวันอังคารที่ 1 ธันวาคม 2569" in driver.text
    assert state_of(channel_db, item_id).send_at == at(2026, 12, 1, 9)  # nothing until confirmed
    confirm = next(b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_EDIT_OK))
    driver.press(confirm)
    assert "แก้ไขประกาศเรียบร้อยแล้ว" in driver.text
    assert "วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 16:30 น." in driver.text
    assert state_of(channel_db, item_id).send_at == at(2026, 12, 3, 16, 30)
    assert JOB.run(channel_db, at(2026, 12, 1, 9), BANGKOK) == 0
    assert JOB.run(channel_db, at(2026, 12, 3, 16, 30), BANGKOK) == 1  # the chair: the one linked
    with channel_db() as s:
        (change,) = s.scalars(select(AuditLog).where(AuditLog.action == "announcement.change")).all()
        assert change.detail["send_at_before"].startswith("2026-12-01T02:00")  # stored in UTC
        assert change.detail["send_at_after"].startswith("2026-12-03T16:30")


def test_a_change_of_text_keeps_the_text_out_of_the_audit(driver, channel_db, cm_world):
    item_id = scheduled(channel_db, cm_world.home_id, at(2026, 12, 1, 9))
    driver.press(f"{B.CM_ANN_EDIT_TEXT}{item_id}")
    driver.say("  ")
    assert "กรุณาพิมพ์ข้อความ" in driver.text
    driver.say("เลื่อนประชุมเป็นวันอาทิตย์ค่ะ นายสมชาย")
    assert "จะเปลี่ยนเป็นข้อความนี้" in driver.text
    confirm = next(b.data for b in driver.buttons() if b.data.startswith(B.CM_ANN_EDIT_OK))
    driver.press(confirm)
    assert "แก้ไขประกาศเรียบร้อยแล้ว" in driver.text and "เลื่อนประชุมเป็นวันอาทิตย์" in driver.text
    driver.press(confirm)  # pressed twice: changed once
    assert "ยืนยันไปแล้ว" in driver.text
    assert state_of(channel_db, item_id).text_th == "เลื่อนประชุมเป็นวันอาทิตย์ค่ะ นายสมชาย"
    with channel_db() as s:
        (change,) = s.scalars(select(AuditLog).where(AuditLog.action == "announcement.change")).all()
        assert change.detail == {"length_before": 24, "length_after": 38}


def test_a_plain_member_is_refused_by_text_and_by_every_forged_button(driver, channel_db, cm_world):
    item_id = scheduled(channel_db, cm_world.home_id, at(2026, 12, 1, 9))
    driver.press(B.CM_ANNOUNCE)
    driver.tap("เขียนประกาศใหม่")
    with channel_db() as s, s.begin():  # the role is taken away mid-dialog
        for role in s.scalars(select(CommitteeRole)):
            s.delete(role)
    driver.say("ข้อความที่ไม่ควรออกไป")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    for data in (B.CM_ANNOUNCE, B.CM_ANN_NEW, B.CM_ANN_AUDIENCE + "members", B.CM_ANN_NOW, B.CM_ANN_TEST,
                 B.CM_ANN_OK + "x" * 12, B.CM_ANN_LIST, f"{B.CM_ANN_SHOW}{item_id}",
                 f"{B.CM_ANN_CANCEL}{item_id}", f"{B.CM_ANN_CANCEL_OK}{item_id}:abc",
                 f"{B.CM_ANN_EDIT_TIME}{item_id}"):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text, data
    rows = refusals(channel_db)
    assert len(rows) == 12 and {r.detail["reason"] for r in rows} == {"no_role"}
    assert state_of(channel_db, item_id).state == AnnouncementState.SCHEDULED
    with channel_db() as s:
        assert s.scalars(select(Announcement)).all()[1:] == []


def test_another_funds_announcement_by_a_forged_id_is_refused_and_audited(driver, channel_db, cm_world):
    theirs = scheduled(channel_db, cm_world.other_id, at(2026, 12, 1, 9))
    network = scheduled(channel_db, None, at(2026, 12, 1, 9))
    for data in (f"{B.CM_ANN_SHOW}{theirs}", f"{B.CM_ANN_CANCEL}{theirs}",
                 f"{B.CM_ANN_CANCEL_OK}{theirs}:tok", f"{B.CM_ANN_EDIT_TEXT}{theirs}",
                 f"{B.CM_ANN_EDIT_TIME}{theirs}", f"{B.CM_ANN_SHOW}{network}", f"{B.CM_ANN_CANCEL}{network}"):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text and "ประชุมใหญ่" not in driver.text
    rows = refusals(channel_db)
    assert len(rows) == 7 and {r.detail["reason"] for r in rows} == {"other_fund"}
    assert {r.detail["tried"] for r in rows} == {"announce.report", "announce.cancel", "announce.change"}
    assert {state_of(channel_db, i).state for i in (theirs, network)} == {AnnouncementState.SCHEDULED}
    driver.press(f"{B.CM_ANN_SHOW}99999")
    assert "ไม่พบประกาศนี้" in driver.text
