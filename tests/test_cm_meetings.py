"""Calling a meeting in the committee's chat: the list, each step with its buttons, the summary in
Buddhist Era with the weekday, the confirmation acting once, and the meeting in the members' own
meetings list. Each test runs on the simulator, LINE and Telegram (`driver` is Pa Khlok's committee
member; the clock stands at Sunday 29 November 2026, 10:00 in Bangkok)."""

from __future__ import annotations

from datetime import datetime

from handlers import buttons as B
from tests.cm_meetings_helpers import audits, create_meeting, labels, meetings_of, members_with_chats
from tests.conftest import BANGKOK
from tests.factories import make_meeting
from tests.registration import THAI_CHARS, assert_buttons_fit


def test_calling_a_meeting_step_by_step_in_thai(driver, cm_world, channel_db, new_driver):
    members_with_chats(channel_db, cm_world, new_driver, home=2, other=1)
    driver.press(B.COMMITTEE)
    driver.tap("นัดประชุม")
    assert "ยังไม่มีการประชุมที่นัดไว้" in driver.text and "ป่าคลอก" in driver.text
    assert labels(driver) == ["นัดประชุมใหม่", "ยกเลิก"]
    driver.tap("นัดประชุมใหม่")
    assert "ประชุมเรื่องอะไรคะ" in driver.text and "สมัชชา" not in driver.text  # no network choice
    assert labels(driver) == ["ประชุมใหญ่ประจำปี", "ประชุมคณะกรรมการ", "ประชุมสมาชิกรายเดือน", "ยกเลิก"]
    assert_buttons_fit(driver)
    driver.tap("ประชุมใหญ่ประจำปี")
    assert "เรื่อง \"ประชุมใหญ่สามัญประจำปี\" นะคะ" in driver.text and "วันที่เท่าไร กี่โมงคะ" in driver.text
    assert labels(driver) == ["ยกเลิก"]
    driver.say("๑๕ ธ.ค. ๖๙ บ่ายสองครึ่ง")  # Thai digits, a short Buddhist year, a spoken time
    assert "ประชุมที่ไหนคะ" in driver.text and labels(driver) == ["ยกเลิก"]  # no meeting before: no button
    driver.say("ศาลาประชาคม   หมู่ 3")
    assert "มีวาระการประชุมไหมคะ" in driver.text and labels(driver) == ["ไม่มีวาระ", "ยกเลิก"]
    driver.say("1. รับรองรายงานการประชุม\n2. รายงานการเงินประจำปี")
    card = driver.text
    assert "ยืนยันนัดประชุมนี้ไหมคะ" in card
    assert "วันอังคารที่ 15 ธันวาคม 2569" in card and "14:30 น." in card
    assert "ศาลาประชาคม หมู่ 3" in card and "กองทุนสวัสดิการชุมชนตำบลป่าคลอก" in card
    assert "2. รายงานการเงินประจำปี" in card and "สมาชิกที่ติดต่อทางแชตได้ 3 คน" in card  # with the chair
    assert labels(driver) == ["ยืนยันนัดประชุม", "ยกเลิก"]
    assert meetings_of(channel_db) == []  # nothing before the confirmation
    driver.tap("ยืนยันนัดประชุม")
    assert "นัดประชุมเรียบร้อยแล้วค่ะ" in driver.text and "3 วันก่อนประชุม" in driver.text
    assert {"ดูรายการประชุม", "กลับเมนูกรรมการ"} <= set(driver.labels())

    [meeting] = meetings_of(channel_db)
    assert meeting.fund_id == cm_world.home_id and meeting.title_th == "ประชุมใหญ่สามัญประจำปี"
    assert meeting.title_en == "Annual general meeting"  # a common title is known in English
    assert meeting.starts_at == datetime(2026, 12, 15, 14, 30, tzinfo=BANGKOK)
    assert meeting.place_th == "ศาลาประชาคม หมู่ 3" == meeting.place_en  # typed in Thai: English falls back
    assert meeting.agenda_th.startswith("1. รับรองรายงานการประชุม\n2.")
    [row] = audits(channel_db, "meeting.schedule")
    assert row.entity_id == str(meeting.id) and row.actor.startswith("chat:")
    assert row.detail["fund_id"] == cm_world.home_id and "ประชุม" not in str(row.detail)

    driver.tap("ดูรายการประชุม")
    assert "1. ประชุมใหญ่สามัญประจำปี" in driver.text and "วันอังคารที่ 15 ธันวาคม 2569 เวลา 14:30 น." in driver.text
    assert labels(driver) == ["นัดประชุมใหม่", "เลื่อนนัด 1", "ยกเลิกนัด 1", "ยกเลิก"]
    member = new_driver()
    member.press(B.MEETINGS)  # a guest sees only network meetings; the fund's members see theirs
    assert "ประชุมใหญ่สามัญประจำปี" not in member.text


