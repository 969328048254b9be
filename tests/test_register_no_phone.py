"""An applicant without a mobile: a landline, or no phone at all (the button or in words). The
application holds no phone, the applicant is told kindly how the committee will reach them, and the
committee's list and approval still work. Linking with a landline on file, and "ไม่มี" at the link
path's phone step. On the simulator, LINE and Telegram (`driver`)."""

from __future__ import annotations

import pytest

from models import LinkFailure, MemberStatus
from tests.cm_applications_helpers import application_of, labels_of, open_list, pushed
from tests.linking import add_phoneless
from tests.registration import (
    NEW_ID,
    ROSTER_ID,
    account,
    build_roster,
    count,
    dashed,
    give_details,
    start_link,
    state,
    walk_apply,
)


def _at(db, driver) -> str | None:
    return state(db, driver.user, driver.channel)[0]


def _say_or_tap(driver, label: str) -> None:
    """Telegram's phone question has a keyboard that sends the label as text."""
    if any(b.label == label for b in driver.buttons()):
        driver.tap(label)
    else:
        driver.say(label)


@pytest.mark.parametrize("answer", ["ไม่มีโทรศัพท์", "ไม่มีค่ะ", "ไม่มีเบอร์"])
def test_no_phone_is_accepted_kindly_and_the_application_holds_none(driver, channel_db, answer):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.phone")
    if answer == "ไม่มีโทรศัพท์":
        assert "ไม่มีโทรศัพท์" in driver.text  # the question names its button
        _say_or_tap(driver, answer)
    else:
        driver.say(answer)
    assert "ไม่เป็นไรค่ะ" in driver.text and "ติดต่อท่านทางอื่น" in driver.text
    name, data = state(channel_db, driver.user, driver.channel)
    assert name == "reg.apply.district" and data.get("phone") is None and data["no_phone"] is True
    driver.tap("ถลาง")
    driver.tap("ทต.ป่าคลอก")
    assert "เบอร์โทรศัพท์: ไม่มี (คณะกรรมการจะติดต่อทางอื่น)" in driver.text
    driver.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in driver.text and "แจ้งผลทางแชตนี้" in driver.text
    assert "ติดต่อกลับที่เบอร์" not in driver.text
    member = application_of(channel_db, driver)
    assert (member.phone, member.status) == (None, MemberStatus.PENDING)


def test_a_phone_given_after_all_replaces_no_phone(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("แก้เบอร์โทร")
    _say_or_tap(driver, "ไม่มีโทรศัพท์")
    assert _at(channel_db, driver) == "reg.apply.confirm" and "ไม่มี (คณะกรรมการ" in driver.text
    driver.tap("แก้เบอร์โทร")
    driver.say("081-234-5678")
    assert _at(channel_db, driver) == "reg.apply.confirm" and "081-234-5678" in driver.text
    assert "no_phone" not in state(channel_db, driver.user, driver.channel)[1]


def test_the_no_phone_button_at_another_step_is_stale(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.district")
    driver.press("reg:nophone")
    assert "ขั้นตอนก่อนหน้า" in driver.text and _at(channel_db, driver) == "reg.apply.district"
    assert state(channel_db, driver.user, driver.channel)[1]["phone"] == "+66812345678"


def test_the_committee_lists_and_approves_an_application_without_a_phone(driver, cm_world, new_driver,
                                                                        channel_db):
    person = new_driver()
    person.say("สมัคร")
    person.tap("สมัครสมาชิกใหม่")
    person.tap("ยินยอม")
    person.say("นาง สมหญิง รักดี")
    person.say(dashed(NEW_ID))
    person.say("2/3/2520")
    _say_or_tap(person, "ไม่มีโทรศัพท์")
    person.tap("ถลาง")
    person.tap("ป่าคลอก")
    person.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in person.text

    open_list(driver)
    assert "สมหญิง รักดี" in driver.text
    driver.tap("อนุมัติ 1")
    assert "สมหญิง รักดี" in driver.text and "ยืนยันอนุมัติ" in labels_of(driver)
    driver.tap("ยืนยันอนุมัติ")
    assert "อนุมัติเรียบร้อยแล้ว" in driver.text
    member = application_of(channel_db, person)
    assert (member.status, member.phone) == (MemberStatus.ACTIVE, None)
    assert any("ยินดีด้วยค่ะ" in text for text in pushed(channel_db, person))


# --- linking: a landline on file, and "none" -----------------------------------------------------

def _landline_roster(db):
    roster = build_roster(db)
    from models import Member

    with db() as s, s.begin():
        s.get(Member, roster.member_id).phone = "+6676211234"
    return roster


@pytest.mark.parametrize("typed", ["076-211-234", "เบอร์บ้าน ๐๗๖๒๑๑๒๓๔ ค่ะ", "+66 76 211 234"])
def test_a_member_with_a_landline_on_file_links_with_it(driver, channel_db, typed):
    roster = _landline_roster(channel_db)
    start_link(driver)
    give_details(driver, phone=typed)
    assert "เชื่อมบัญชีเรียบร้อยแล้ว" in driver.text
    assert account(channel_db, driver.user, driver.channel).member_id == roster.member_id


def test_a_wrong_number_for_a_landline_on_file_is_a_failed_try(driver, channel_db):
    _landline_roster(channel_db)
    start_link(driver)
    give_details(driver, phone="076-211-999")
    assert "ไม่พบข้อมูลสมาชิก" in driver.text
    assert account(channel_db, driver.user, driver.channel).failed_link_attempts == 1


def test_none_at_the_link_phone_step_for_a_member_with_no_phone_waits_for_the_committee(driver, channel_db):
    roster = build_roster(channel_db)
    add_phoneless(channel_db, roster)  # NEW_ID, born 1/5/2523
    start_link(driver)
    give_details(driver, NEW_ID, birth="1/5/2523", phone="ไม่มีค่ะ")
    assert "ส่งคำขอเชื่อมบัญชีของท่านให้คณะกรรมการกองทุนแล้ว" in driver.text
    assert account(channel_db, driver.user, driver.channel).pending_member_id is not None


def test_none_at_the_link_phone_step_for_a_member_with_a_phone_is_a_failed_try(driver, channel_db):
    build_roster(channel_db)
    start_link(driver)
    give_details(driver, ROSTER_ID, phone="ไม่มี")
    assert "ไม่พบข้อมูลสมาชิก" in driver.text
    linked = account(channel_db, driver.user, driver.channel)
    assert linked.member_id is None and linked.failed_link_attempts == 1
    assert count(channel_db, LinkFailure) == 1
