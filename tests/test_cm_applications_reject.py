"""Rejecting applications in the committee's chat, and who may not touch applications at all:
a reason by buttons or typed, the applicant told in their language and free to apply again,
wrong input, cancelling; plain members and other funds' committees refused and audited."""

from __future__ import annotations

from handlers import buttons as B
from models import ChatAccount, Fund, Member, MemberStatus
from tests.cm_applications_helpers import (
    MALEE_ID,
    application_of,
    apply_via_chat,
    audits,
    labels_of,
    open_list,
    pushed,
)
from tests.committee_fixtures import refusals
from tests.factories import link_chat, make_member
from tests.registration import THAI_CHARS, assert_buttons_fit


def _chat_member(Session, person) -> int | None:
    with Session() as s:
        return s.query(ChatAccount.member_id).filter_by(channel=person.channel,
                                                        external_user_id=person.user).scalar()


def test_rejecting_with_a_reason_tells_the_applicant_who_may_apply_again(driver, cm_world, new_driver,
                                                                         channel_db):
    person = new_driver()
    apply_via_chat(person)
    first = application_of(channel_db, person)
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    assert "ไม่อนุมัติใบสมัครของคุณสมหญิง รักดี เพราะเหตุใดคะ" in driver.text
    assert labels_of(driver) == ["ไม่ได้อาศัยในพื้นที่", "ข้อมูลไม่ครบ/ไม่ตรง", "สมัครซ้ำ",
                                 "อื่น ๆ (พิมพ์เอง)", "กลับไปรายการ", "ยกเลิก"]
    assert_buttons_fit(driver)
    driver.tap("ไม่ได้อาศัยในพื้นที่")
    assert "ไม่อนุมัติใบสมัครนี้ไหมคะ" in driver.text
    assert "ผู้สมัครไม่ได้อาศัยอยู่ในพื้นที่ของกองทุน" in driver.text
    assert labels_of(driver) == ["ยืนยันไม่อนุมัติ", "เปลี่ยนเหตุผล", "ยกเลิก"]
    driver.tap("ยืนยันไม่อนุมัติ")
    assert "บันทึกว่าไม่อนุมัติใบสมัครของคุณสมหญิง รักดีแล้ว" in driver.text

    assert application_of(channel_db, person).status == MemberStatus.REJECTED
    assert _chat_member(channel_db, person) is None
    [row] = audits(channel_db, "application.reject")
    assert row.entity_id == str(first.id) and row.detail["reason"] == "area"
    assert row.detail["after"] == {"status": "rejected"} and row.detail["note_length"] == 0
    [notice] = pushed(channel_db, person)
    assert "ยังไม่อนุมัติใบสมัครของท่าน" in notice and "เหตุผล: ผู้สมัครไม่ได้อาศัยอยู่ในพื้นที่" in notice
    assert "ที่ทำการกองทุน อำเภอถลาง" in notice and "สมัครใหม่ได้" in notice

    apply_via_chat(person)  # free to apply again, and not taken for a duplicate of the rejected one
    again = application_of(channel_db, person)
    assert again.id != first.id and again.status == MemberStatus.PENDING
    open_list(driver)
    assert "มี 1 ใบ" in driver.text and "สมัครซ้ำ" not in driver.text


def test_another_reason_is_typed_and_told_as_typed_but_never_audited(driver, cm_world, new_driver,
                                                                     channel_db):
    person = new_driver()
    apply_via_chat(person)
    person.press(B.LANGUAGE_SET + "en")
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    driver.say("อะไรนะ")  # not a reason: say how, the reasons again
    assert "กดปุ่มเหตุผลด้านล่าง" in driver.text and "สมัครซ้ำ" in labels_of(driver)
    driver.tap("อื่น ๆ")
    assert "พิมพ์เหตุผลที่จะแจ้งผู้สมัคร" in driver.text
    driver.say("ก" * 301)
    assert "ยาวเกินไป" in driver.text and "301" in driver.text
    reason = "ขอให้นำสำเนาทะเบียนบ้านมาแสดงที่ที่ทำการกองทุนก่อนค่ะ"
    driver.say(reason)
    assert reason in driver.text and "ยืนยันไม่อนุมัติ" in labels_of(driver)
    driver.say("ตกลง")  # typed at the summary: the step stays
    assert "ยืนยันไม่อนุมัติ" in driver.text and reason in driver.text
    driver.tap("ยืนยันไม่อนุมัติ")
    [row] = audits(channel_db, "application.reject")
    assert row.detail["reason"] == "other" and row.detail["note_length"] == len(reason)
    assert "ทะเบียนบ้าน" not in str(row.detail)
    [notice] = pushed(channel_db, person)
    assert "has not approved your application" in notice and f"Reason: {reason}" in notice
    assert "apply again" in notice and "Thalang" in notice
    assert not THAI_CHARS.search(notice.replace(reason, "").replace("สมหญิง รักดี", ""))


