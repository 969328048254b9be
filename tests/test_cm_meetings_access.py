"""Who may call, move and cancel meetings: a committee member for their own fund, the network's admin
for a network assembly too (every fund's members). A plain member, another fund's committee and a
forged network press are refused and audited. Each test runs on the simulator, LINE and Telegram."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from handlers import buttons as B
from models import CommitteeRole, Fund
from scheduler.jobs import JOBS
from tests.cm_meetings_helpers import audits, labels, meetings_of, members_with_chats, pushed
from tests.committee_fixtures import refusals, seat
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_meeting, make_member
from tests.jobs_fixtures import at

MEETINGS = next(job for job in JOBS if job.name == "meetings")


def _meeting(channel_db, fund_id: int | None, day: int = 10) -> int:
    with channel_db() as s, s.begin():
        fund = s.get(Fund, fund_id) if fund_id is not None else None
        title = "สมัชชาเครือข่าย" if fund is None else "ประชุมใหญ่สามัญประจำปี"
        return make_meeting(s, fund, datetime(2026, 12, day, 14, 0, tzinfo=BANGKOK), title=title).id


def _admin(channel_db, world, new_driver):
    """The network's admin, a member of Kamala."""
    admin = new_driver()
    with channel_db() as s, s.begin():
        seat(s, admin.user, s.get(Fund, world.other_id), channel=admin.channel, roles=("admin",),
             first_name="สมชาย")
    return admin


def test_the_admin_calls_a_network_assembly_that_reaches_every_funds_members(driver, cm_world, channel_db,
                                                                              new_driver):
    ours, theirs = members_with_chats(channel_db, cm_world, new_driver, home=1, other=1)
    admin = _admin(channel_db, cm_world, new_driver)
    admin.press(B.CM_MEETINGS)
    admin.tap("นัดประชุมใหม่")
    assert "ประชุมสมัชชาของเครือข่าย" in admin.text and "กมลา" in admin.text
    assert labels(admin) == ["ประชุมของกองทุน", "สมัชชาเครือข่าย", "ยกเลิก"]
    admin.say("เครือข่าย")  # typed: the choice is by button
    assert "กรุณากดเลือกปุ่ม" in admin.text
    admin.tap("สมัชชาเครือข่าย")
    admin.say("สมัชชากองทุนสวัสดิการชุมชนจังหวัดภูเก็ต")
    admin.say("3/12/2569 13:00")
    admin.say("ศาลากลางจังหวัดภูเก็ต")
    admin.tap("ไม่มีวาระ")
    assert "ผู้จัด: เครือข่ายกองทุนสวัสดิการชุมชน (ทุกกองทุน)" in admin.text
    assert "สมาชิกที่ติดต่อทางแชตได้ 4 คน" in admin.text  # both funds, the chair and the admin too
    admin.tap("ยืนยันนัดประชุม")
    assert "นัดประชุมเรียบร้อยแล้วค่ะ" in admin.text
    [assembly] = meetings_of(channel_db)
    assert assembly.fund_id is None
    [row] = audits(channel_db, "meeting.schedule")
    assert row.detail["fund_id"] is None

    MEETINGS.run(channel_db, at(2026, 11, 30, 9, 0), BANGKOK)
    for person in (ours, theirs, driver, admin):
        [reminder] = pushed(channel_db, person, kind="meeting_reminder")
        assert "สมัชชากองทุนสวัสดิการชุมชนจังหวัดภูเก็ต" in reminder
    driver.press(B.CM_MEETINGS)  # Pa Khlok's committee sees the assembly, and cannot change it
    assert "สมัชชากองทุนสวัสดิการชุมชนจังหวัดภูเก็ต" in driver.text and "ผู้จัด: เครือข่าย" in driver.text
    assert labels(driver) == ["นัดประชุมใหม่", "ยกเลิก"]
    admin.press(B.CM_MEETINGS)
    admin.tap("ยกเลิกนัด 1")
    admin.tap("ยืนยันยกเลิกนัด")
    assert "ส่งแจ้งสมาชิก 4 คนทางแชตแล้ว" in admin.text
    assert len(pushed(channel_db, theirs, kind="meeting_change")) == 1
    assert len(pushed(channel_db, ours, kind="meeting_change")) == 1