def test_the_members_see_it_in_their_meetings_list(driver, cm_world, channel_db, new_driver):
    [ours, *_] = members_with_chats(channel_db, cm_world, new_driver, home=1, other=1)
    create_meeting(driver)
    ours.press(B.MEETINGS)
    assert "ประชุมคณะกรรมการ" in ours.text and "ศาลาประชาคมหมู่ 3" in ours.text


def test_typed_title_the_last_place_offered_and_no_agenda(driver, cm_world, channel_db):
    with channel_db() as s, s.begin():
        from models import Fund

        make_meeting(s, s.get(Fund, cm_world.home_id), datetime(2026, 10, 1, 9, 0, tzinfo=BANGKOK),
                     place="ห้องประชุม อบต.ป่าคลอก ชั้น 2 อาคารใหม่ริมถนนใหญ่")
    driver.press(B.CM_MEETINGS)
    driver.tap("นัดประชุมใหม่")
    driver.say("ประชุมเตรียมงานวันเด็ก ค่ะ")
    assert "ประชุมเตรียมงานวันเด็ก ค่ะ" in driver.text
    driver.say("พรุ่งนี้ 9:00")
    assert "ห้องประชุม อบต.ป่าคลอก ชั้น 2 อาคารใหม่ริมถนนใหญ่" in driver.text  # the last place, whole
    [label, cancel] = labels(driver)
    assert label.startswith("ห้องประชุม อบต.") and label.endswith("…") and len(label) <= 20
    driver.tap("ห้องประชุม")
    driver.tap("ไม่มีวาระ")
    assert "วันจันทร์ที่ 30 พฤศจิกายน 2569" in driver.text and "09:00 น." in driver.text
    assert "วาระ: ไม่มี" in driver.text
    driver.tap("ยืนยันนัดประชุม")
    meeting = meetings_of(channel_db)[-1]
    assert meeting.title_th == "ประชุมเตรียมงานวันเด็ก ค่ะ" and meeting.agenda_th is None
    assert meeting.place_th == "ห้องประชุม อบต.ป่าคลอก ชั้น 2 อาคารใหม่ริมถนนใหญ่"


def test_in_english(driver, cm_world, channel_db):
    driver.press(B.LANGUAGE_SET + "en")
    driver.press(B.CM_MEETINGS)
    assert "Pa Khlok Fund has no meetings scheduled yet" in driver.text
    driver.tap("New meeting")
    assert "What is the meeting?" in driver.text
    driver.tap("Committee meeting")
    assert "When is it?" in driver.text
    driver.say("12/12/2026")
    assert "Saturday 12 December 2026. What time does it start?" in driver.text
    driver.say("2pm")
    assert "Where is it?" in driver.text
    driver.say("Village 3 hall")
    driver.tap("No agenda")
    card = driver.text
    assert "Call this meeting?" in card and "Saturday 12 December 2026" in card and "14:00" in card
    assert "Committee meeting" in card and "Pa Khlok Fund" in card
    assert not THAI_CHARS.search(card)
    driver.tap("Confirm meeting")
    assert "The meeting is called." in driver.text
    [meeting] = meetings_of(channel_db)
    assert (meeting.title_th, meeting.title_en) == ("ประชุมคณะกรรมการ", "Committee meeting")