def test_a_reason_may_be_typed_by_its_number_or_words(driver, cm_world, new_driver, channel_db):
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    driver.say("2")
    assert "ข้อมูลในใบสมัครไม่ครบ หรือไม่ตรงกับหลักฐาน" in driver.text
    driver.tap("เปลี่ยนเหตุผล")
    driver.say("สมัครซ้ำค่ะ")
    assert "มีใบสมัครหรือทะเบียนสมาชิกของท่านอยู่แล้ว" in driver.text


def test_cancel_while_choosing_a_reason_changes_nothing(driver, cm_world, new_driver, channel_db):
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    driver.say("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    driver.press(B.CM_APP_REASON + "area")  # the old reason button: nothing to reject any more
    assert "หมดอายุ" in driver.text
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    driver.tap("อื่น ๆ")
    driver.tap("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text
    assert application_of(channel_db, person).status == MemberStatus.PENDING
    assert _chat_member(channel_db, person) is not None
    assert audits(channel_db, "application.reject") == [] and pushed(channel_db, person) == []


def test_a_rejection_confirmed_twice_acts_once(driver, cm_world, new_driver, channel_db):
    person = new_driver()
    apply_via_chat(person)
    open_list(driver)
    driver.tap("ไม่อนุมัติ 1")
    driver.tap("ข้อมูลไม่ครบ")
    [confirm] = [b.data for b in driver.buttons() if b.data.startswith(B.CM_APP_CONFIRM)]
    driver.press(confirm)
    driver.press(confirm)
    assert "ยืนยันไปแล้ว" in driver.text and "ไม่อนุมัติไปแล้ว" in driver.text
    assert len(audits(channel_db, "application.reject")) == 1 and len(pushed(channel_db, person)) == 1


def test_a_plain_member_is_refused_by_text_and_by_every_forged_button(cm_world, new_driver, channel_db):
    person = new_driver()
    apply_via_chat(person)
    target = application_of(channel_db, person).id
    plain = new_driver()
    with channel_db() as s, s.begin():
        link_chat(s, plain.user, s.get(Member, cm_world.members[0]), channel=plain.channel)
    plain.say("เมนูกรรมการ")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in plain.text
    forged = [B.CM_APPLICATIONS, f"{B.CM_APP_PAGE}0", f"{B.CM_APP_APPROVE}{target}",
              f"{B.CM_APP_REJECT}{target}", f"{B.CM_APP_REASON}area", f"{B.CM_APP_CONFIRM}abcdefghijkl"]
    for data in forged:
        plain.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in plain.text, data
    tried = [r.detail["tried"] for r in refusals(channel_db) if r.detail["tried"].startswith("applications.")]
    assert tried == ["applications.list", "applications.list", "applications.approve", "applications.reject",
                     "applications.reject", "applications.confirm"]
    assert {r.detail["reason"] for r in refusals(channel_db)} == {"no_role"}
    assert application_of(channel_db, person).status == MemberStatus.PENDING
    assert audits(channel_db, "application.approve") == audits(channel_db, "application.reject") == []


def test_a_committee_member_of_another_fund_is_refused_by_a_forged_id(driver, cm_world, channel_db):
    with channel_db() as s, s.begin():
        kamala = make_member(s, s.get(Fund, cm_world.other_id), national_id=MALEE_ID, first_name="มาลี",
                             status=MemberStatus.PENDING)
        kamala.member_no = None
        kamala_id = kamala.id
    for data in (f"{B.CM_APP_APPROVE}{kamala_id}", f"{B.CM_APP_REJECT}{kamala_id}"):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text and "มาลี" not in driver.text
    rows = refusals(channel_db)
    assert [(r.detail["tried"], r.detail["reason"]) for r in rows] == [
        ("applications.approve", "other_fund"), ("applications.reject", "other_fund")]
    with channel_db() as s:
        member = s.get(Member, kamala_id)
        assert (member.status, member.member_no) == (MemberStatus.PENDING, None)
    assert audits(channel_db, "application.approve") == []


def test_ids_of_members_no_longer_pending_are_never_acted_on(driver, cm_world, channel_db):
    active = cm_world.members[0]
    with channel_db() as s:
        before = s.get(Member, active).member_no
    driver.press(f"{B.CM_APP_APPROVE}{active}")
    assert "อนุมัติไปแล้ว" in driver.text and "ไม่ได้ทำอะไรเพิ่ม" in driver.text
    driver.press(f"{B.CM_APP_REJECT}{active}")
    assert "อนุมัติไปแล้ว" in driver.text
    for data in (f"{B.CM_APP_APPROVE}999999", f"{B.CM_APP_REJECT}x1"):
        driver.press(data)
        assert "ไม่พบใบสมัครนี้" in driver.text
    with channel_db() as s:
        member = s.get(Member, active)
        assert (member.status, member.member_no) == (MemberStatus.ACTIVE, before)
    assert audits(channel_db, "application.approve") == audits(channel_db, "application.reject") == []
