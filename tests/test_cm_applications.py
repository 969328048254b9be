"""Applications in the committee's chat: the list, approving with the next member number, the
applicant told in their language, a duplicate refused, confirmations acting once, cancelling.
Each test runs on the simulator, LINE and Telegram (`driver` is Pa Khlok's committee member)."""

from __future__ import annotations

from datetime import date, timedelta

from handlers import buttons as B
from models import Fund, Member, MemberStatus
from tests.cm_applications_helpers import (
    MALEE_ID,
    SOMYING_ID,
    application_of,
    apply_via_chat,
    audits,
    labels_of,
    number_home,
    open_list,
    pushed,
)
from tests.committee_fixtures import seat
from tests.factories import make_member
from tests.registration import ROSTER_ID, THAI_CHARS, assert_buttons_fit


def _pending(s, fund_id: int, first_name: str, joined_on: date) -> Member:
    """An application made earlier (by a factory: its chat is gone)."""
    member = make_member(s, s.get(Fund, fund_id), first_name=first_name, status=MemberStatus.PENDING,
                         joined_on=joined_on, phone="+66891234567")
    member.member_no = None
    s.flush()
    return member


def test_the_list_shows_pending_applications_oldest_first_masked_and_paged(driver, cm_world, new_driver,
                                                                          channel_db):
    with channel_db() as s, s.begin():
        for day, name in enumerate(("กานดา", "ขวัญใจ", "คำแก้ว", "งามตา", "จันทร์เพ็ญ"), 1):
            _pending(s, cm_world.home_id, name, date(2026, 11, day))
        _pending(s, cm_world.other_id, "ของกมลา", date(2026, 10, 1))  # another fund's: never listed
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    text = driver.text
    assert "มี 6 ใบ" in text and "หน้า 1/2" in text
    assert text.index("กานดา") < text.index("ขวัญใจ") < text.index("จันทร์เพ็ญ")
    assert "สมหญิง" not in text and "ของกมลา" not in text
    assert "08x-xxx-4567" in text and "089-123-4567" not in text and "+6689" not in text
    assert "สมัคร 1 พ.ย. 69" in text and "อายุ 59 ปี" in text and "x-xxxx-xxxx" in text
    assert "ไม่มีแชตที่เชื่อมไว้" in text  # those entered on paper have no chat to be told in
    labels = labels_of(driver)
    assert labels[:2] == ["อนุมัติ 1 กานดา", "ไม่อนุมัติ 1 กานดา"] and "ถัดไป ▶" in labels
    assert labels[-1] == "ยกเลิก"
    assert_buttons_fit(driver)

    driver.tap("ถัดไป ▶")
    text = driver.text
    assert "หน้า 2/2" in text and "6. สมหญิง รักดี" in text and "08x-xxx-2222" in text
    assert "สมัครทาง " in text  # she applied in a chat
    assert "089-111-2222" not in text and SOMYING_ID[-4:] in text.replace("-", "")
    assert SOMYING_ID not in text.replace("-", "")
    assert {"อนุมัติ 6 สมหญิง", "◀ ก่อนหน้า"} <= set(labels_of(driver))
    driver.say("อนุมัติเลย")  # typed instead of pressed: what to press, the page again
    assert "กดปุ่มใต้รายการ" in driver.text and "6. สมหญิง" in driver.text
    driver.tap("◀ ก่อนหน้า")
    assert "หน้า 1/2" in driver.text


def test_an_empty_list_says_so(driver, cm_world):
    driver.press(B.CM_APPLICATIONS)
    assert "ไม่มีใบสมัครที่รอพิจารณา" in driver.text
    assert "กลับเมนูกรรมการ" in labels_of(driver)


