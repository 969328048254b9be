"""Deleting a chat's data: only after this chat was asked and said yes, only what this chat sent or
is linked to, audited by member id without personal data, and failed link attempts are kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.identity import hash_national_id
from models import AuditLog, ChatAccount, LinkFailure, Member, MemberStatus
from tests.conftest import SECRET
from tests.factories import link_chat, make_fund, make_member
from tests.registration import NEW_ID, ROSTER_ID, build_roster, walk_apply


def _account(channel_db, driver) -> ChatAccount | None:
    with channel_db() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == driver.channel,
                                                  ChatAccount.external_user_id == driver.user))


def _linked_member(channel_db, driver) -> int:
    with channel_db() as s, s.begin():
        member = make_member(s, make_fund(s), months_paid=12)
        link_chat(s, driver.user, member, channel=driver.channel)
        return member.id


def _apply(driver) -> None:
    walk_apply(driver, "reg.apply.confirm")
    driver.tap("ยืนยัน")


def _applicant(channel_db) -> Member:
    with channel_db() as s:
        return s.scalar(select(Member).where(Member.status == MemberStatus.PENDING))


def test_a_yes_this_chat_was_never_asked_for_deletes_nothing(driver, channel_db):
    _linked_member(channel_db, driver)
    driver.press("del:yes")  # forged, or from an old message
    assert _account(channel_db, driver).member_id is not None
    assert "ยืนยัน" in driver.text and "del:yes" in {b.data for b in driver.buttons()}
    driver.press("del:yes")  # now it was asked
    assert "เรียบร้อย" in driver.text
    assert _account(channel_db, driver) is None


def test_a_yes_after_something_else_or_after_the_timeout_asks_again(driver, channel_db, clock):
    _linked_member(channel_db, driver)
    driver.press("del")
    driver.press("acct")  # went on to something else: the question is withdrawn
    driver.press("del:yes")
    assert _account(channel_db, driver).member_id is not None
    clock.now += timedelta(hours=2)  # asked, but long ago
    driver.press("del:yes")
    assert _account(channel_db, driver).member_id is not None
    driver.tap("ยกเลิก")
    driver.press("del:yes")
    assert _account(channel_db, driver).member_id is not None


def test_the_applicant_deletes_their_own_application_and_the_audit_names_the_member(driver, channel_db):
    build_roster(channel_db)
    _apply(driver)
    applicant_id = _applicant(channel_db).id
    driver.say("ลบข้อมูลค่ะ")
    driver.tap("ยืนยันลบข้อมูล")
    assert "ลบใบสมัคร" in driver.text
    assert _applicant(channel_db) is None
    with channel_db() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "chat.delete"))
    assert row.detail == {"channel": driver.channel, "member_id": applicant_id, "application_removed": True}
    assert NEW_ID[-4:] not in str(row.detail) and "5678" not in str(row.detail)


def test_a_stranger_linked_to_an_application_cannot_delete_it(driver, new_driver, channel_db):
    build_roster(channel_db)
    _apply(driver)
    stranger = new_driver()
    stranger.press("menu")
    with channel_db() as s, s.begin():  # the link moved to the stranger's chat
        applicant = s.scalar(select(Member).where(Member.status == MemberStatus.PENDING))
        for account in s.scalars(select(ChatAccount)):
            account.member_id = applicant.id if account.external_user_id == stranger.user else None
        applicant_id = applicant.id
    stranger.press("del")
    stranger.press("del:yes")
    assert "ลบใบสมัคร" not in stranger.text
    assert _applicant(channel_db).id == applicant_id  # the application is still there
    with channel_db() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "chat.delete"))
    assert row.detail["member_id"] == applicant_id and row.detail["application_removed"] is False


def test_an_imported_pending_member_is_never_deleted_by_a_chat(driver, channel_db):
    with channel_db() as s, s.begin():
        pending = make_member(s, make_fund(s), status=MemberStatus.PENDING, member_no=None)
        link_chat(s, driver.user, pending, channel=driver.channel)
    driver.press("del")
    driver.press("del:yes")
    with channel_db() as s:
        assert s.scalars(select(Member)).one().status == MemberStatus.PENDING


def test_deleting_a_chat_keeps_the_failed_link_attempts_on_the_target_id(driver, channel_db):
    _linked_member(channel_db, driver)
    target = hash_national_id(SECRET, ROSTER_ID)
    with channel_db() as s, s.begin():
        account_id = _account(channel_db, driver).id
        s.add_all([LinkFailure(channel=driver.channel, id_hash=target, chat_account_id=account_id)
                   for _ in range(3)])
    driver.press("del")
    driver.press("del:yes")
    assert _account(channel_db, driver) is None
    with channel_db() as s:
        kept = s.scalars(select(LinkFailure)).all()
    assert [(f.id_hash, f.chat_account_id) for f in kept] == [(target, None)] * 3