def test_a_committee_member_never_sees_the_network_choice_and_a_forged_press_is_refused(driver, cm_world,
                                                                                       channel_db):
    driver.press(B.CM_MEET_NEW)
    assert "ประชุมเรื่องอะไรคะ" in driver.text
    driver.press(f"{B.CM_MEET_SCOPE}net")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    [row] = refusals(channel_db, tried="meetings.create_network")
    assert row.detail["reason"] == "other_fund"
    driver.say("ประชุมคณะกรรมการ")  # the dialog was ended by the refusal
    assert "วันที่เท่าไร" not in driver.text
    assert meetings_of(channel_db) == []


def test_a_plain_member_is_refused_by_text_and_by_forged_buttons(driver, channel_db, cm_world):
    other_meeting = _meeting(channel_db, cm_world.home_id)
    person = driver
    with channel_db() as s, s.begin():  # the driver's chat is Pa Khlok's chair: take the role away
        s.execute(delete(CommitteeRole))
    person.say("เมนูกรรมการ")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in person.text
    for data in (B.CM_MEETINGS, B.CM_MEET_NEW, f"{B.CM_MEET_SCOPE}fund", f"{B.CM_MEET_TITLE}0",
                 f"{B.CM_MEET_MOVE}{other_meeting}", f"{B.CM_MEET_CANCEL}{other_meeting}",
                 f"{B.CM_MEET_CONFIRM}made-up-token", B.CM_MEET_NO_AGENDA):
        person.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in person.text, data
    rows = refusals(channel_db)
    assert len(rows) == 9 and {r.detail["reason"] for r in rows} == {"no_role"}
    assert {"meetings.list", "meetings.create", "meetings.move", "meetings.cancel", "meetings.confirm"} <= {
        r.detail["tried"] for r in rows}
    assert meetings_of(channel_db)[0].status == "scheduled" and audits(channel_db, "meeting.cancel") == []


def test_a_role_taken_away_mid_way_refuses_the_next_typed_step(driver, cm_world, channel_db):
    driver.press(B.CM_MEET_NEW)
    driver.tap("ประชุมคณะกรรมการ")
    with channel_db() as s, s.begin():
        s.execute(delete(CommitteeRole))
    driver.say("15/12/2569 14:00")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    [row] = refusals(channel_db)
    assert row.detail["tried"] == "meetings.create"
    driver.say("ศาลาประชาคม")
    assert "สำหรับคณะกรรมการ" not in driver.text and meetings_of(channel_db) == []


def test_another_funds_meeting_by_a_forged_id_is_refused_and_left_alone(driver, cm_world, channel_db,
                                                                        new_driver):
    kamala = _meeting(channel_db, cm_world.other_id)
    network = _meeting(channel_db, None, day=12)
    with channel_db() as s, s.begin():
        theirs = new_driver()
        link_chat(s, theirs.user, make_member(s, s.get(Fund, cm_world.other_id)), channel=theirs.channel)
    driver.press(B.CM_MEETINGS)
    assert "ประชุมใหญ่สามัญประจำปี" not in driver.text  # Kamala's meeting is not listed to Pa Khlok
    for data in (f"{B.CM_MEET_MOVE}{kamala}", f"{B.CM_MEET_CANCEL}{kamala}", f"{B.CM_MEET_MOVE}{network}",
                 f"{B.CM_MEET_CANCEL}{network}"):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text, data
    rows = refusals(channel_db)
    assert [r.detail["tried"] for r in rows] == ["meetings.move", "meetings.cancel"] * 2
    assert {r.detail["reason"] for r in rows} == {"other_fund"}
    assert all(m.status == "scheduled" and m.previous_starts_at is None for m in meetings_of(channel_db))
    assert pushed(channel_db, theirs) == []
    driver.press(f"{B.CM_MEET_MOVE}999999")  # no such meeting: an expired button, nothing else
    assert "ปุ่มนี้หมดอายุแล้วค่ะ" in driver.text


def test_the_admin_may_move_any_funds_meeting(driver, cm_world, channel_db, new_driver):
    home = _meeting(channel_db, cm_world.home_id)
    admin = _admin(channel_db, cm_world, new_driver)
    admin.press(f"{B.CM_MEET_MOVE}{home}")
    admin.say("11/12/2569 14:00")
    admin.tap("ยืนยันเลื่อนนัด")
    assert "เลื่อนการประชุมเรียบร้อยแล้วค่ะ" in admin.text
    assert meetings_of(channel_db)[0].starts_at == datetime(2026, 12, 11, 14, 0, tzinfo=BANGKOK)
    assert refusals(channel_db) == []