def test_approving_gives_the_next_number_and_tells_the_applicant(driver, cm_world, new_driver, channel_db,
                                                                 clock):
    number_home(channel_db, cm_world, largest="00124")
    person = new_driver()
    apply_via_chat(person)
    clock.now += timedelta(days=3)  # decided three days later: membership counts from the decision
    open_list(driver)
    driver.tap("อนุมัติ 1")
    card = driver.text
    assert "อนุมัติใบสมัครนี้ไหมคะ" in card and "สมหญิง รักดี" in card
    assert "เลขสมาชิกที่จะได้: 00125" in card and "2 ธันวาคม 2569" in card and "180 วัน" in card
    assert "08x-xxx-2222" in card and "089-111-2222" not in card
    assert labels_of(driver) == ["ยืนยันอนุมัติ", "กลับไปรายการ", "ยกเลิก"]
    driver.say("โอเค")  # typed: the step stays open and says what to press
    assert "ยืนยันอนุมัติ" in driver.text and "00125" in driver.text
    driver.tap("ยืนยันอนุมัติ")
    assert "อนุมัติเรียบร้อยแล้ว" in driver.text and "00125" in driver.text
    assert "แจ้งผู้สมัครทางแชตแล้ว" in driver.text and "แจ้งผู้สมัครด้วยตนเอง" not in driver.text

    member = application_of(channel_db, person)
    assert (member.status, member.member_no, member.joined_on) == (MemberStatus.ACTIVE, "00125",
                                                                   date(2026, 12, 2))
    [row] = audits(channel_db, "application.approve")
    assert row.entity_id == str(member.id) and row.actor.startswith("chat:")
    assert row.detail["before"] == {"status": "pending", "member_no": None}
    assert row.detail["after"] == {"status": "active", "member_no": "00125"}
    assert "สมหญิง" not in str(row.detail) and "2222" not in str(row.detail)
    [notice] = pushed(channel_db, person)
    assert "ยินดีด้วยค่ะ" in notice and "เลขสมาชิกของท่านคือ 00125" in notice
    assert "เงินสัจจะงวดแรก" in notice and "ชำระได้ที่ที่ทำการกองทุนทุกวันที่ 5" in notice
    person.press(B.ACCOUNT)  # the applicant is a member now
    assert "00125" in person.text


def test_an_english_applicant_is_told_in_english_and_the_committee_may_work_in_english(
        driver, cm_world, new_driver, channel_db):
    number_home(channel_db, cm_world, largest="0041")
    person = new_driver()
    apply_via_chat(person)
    person.press(B.LANGUAGE_SET + "en")
    driver.press(B.LANGUAGE_SET + "en")
    driver.press(B.CM_APPLICATIONS)
    assert "Pending applications at Pa Khlok Fund: 1" in driver.text and "age 49" in driver.text
    driver.tap("Approve 1")
    assert "Approve this application?" in driver.text and "Member number: 0042" in driver.text
    driver.tap("Confirm approval")
    assert "member number 0042 of Pa Khlok Fund" in driver.text
    [notice] = pushed(channel_db, person)
    assert "Congratulations" in notice and "Your member number is 0042" in notice
    assert "Pay at the fund office on the 5th of each month" in notice and "30" in notice
    assert not THAI_CHARS.search(notice.replace("สมหญิง รักดี", ""))


def test_a_duplicate_is_flagged_and_its_approval_refused(driver, cm_world, new_driver, channel_db):
    with channel_db() as s, s.begin():
        make_member(s, s.get(Fund, cm_world.home_id), national_id=ROSTER_ID, first_name="สมศรี",
                    last_name="มีสุข", member_no="00077")
        make_member(s, s.get(Fund, cm_world.other_id), national_id=MALEE_ID, first_name="มาลี",
                    last_name="กมลา", member_no="00555")
    twice, moved = new_driver(), new_driver()
    apply_via_chat(twice, name="นาง ศรี มีสุข", national_id=ROSTER_ID)
    apply_via_chat(moved, name="นางสาว มาลี ย้ายมา", national_id=MALEE_ID)
    open_list(driver)
    text = driver.text
    assert text.count("⚠️ สมัครซ้ำ") == 2
    assert "เป็นของสมาชิกเลขที่ 00077 (สมศรี มีสุข) ของกองทุนสวัสดิการชุมชนตำบลป่าคลอก" in text
    assert "อยู่ในทะเบียนของกองทุนอื่นแล้ว" in text  # Kamala's record: not named to Pa Khlok
    assert "00555" not in text and "มาลี กมลา" not in text and "กมลา" not in text.replace("มาลี ย้ายมา", "")

    driver.tap("อนุมัติ 1")
    assert "ยังอนุมัติใบสมัครของคุณศรี มีสุขไม่ได้" in driver.text and "ตรวจสอบตัวบุคคล" in driver.text
    assert "00077" in driver.text and "ไม่อนุมัติใบนี้" in labels_of(driver)
    driver.press(B.CM_APPLICATIONS)
    driver.tap("อนุมัติ 2")
    assert "อยู่ในทะเบียนของกองทุนอื่นแล้ว" in driver.text and "00555" not in driver.text
    for person in (twice, moved):
        assert application_of(channel_db, person).status == MemberStatus.PENDING
    assert audits(channel_db, "application.approve") == []
    refused = audits(channel_db, "application.approve_refused")
    assert [r.detail["reason"] for r in refused] == ["duplicate", "duplicate"]
    assert "มีสุข" not in str(refused[0].detail) and ROSTER_ID[-4:] not in str(refused[0].detail)
    driver.tap("ไม่อนุมัติใบนี้")  # the way out it offers: reject as a duplicate
    driver.tap("สมัครซ้ำ")
    driver.tap("ยืนยันไม่อนุมัติ")
    assert application_of(channel_db, moved).status == MemberStatus.REJECTED


