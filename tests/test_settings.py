"""Language, my data and delete my data through the simulator."""

from datetime import UTC, datetime

from sqlalchemy import select

from models import AuditLog, ChatAccount, Member, MemberStatus
from tests.factories import link_chat, make_fund, make_member


def test_switch_to_english_and_back(db, chat):
    chat.say("ภาษา")
    chat.tap("English")
    assert "Language changed to English" in chat.text
    assert "My balance" in [b.label for b in chat.buttons()]
    chat.say("hello")
    assert "welcome" in chat.text.lower()
    chat.press("lang:th")
    assert "ภาษาไทย" in chat.text


def test_language_is_remembered_on_the_member(db, chat):
    with db() as s, s.begin():
        member = make_member(s, make_fund(s))
        link_chat(s, "U-test-1", member)
    chat.press("lang:en")
    with db() as s:
        assert s.scalars(select(Member)).one().preferred_language == "en"


def test_my_data_is_masked(db, chat):
    with db() as s, s.begin():
        member = make_member(s, make_fund(s), national_id="3100600445635", phone="+66812345678")
        member.consent_at = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
        member.consent_version = "2026-11"
        link_chat(s, "U-test-1", member)
    chat.say("ข้อมูลของฉัน")
    rows = {r["label"]: r["value"] for r in chat.last[0]["card"]["rows"]}
    assert rows["เลขประจำตัวประชาชน"] == "x-xxxx-xxxx5-63-5"
    assert rows["เบอร์โทรศัพท์"] == "08x-xxx-5678"
    assert rows["วันเกิด"] == "15 มกราคม 2510"
    assert "1 พฤศจิกายน 2569" in rows["ความยินยอม"]
    assert "3100600445635" not in chat.text and "0812345678" not in chat.text


def test_delete_asks_first_and_cancel_keeps_everything(db, chat):
    with db() as s, s.begin():
        link_chat(s, "U-test-1", make_member(s, make_fund(s)))
    chat.say("ลบข้อมูล")
    assert "del:yes" in {b.data for b in chat.buttons()}
    chat.tap("ยกเลิก")
    with db() as s:
        assert s.scalars(select(ChatAccount)).one().member_id is not None


def test_delete_unlinks_but_keeps_the_fund_record(db, chat):
    with db() as s, s.begin():
        member = make_member(s, make_fund(s), months_paid=12)
        link_chat(s, "U-test-1", member)
    chat.press("del")
    chat.press("del:yes")
    assert "เรียบร้อย" in chat.text
    with db() as s:
        assert s.scalars(select(ChatAccount)).all() == []
        assert s.scalars(select(Member)).one().status == MemberStatus.ACTIVE
        log = s.scalars(select(AuditLog).where(AuditLog.action == "chat.delete")).one()
        assert log.detail["application_removed"] is False
    chat.say("เช็คยอด")  # a fresh, unlinked start
    assert "ลงทะเบียนก่อน" in chat.text


def test_delete_removes_an_unapproved_application_this_chat_sent(db, chat):
    from tests.registration import build_roster, walk_apply

    build_roster(db)
    walk_apply(chat, "reg.apply.confirm")
    chat.tap("ยืนยัน")
    chat.press("del")
    chat.press("del:yes")
    assert "ใบสมัคร" in chat.text
    with db() as s:
        assert s.scalars(select(Member).where(Member.status == MemberStatus.PENDING)).all() == []


def test_group_chat_never_shows_personal_data(app, db):
    from handlers.base import Incoming

    with db() as s, s.begin():
        link_chat(s, "U-group-member", make_member(s, make_fund(s), months_paid=12))
    core = app.extensions["kongtun"]
    for data in ("acct", "ben", "mydata", "del:yes"):
        replies = core.handle(Incoming(channel="simulator", user_id="U-group-member", postback=data,
                                       in_group=True))
        text = "\n".join(r.text for r in replies)
        assert "แชตส่วนตัว" in text, data
        assert "สมชาย" not in text
    with db() as s:
        assert s.scalars(select(ChatAccount)).one().member_id is not None


def test_unknown_language_choice_asks_again_and_changes_nothing(db, chat):
    chat.press("lang:fr")
    assert {"lang:th", "lang:en"} <= {b.data for b in chat.buttons()}
    with db() as s:
        assert s.scalars(select(ChatAccount)).one().locale == "th"


def test_guest_my_data_says_only_the_chat_id_is_kept(chat):
    chat.press("mydata")
    assert "ยังไม่ได้เชื่อม" in chat.text
    assert "del" in {b.data for b in chat.buttons()}


def test_a_language_switch_is_audited_once_without_personal_data(db, chat):
    with db() as s, s.begin():
        link_chat(s, "U-test-1", make_member(s, make_fund(s)))
    chat.press("lang:en")
    chat.press("lang:en")  # already English: nothing changes, nothing more to audit
    with db() as s:
        (row,) = s.scalars(select(AuditLog).where(AuditLog.action == "chat.language")).all()
        assert row.detail == {"channel": "simulator", "language": "en"}
        assert row.actor == f"chat:{s.scalars(select(ChatAccount)).one().id}"


def test_consent_is_dated_in_bangkok_time(db, chat):
    with db() as s, s.begin():
        member = make_member(s, make_fund(s))
        member.consent_at = datetime(2026, 11, 30, 23, 58, tzinfo=UTC)  # 06:58 on 1 December in Bangkok
        member.consent_version = "2026-11"
        link_chat(s, "U-test-1", member)
    chat.say("ข้อมูลของฉัน")
    consent = {r.label: r.value for r in chat.replies[0].rows}["ความยินยอม"]
    assert "1 ธันวาคม 2569" in consent
