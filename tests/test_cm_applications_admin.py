"""The network's admin decides applications of any fund from the chat; a fund's committee member
naming another fund's list by a forged button is refused and audited."""

from __future__ import annotations

from handlers import buttons as B
from models import Fund, MemberStatus
from tests.cm_applications_helpers import MALEE_ID, application_of, audits, labels_of, pushed
from tests.committee_fixtures import refusals, seat
from tests.registration import dashed


def _apply_to_kamala(person) -> None:
    person.say("สมัคร")
    person.tap("สมัครสมาชิกใหม่")
    person.tap("ยินยอม")
    person.say("นางสาว มาลี ทะเลงาม")
    person.say(dashed(MALEE_ID))
    person.say("9/9/2530")
    person.say("089-555-6666")
    person.tap("กะทู้")
    person.tap("กมลา")
    person.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อยแล้ว" in person.text


def test_the_admin_chooses_another_fund_and_approves_there(cm_world, new_driver, channel_db):
    admin = new_driver()
    with channel_db() as s, s.begin():
        seat(s, admin.user, s.get(Fund, cm_world.home_id), channel=admin.channel, roles=("admin",),
             first_name="อำนวย")
    person = new_driver()
    _apply_to_kamala(person)
    admin.press(B.CM_APPLICATIONS)
    assert "ไม่มีใบสมัครที่รอพิจารณา" in admin.text  # the admin's own fund has none
    admin.tap("กองทุนอื่น")
    assert "กองทุนสวัสดิการชุมชนตำบลกมลา: 1" in admin.text
    assert labels_of(admin) == ["ตำบลกมลา (1)", "ยกเลิก"]
    admin.tap("ตำบลกมลา")
    assert "ใบสมัครที่รอพิจารณาของกองทุนสวัสดิการชุมชนตำบลกมลา มี 1 ใบ" in admin.text
    admin.tap("อนุมัติ 1")
    admin.tap("ยืนยันอนุมัติ")
    assert "ของกองทุนสวัสดิการชุมชนตำบลกมลา" in admin.text
    member = application_of(channel_db, person)
    assert member.status == MemberStatus.ACTIVE and member.fund_id == cm_world.other_id
    assert "ตำบลกมลา" in pushed(channel_db, person)[0]
    admin.tap("ดูใบสมัครที่เหลือ")  # back to the list of the fund it was working on
    assert "กองทุนสวัสดิการชุมชนตำบลกมลาไม่มีใบสมัครที่รอพิจารณา" in admin.text


def test_a_committee_member_may_not_open_another_funds_list(driver, cm_world, new_driver, channel_db):
    person = new_driver()
    _apply_to_kamala(person)
    driver.press(B.CM_APPLICATIONS)
    assert "กองทุนอื่น" not in labels_of(driver)
    for data in (f"{B.CM_APP_PAGE}{cm_world.other_id}:0", B.CM_APP_FUNDS):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text and "มาลี" not in driver.text
    assert [(r.detail["tried"], r.detail["reason"]) for r in refusals(channel_db)] == [
        ("applications.list", "other_fund"), ("applications.funds", "other_fund")]
    driver.press(f"{B.CM_APP_PAGE}{cm_world.home_id}:0")  # its own fund named: allowed
    assert "ไม่มีใบสมัครที่รอพิจารณา" in driver.text
    driver.press(f"{B.CM_APP_PAGE}x:y")
    assert "หมดอายุ" in driver.text
    assert audits(channel_db, "application.approve") == []