def test_a_confirmation_pressed_twice_acts_once(driver, cm_world, new_driver, channel_db):
    number_home(channel_db, cm_world)
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("อนุมัติ 1")
    [confirm] = [b.data for b in driver.buttons() if b.data.startswith(B.CM_APP_CONFIRM)]
    driver.press(confirm)
    assert "00125" in driver.text
    driver.press(confirm)
    assert "ยืนยันไปแล้ว" in driver.text and "เป็นสมาชิกเลขที่ 00125" in driver.text
    assert len(audits(channel_db, "application.approve")) == 1
    assert len(pushed(channel_db, person)) == 1
    assert application_of(channel_db, person).member_no == "00125"


def test_two_approvals_get_distinct_numbers_and_a_decided_one_is_left_alone(
        driver, cm_world, new_driver, channel_db):
    second = new_driver()
    with channel_db() as s, s.begin():
        seat(s, second.user, s.get(Fund, cm_world.home_id), channel=second.channel, first_name="วิภา")
    number_home(channel_db, cm_world)
    first_person, second_person = new_driver(), new_driver()
    apply_via_chat(first_person)
    apply_via_chat(second_person, name="นาย มานพ ขยัน", national_id=MALEE_ID, phone="089-333-4444")
    open_list(driver)
    driver.tap("อนุมัติ 1")
    open_list(second)
    second.tap("อนุมัติ 2")
    assert "00125" in driver.text and "00125" in second.text  # both summaries see the same next number
    driver.tap("ยืนยันอนุมัติ")
    second.tap("ยืนยันอนุมัติ")
    assert "00125" in driver.text and "00126" in second.text  # numbered again at confirmation
    numbers = {application_of(channel_db, p).member_no for p in (first_person, second_person)}
    assert numbers == {"00125", "00126"}

    second.press(B.CM_APP_APPROVE + str(application_of(channel_db, first_person).id))
    assert "อนุมัติไปแล้วค่ะ (สมาชิกเลขที่ 00125)" in second.text
    assert len(audits(channel_db, "application.approve")) == 2


def test_a_summary_confirmed_after_another_member_decided_does_nothing(driver, cm_world, new_driver,
                                                                       channel_db):
    second = new_driver()
    with channel_db() as s, s.begin():
        seat(s, second.user, s.get(Fund, cm_world.home_id), channel=second.channel, first_name="วิภา")
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("อนุมัติ 1")
    open_list(second)
    second.tap("ไม่อนุมัติ 1")
    second.tap("ข้อมูลไม่ครบ")
    second.tap("ยืนยันไม่อนุมัติ")
    driver.tap("ยืนยันอนุมัติ")
    assert "ไม่อนุมัติไปแล้ว" in driver.text and "ไม่ได้ทำอะไรเพิ่ม" in driver.text
    member = application_of(channel_db, person)
    assert (member.status, member.member_no) == (MemberStatus.REJECTED, None)
    assert audits(channel_db, "application.approve") == []


def test_cancel_at_the_summary_changes_nothing(driver, cm_world, new_driver, channel_db):
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("อนุมัติ 1")
    driver.tap("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    open_list(driver)
    driver.say("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    assert application_of(channel_db, person).status == MemberStatus.PENDING
    assert audits(channel_db, "application.approve") == [] and pushed(channel_db, person) == []