def test_wrong_dates_and_times_and_an_empty_place_keep_the_step_open(driver, cm_world, channel_db):
    driver.press(B.CM_MEETINGS)
    driver.tap("นัดประชุมใหม่")
    driver.tap("ประชุมคณะกรรมการ")
    driver.say("เร็วๆ นี้")
    assert "อ่านวันที่นี้ไม่ออกค่ะ" in driver.text and "15/12/2569 14:00" in driver.text
    driver.say("15/12/2569 25:00")
    assert "เวลานี้ไม่ถูกต้องค่ะ" in driver.text and "00:00 ถึง 23:59" in driver.text
    driver.say("25:00")
    assert "เวลานี้ไม่ถูกต้องค่ะ" in driver.text
    driver.say("1/11/2569 14:00")
    assert "วันเวลานี้ผ่านไปแล้วค่ะ" in driver.text
    driver.say("วันนี้ 9:00")  # today, but already past 10:00
    assert "เวลานี้ผ่านไปแล้วค่ะ" in driver.text
    driver.say("15/12/2571 14:00")
    assert "ไกลเกินหนึ่งปี" in driver.text
    driver.say("15/12/69")  # only the date: the time is asked for
    assert "วันอังคารที่ 15 ธันวาคม 2569 นะคะ เริ่มประชุมกี่โมงคะ" in driver.text
    driver.say("25:00")
    assert "เวลานี้ไม่ถูกต้องค่ะ" in driver.text
    driver.say("สิบโมง")  # the time alone: with the date given before
    assert "ประชุมที่ไหนคะ" in driver.text
    driver.say("ศาลาประชาคม")
    driver.tap("ไม่มีวาระ")
    assert "วันอังคารที่ 15 ธันวาคม 2569" in driver.text and "10:00 น." in driver.text
    assert meetings_of(channel_db) == []


def test_a_time_first_then_the_date(driver, cm_world, channel_db):
    driver.press(B.CM_MEETINGS)
    driver.tap("นัดประชุมใหม่")
    driver.tap("ประชุมสมาชิกรายเดือน")
    driver.say("14:30")
    assert "เวลา 14:30 น. นะคะ ประชุมวันที่เท่าไรคะ" in driver.text
    driver.say("5/12/2026")  # Christian era is fine too
    assert "ประชุมที่ไหนคะ" in driver.text
    driver.say("...")
    assert "ยังไม่ได้สถานที่ค่ะ" in driver.text
    driver.say("วัดป่าคลอก")
    driver.tap("ไม่มีวาระ")
    assert "วันเสาร์ที่ 5 ธันวาคม 2569" in driver.text and "14:30 น." in driver.text
    assert "ประชุมสมาชิกประจำเดือน" in driver.text


def test_cancel_mid_way_leaves_nothing(driver, cm_world, channel_db):
    driver.press(B.CM_MEETINGS)
    driver.tap("นัดประชุมใหม่")
    driver.tap("ประชุมคณะกรรมการ")
    driver.say("15/12/2569 14:00")
    driver.tap("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้วค่ะ" in driver.text
    driver.say("ศาลาประชาคม")  # no longer a step: read as free text
    assert "ยืนยันนัดประชุม" not in driver.labels()
    driver.press(B.CM_MEET_NEW)
    driver.tap("ประชุมคณะกรรมการ")
    driver.say("15/12/2569 14:00")
    driver.say("ศาลาประชาคม")
    driver.say("ยกเลิกค่ะ")  # typed at the agenda step
    assert "ยกเลิกเรียบร้อยแล้วค่ะ" in driver.text
    assert meetings_of(channel_db) == [] and audits(channel_db, "meeting.schedule") == []


def test_a_confirmation_pressed_twice_calls_the_meeting_once(driver, cm_world, channel_db):
    driver.press(B.CM_MEETINGS)
    driver.tap("นัดประชุมใหม่")
    driver.tap("ประชุมคณะกรรมการ")
    driver.say("15/12/2569 14:00")
    driver.say("ศาลาประชาคม")
    driver.say("ตกลงค่ะ")  # an agenda of a word is still an agenda
    driver.say("ตกลง")  # typed at the summary: what to press, and the summary again
    assert "กดปุ่มยืนยันใต้สรุป" in driver.text and "ยืนยันนัดประชุม" in driver.labels()
    [confirm] = [b for b in driver.buttons() if b.label == "ยืนยันนัดประชุม"]
    driver.press(confirm.data)
    assert "นัดประชุมเรียบร้อยแล้วค่ะ" in driver.text
    driver.press(confirm.data)
    assert "ยืนยันไปแล้วค่ะ" in driver.text and "นัดประชุม \"ประชุมคณะกรรมการ\" ไว้เรียบร้อยแล้วค่ะ" in driver.text
    assert len(meetings_of(channel_db)) == 1 and len(audits(channel_db, "meeting.schedule")) == 1
