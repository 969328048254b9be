"""Applying to join a fund, through the simulator: the happy path in Thai and English, typed answers,
choosing a district and a fund, a Telegram contact as the phone, saying no, and an ID already on the
roster."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

from sqlalchemy import select

from bot.demo.seed import PACKAGED_DATA
from domain.identity import hash_national_id
from domain.thai import mask_national_id
from handlers.register import CONSENT_VERSION
from models import AuditLog, ChatAccount, LinkFailure, Member, MemberStatus
from tests.conftest import SECRET
from tests.drivers import CoreChat
from tests.factories import make_fund
from tests.registration import (
    NEW_ID,
    ROSTER_ID,
    THAI_CHARS,
    USER,
    account,
    as_utc,
    assert_buttons_fit,
    count,
    dashed,
    data_of,
    state,
    thai_digits,
    walk_apply,
)

# --- apply: the happy path ---------------------------------------------------------------------

def test_apply_happy_path_creates_a_pending_member(chat, db, roster, clock):
    chat.say("อยากสมัครสมาชิกกองทุน")
    assert {"reg:link", "reg:apply"} <= data_of(chat)
    chat.tap("สมัครสมาชิกใหม่")
    notice = chat.text
    for word in ("ชื่อ-นามสกุล", "เลขประจำตัวประชาชน", "วันเกิด", "เบอร์โทรศัพท์ (ถ้ามี)", "กองทุน",
                 "ขอดู", "ขอแก้ไข", "ขอลบ"):
        assert word in notice
    assert [b.label for b in chat.buttons()] == ["ยินยอม", "ไม่ยินยอม", "ยกเลิก"]
    consent_time = clock.now
    chat.tap("ยินยอม")
    assert "ชื่อและนามสกุล" in chat.text

    clock.now += timedelta(minutes=2)
    chat.say("นาง  สมหญิง   รักดี")
    assert "13 หลัก" in chat.text
    chat.say(dashed(NEW_ID))
    assert "วันเดือนปีเกิด" in chat.text
    assert NEW_ID not in json.dumps(state(db)[1])
    chat.say("2/3/2520")
    assert "เบอร์มือถือหรือเบอร์บ้านก็ได้" in chat.text
    chat.say("๐๘๑-๒๓๔-๕๖๗๘")
    assert "อำเภอ" in chat.text
    assert [b.label for b in chat.buttons()] == ["กะทู้", "ถลาง", "เมืองภูเก็ต", "ยกเลิก"]
    assert_buttons_fit(chat)

    chat.tap("ถลาง")
    assert "เทศบาลตำบลป่าคลอก" in chat.text and "องค์การบริหารส่วนตำบลสาคู" in chat.text
    assert "ราไวย์" not in chat.text
    labels = [b.label for b in chat.buttons()]
    assert labels == ["ทต.ป่าคลอก", "อบต.สาคู", "เลือกอำเภออื่น", "ยกเลิก"]
    assert_buttons_fit(chat)

    chat.tap("ทต.ป่าคลอก")
    summary = chat.last[-1]
    assert summary["card"]["title"] == "ตรวจสอบใบสมัครก่อนส่งค่ะ"
    assert "สมหญิง รักดี" in chat.text
    assert "x-xxxx-xxxx" in chat.text and NEW_ID[-4:] in chat.text.replace("-", "")
    assert NEW_ID not in chat.text.replace("-", "")
    assert "081-234-5678" in chat.text  # in full: the applicant's own private chat
    assert "2 มีนาคม 2520" in chat.text and "เทศบาลตำบลป่าคลอก" in chat.text and "ถลาง" in chat.text
    assert [b.label for b in chat.buttons()] == [
        "ยืนยัน", "แก้ชื่อ", "แก้เลขบัตร", "แก้วันเกิด", "แก้เบอร์โทร", "แก้กองทุน", "ยกเลิก"]
    assert_buttons_fit(chat)
    assert count(db, Member) == 1  # nothing written before the confirmation

    chat.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text and "08x-xxx-5678" in chat.text and "30 บาท" in chat.text
    assert state(db) == (None, {})
    with db() as s:
        member = s.scalar(select(Member).where(Member.id != roster.member_id))
        assert member.status == MemberStatus.PENDING and member.member_no is None
        assert (member.first_name, member.last_name) == ("สมหญิง", "รักดี")
        assert member.national_id_hash == hash_national_id(SECRET, NEW_ID)
        assert member.national_id_last4 == NEW_ID[-4:]
        assert member.birth_date == date(1977, 3, 2)
        assert member.phone == "+66812345678"
        assert member.fund.code == "PAKHLOK"
        assert member.joined_on == date(2026, 11, 29)
        assert member.consent_version == CONSENT_VERSION
        assert as_utc(member.consent_at) == as_utc(consent_time)  # when they pressed "ยินยอม"
        assert member.preferred_language == "th"
        new_id = member.id
        actions = [a.action for a in s.scalars(select(AuditLog))]
    assert actions == ["member.apply"]
    assert account(db).member_id == new_id

    chat.press("reg")
    assert "รอคณะกรรมการ" in chat.text


def test_apply_in_english_shows_english_labels(chat, db, roster):
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="en"))
    chat.say("sign up")
    chat.tap("Apply to join")
    assert "right to see, correct and delete" in chat.text
    chat.tap("I agree")
    chat.say("Somying Rakdee")
    chat.say(NEW_ID)
    chat.say("2 Mar 1977")
    chat.say("0812345678")
    assert [b.label for b in chat.buttons()] == ["Kathu", "Mueang Phuket", "Thalang", "Cancel"]
    chat.tap("Thalang")
    assert [b.label for b in chat.buttons()] == ["Pa Khlok Mun.", "Sakhu SAO", "Other district", "Cancel"]
    chat.tap("Sakhu")
    assert "2 March 1977" in chat.text  # domain.thai.format_date: Buddhist Era in Thai only
    assert not THAI_CHARS.search(chat.text)
    chat.tap("Confirm")
    assert "application has been sent" in chat.text
    with db() as s:
        member = s.scalar(select(Member).where(Member.id != roster.member_id))
        assert member.fund.code == "SAKHU" and member.preferred_language == "en"


def test_typed_answers_work_where_buttons_are_offered(chat, db, roster):
    chat.say("สมัคร")
    chat.say("สมัครสมาชิกใหม่")  # the button's label, typed
    assert state(db)[0] == "reg.apply.consent"
    chat.say("ยินยอม")
    assert state(db)[0] == "reg.apply.name"
    chat.say("สมหญิง รักดี")
    chat.say(NEW_ID)
    chat.say("2/3/2520")
    chat.say("0812345678")
    chat.say("ถลาง")
    assert state(db)[0] == "reg.apply.fund"
    chat.say("2")  # the number in the list
    assert state(db)[0] == "reg.apply.confirm"
    assert "องค์การบริหารส่วนตำบลสาคู" in chat.text
    chat.say("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text
    assert count(db, Member) == 2


def test_changing_district_and_fund_before_confirming(chat, db, roster):
    walk_apply(chat, "reg.apply.confirm")
    chat.press("reg:dists")
    assert state(db)[0] == "reg.apply.district"
    chat.tap("เมืองภูเก็ต")
    chat.tap("ทต.ราไวย์")
    assert "เทศบาลตำบลราไวย์" in chat.text
    chat.tap("ยืนยัน")
    with db() as s:
        assert s.scalar(select(Member).where(Member.id != roster.member_id)).fund.code == "RAWAI"


def test_telegram_contact_share_is_accepted_as_the_phone(app, db, roster):
    tg = CoreChat(app, "700003")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("สมหญิง รักดี")
    tg.say(NEW_ID)
    tg.say("2/3/2520")
    assert "Telegram" in tg.text
    tg.share_contact("66891234567")
    assert state(db, "700003", "telegram")[0] == "reg.apply.district"
    tg.press("reg:dist:1")  # ถลาง
    tg.press("reg:fund:PAKHLOK")
    assert "089-123-4567" in tg.text  # in full, in her own chat
    tg.press("reg:confirm")
    with db() as s:
        assert s.scalar(select(Member).where(Member.id != roster.member_id)).phone == "+66891234567"


def test_a_foreign_shared_contact_is_not_taken(app, db, roster):
    tg = CoreChat(app, "700004")
    tg.say("สมัคร")
    tg.press("reg:apply")
    tg.press("reg:consent:apply")
    tg.say("สมหญิง รักดี")
    tg.say(NEW_ID)
    tg.say("2/3/2520")
    tg.share_contact("+14155550100")
    assert "อ่านเบอร์นี้ไม่ได้" in tg.text
    assert state(db, "700004", "telegram")[0] == "reg.apply.phone"


def test_one_district_skips_straight_to_its_funds(chat, db):
    with db() as s, s.begin():
        make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
    walk_apply(chat, "reg.apply.district")  # the phone answer
    assert state(db)[0] == "reg.apply.fund"
    assert "เลือกอำเภออื่น" not in [b.label for b in chat.buttons()]
    assert "ทต.ป่าคลอก" in [b.label for b in chat.buttons()]


def test_without_any_fund_applying_is_explained(chat, db):
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    assert "ยังไม่มีกองทุน" in chat.text
    assert state(db) == (None, {})


def test_all_phuket_funds_get_short_distinct_labels(chat, db):
    with db() as s, s.begin():
        with (PACKAGED_DATA / "phuket_funds.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            fund = make_fund(s, row["code"], district_th=row["district_th"], district_en=row["district_en"],
                             name_th=row["name_th"], name_en=row["name_en"])
            fund.kind = row["kind"]
    walk_apply(chat, "reg.apply.district")
    districts = [b for b in chat.buttons() if b.data.startswith("reg:dist:")]
    assert len(districts) == len({r["district_th"] for r in rows})
    seen = 0
    for district in districts:
        chat.press(district.data)
        assert_buttons_fit(chat)
        funds = [b for b in chat.buttons() if b.data.startswith("reg:fund:")]
        labels = [b.label for b in funds]
        assert len(set(labels)) == len(labels)
        expected = [r for r in rows if r["district_th"] == district.label]
        assert {b.data for b in funds} == {f"reg:fund:{r['code']}" for r in expected}
        for r in expected:
            assert r["name_th"] in chat.text
        seen += len(funds)
    assert seen == len(rows)
    chat.tap("เลือกอำเภออื่น")
    chat.tap("ถลาง")  # two funds share the name Thep Krasattri: the kind tells them apart
    labels = [b.label for b in chat.buttons()]
    assert {"ทต.เทพกระษัตรี", "อบต.เทพกระษัตรี", "ทต.เชิงทะเล", "อบต.เชิงทะเล"} <= set(labels)


# --- apply: saying no, and the roster ----------------------------------------------------------

def test_declining_consent_stores_nothing(chat, db, roster):
    members, audits = count(db, Member), count(db, AuditLog)
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    chat.tap("ไม่ยินยอม")
    assert "ไม่ได้เก็บข้อมูล" in chat.text
    assert "reg" in data_of(chat)  # they may change their mind
    assert state(db) == (None, {})
    assert (count(db, Member), count(db, AuditLog)) == (members, audits)
    acct = account(db)
    assert acct.member_id is None and acct.linked_at is None


def test_typed_refusal_is_a_decline(chat, db, roster):
    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    chat.say("ไม่ยินยอม")
    assert "ไม่ได้เก็บข้อมูล" in chat.text
    assert state(db) == (None, {})


def test_applying_with_an_id_on_the_roster_reads_like_any_application(chat, new_chat, db, roster):
    """Whoever asks, the answers of the apply path never say whether an ID is on a roster: it goes on
    to the end and the answer is an application's, and so is everything the chat sees afterwards
    (greeting, menu, account card, registering again). The application holds what was typed, never
    reaches the record on the roster, and counts against the ID."""
    newcomer = new_chat("U-newcomer")
    walk_apply(newcomer, "reg.apply.id")
    walk_apply(chat, "reg.apply.id")
    answers = []
    for person, national_id in ((newcomer, NEW_ID), (chat, ROSTER_ID)):
        person.say(thai_digits(national_id))
        seen = [person.text]
        for say in (lambda p: p.say("2/3/2520"), lambda p: p.say("081-234-5678"), lambda p: p.tap("ถลาง"),
                    lambda p: p.tap("ทต.ป่าคลอก"), lambda p: p.tap("ยืนยัน"), lambda p: p.say("สวัสดีค่ะ"),
                    lambda p: p.say("เมนู"), lambda p: p.press("acct"), lambda p: p.press("reg"),
                    lambda p: p.say("ลงทะเบียน"), lambda p: p.say("เช็คยอด")):
            say(person)
            seen.append((person.text.replace(mask_national_id(national_id[-4:]), "<the ID as typed>"),
                         sorted(data_of(person))))
        answers.append(seen)
    assert answers[0] == answers[1]  # word for word, step by step (but for the ID in the summary)
    assert "ส่งใบสมัครเรียบร้อย" in answers[1][5][0]
    assert "สมศรี" not in json.dumps(answers, ensure_ascii=False)
    assert count(db, Member) == 3  # Somsri, and the two applications
    with db() as s:
        failure = s.scalar(select(LinkFailure))
        assert failure.id_hash == hash_national_id(SECRET, ROSTER_ID) and failure.channel == "simulator"
        acct = s.scalar(select(ChatAccount).where(ChatAccount.external_user_id == USER))
        assert acct.pending_member_id is None and acct.member_id != roster.member_id
        own = s.get(Member, acct.member_id)
        assert own.status == MemberStatus.PENDING and own.birth_date == date(1977, 3, 2)
        assert own.full_name == "สมหญิง รักดี" and own.phone == "+66812345678"
        somsri = s.get(Member, roster.member_id)
        assert somsri.first_name == "สมศรี" and somsri.birth_date == date(1967, 1, 15)
        rows = s.scalars(select(AuditLog).where(AuditLog.actor == f"chat:{acct.id}")
                         .order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["member.apply", "member.link_failed"]
    assert rows[0].entity_id == str(own.id) and rows[0].detail["duplicate_of"] == roster.member_id
