"""Who sees and may use the committee tools: role-holders in a private chat, on their own fund.
Everyone else is refused politely, by text or by a forged button, and each refusal is audited."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import AuditLog, CommitteeRole, Member
from tests.committee_fixtures import refusals, seat
from tests.factories import link_chat, make_fund, make_member


def test_a_committee_member_sees_the_committee_entry_and_its_tools(driver, cm_world):
    driver.say("เมนู")
    assert "เมนูกรรมการ" in driver.labels()
    driver.tap("เมนูกรรมการ")
    assert "เมนูกรรมการของกองทุนสวัสดิการชุมชนตำบลป่าคลอกค่ะ" in driver.text
    assert {"ประกาศ", "นัดประชุม", "รับเงิน", "ใบสมัคร", "รายงาน"} <= set(driver.labels())


def test_a_plain_member_never_sees_it_and_is_refused_by_text_and_by_button(driver, channel_db):
    with channel_db() as s, s.begin():
        link_chat(s, driver.user, make_member(s, make_fund(s)), channel=driver.channel)
    driver.say("เมนู")
    assert "เมนูกรรมการ" not in driver.labels()
    driver.say("เมนูกรรมการ")
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    for data in (B.COMMITTEE, B.CM_ANY + "made-up"):
        driver.press(data)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    rows = refusals(channel_db)
    assert [r.detail["reason"] for r in rows] == ["no_role"] * 3
    assert all(r.actor.startswith("chat:") and "name" not in r.detail for r in rows)


def test_a_guest_is_refused_too(driver, channel_db):
    driver.press(B.COMMITTEE)
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text
    assert len(refusals(channel_db)) == 1


def test_a_treasurer_only_sees_the_tools_of_a_treasurer(driver, channel_db):
    with channel_db() as s, s.begin():
        seat(s, driver.user, make_fund(s), channel=driver.channel, roles=("treasurer",))
    driver.press(B.COMMITTEE)
    labels = set(driver.labels())
    assert {"รับเงิน", "รายงาน"} <= labels and not labels & {"ประกาศ", "ใบสมัคร"}


def test_a_lapsed_member_keeps_no_committee_power(driver, channel_db, cm_world):
    with channel_db() as s, s.begin():
        s.get(Member, cm_world.chair_id).status = "lapsed"
    driver.press(B.COMMITTEE)
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text


def test_roles_grant_list_and_revoke_by_the_operator(run, session):
    fund = make_fund(session)
    member = make_member(session, fund, member_no="00042")
    session.commit()
    assert run("roles", "grant", "00042", "--fund", "PAKHLOK", "--role", "treasurer").exit_code == 0
    listed = run("roles", "list", "--fund", "PAKHLOK")
    assert listed.exit_code == 0 and "00042" in listed.output and "treasurer" in listed.output
    revoked = run("roles", "revoke", "00042", "--fund", "PAKHLOK", "--role", "treasurer")
    assert revoked.exit_code == 0 and "no longer has the role treasurer" in revoked.output
    again = run("roles", "revoke", "00042", "--fund", "PAKHLOK", "--role", "treasurer")
    assert "nothing changed" in again.output
    assert "No committee roles" in run("roles", "list").output
    missing = run("roles", "revoke", "99999", "--fund", "PAKHLOK", "--role", "committee")
    assert missing.exit_code != 0 and "no member 99999" in missing.output
    session.expire_all()
    assert session.scalars(select(CommitteeRole).where(CommitteeRole.member_id == member.id)).all() == []
    actions = session.scalars(select(AuditLog.action).where(AuditLog.action.like("role.%"))).all()
    assert actions == ["role.grant", "role.revoke"]


def test_in_a_group_the_committee_menu_is_hidden_and_its_tools_refused(app, db):
    from tests.drivers import CoreChat

    with db() as s, s.begin():
        seat(s, "TG-chair", make_fund(s), channel="telegram")
    group = CoreChat(app, "TG-chair", channel="telegram", in_group=True)
    group.say("เมนู")
    assert "เมนูกรรมการ" not in [b.label for b in group.buttons()]
    group.press(B.COMMITTEE)
    assert "แชตส่วนตัว" in group.text
    assert [r.detail["reason"] for r in refusals(db)] == ["in_group"]
    private = CoreChat(app, "TG-chair", channel="telegram")
    private.say("เมนู")
    assert "เมนูกรรมการ" in [b.label for b in private.buttons()]


def test_cancelling_a_committee_step_offers_the_committee_menu_again(driver, cm_world):
    driver.press(B.CM_ANN_NEW)
    driver.say("ยกเลิก")
    assert "ยกเลิกเรียบร้อยแล้ว" in driver.text and B.COMMITTEE in [b.data for b in driver.buttons()]


def test_a_role_is_not_granted_to_a_member_who_is_not_active(run, session):
    fund = make_fund(session)
    make_member(session, fund, member_no="00154", status="deceased")
    session.commit()
    result = run("roles", "grant", "00154", "--fund", "PAKHLOK", "--role", "committee")
    assert result.exit_code != 0 and "deceased" in result.output and "only an active member" in result.output
    assert session.scalars(select(CommitteeRole)).all() == []
