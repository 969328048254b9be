"""A membership is only linked by its member: failed tries are counted per national ID across every
chat and channel and lock that ID for hours (the member's chats and the committee are told); a channel
has a ceiling of failed tries a minute; nothing an attacker reads says whether an ID is on a roster;
nothing personal reaches the audit log or the notices.

People talk through the simulator (`chat`, `new_chat`) or, as LINE and Telegram, through the core
(`CoreChat`); notices are outbox rows (delivered elsewhere)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.identity import hash_national_id
from models import AuditLog, Fund, LinkFailure, LinkLock, Member
from services import linking
from tests.conftest import SECRET
from tests.drivers import CoreChat
from tests.factories import make_member, valid_national_id
from tests.linking import (
    COMMITTEE_LINE,
    SOMSRI_LINE,
    build_linking_roster,
    fail_from_many_chats,
    outbox,
    people,
    texts,
    th,
)
from tests.registration import (
    NEW_ID,
    PHONE,
    ROSTER_ID,
    account,
    as_utc,
    give_details,
    start_link,
    state,
    walk_apply,
)


@pytest.fixture
def roster(db):
    return build_linking_roster(db)


# --- per target: a lock on every chat ------------------------------------------------------------

def test_failed_tries_from_many_chats_and_channels_lock_the_id_everywhere(app, db, roster, new_chat, clock):
    early = new_chat("U-early")  # a chat that got past the ID before the lock
    start_link(early)
    early.say(ROSTER_ID)

    strangers = fail_from_many_chats(app, new_chat, ROSTER_ID, "x")
    for stranger in strangers[:-1]:
        assert "ไม่พบข้อมูลสมาชิก" in stranger.text  # one try each: no chat was paused
    assert th("register.link_id_locked", when="").splitlines()[0] in strangers[-1].text
    assert "เวลา 16:00 น." in strangers[-1].text  # six hours from 10:00
    with db() as s:
        lock = s.get(LinkLock, hash_national_id(SECRET, ROSTER_ID))
        assert as_utc(lock.locked_until) == as_utc(clock.now + linking.TARGET_LOCK) and lock.failures == 5
        assert {f.channel for f in s.scalars(select(LinkFailure))} == {"simulator", "telegram", "line"}

    # Even the right birth date and phone do not link while it lasts, on any chat.
    early.say("15/1/2510")
    assert th("register.link_id_locked", when="").splitlines()[0] in early.text
    owner = CoreChat(app, "owner-new-phone", channel="telegram")
    start_link(owner)
    owner.say(ROSTER_ID)
    assert th("register.link_id_locked", when="").splitlines()[0] in owner.text
    assert "ไม่พบ" not in owner.text
    assert account(db, "U-early").member_id is None
    assert account(db, "owner-new-phone", "telegram").member_id is None

    # Told once: the member's own chat and the committee, without the ID.
    rows = outbox(db)
    assert sorted(r.external_user_id for r in rows) == [COMMITTEE_LINE, SOMSRI_LINE]
    assert all(r.key.startswith(f"link-locked:{roster.member_id}:") for r in rows)
    by_user = {r.external_user_id: r.payload[0]["text"] for r in rows}
    assert "พักการเชื่อมบัญชีใหม่กับข้อมูลของท่านไว้ถึงเวลา 16:00 น." in by_user[SOMSRI_LINE]
    assert "สมศรี มีสุข" in by_user[COMMITTEE_LINE] and "00017" in by_user[COMMITTEE_LINE]
    assert "5 ครั้ง" in by_user[COMMITTEE_LINE]
    assert "kongtun links unlock 00017 --fund PAKHLOK" in by_user[COMMITTEE_LINE]  # how to help her
    for secret in (ROSTER_ID, ROSTER_ID[-4:], "812345678", "1967", "2510"):
        assert secret not in texts(rows)
    late = new_chat("U-late")
    start_link(late)
    late.say(ROSTER_ID)
    assert len(outbox(db)) == 2

    with db() as s:
        locked = s.scalar(select(AuditLog).where(AuditLog.action == "member.link_locked"))
        assert locked.entity_id == str(roster.member_id) and locked.detail["failures"] == 5

    clock.now += linking.TARGET_LOCK + timedelta(minutes=1)
    start_link(owner)
    give_details(owner, phone="66812345678")
    assert "เชื่อมบัญชีเรียบร้อย" in owner.text
    assert account(db, "owner-new-phone", "telegram").member_id == roster.member_id


def test_a_locked_id_reads_the_same_whether_or_not_it_is_on_a_roster(app, db, roster, new_chat):
    fail_from_many_chats(app, new_chat, ROSTER_ID, "a")
    fail_from_many_chats(app, new_chat, NEW_ID, "b")
    answers = []
    for user, national_id in (("U-ask-1", ROSTER_ID), ("U-ask-2", NEW_ID)):
        asker = new_chat(user)
        start_link(asker)
        asker.say(national_id)
        answers.append(asker.replies)
    assert answers[0] == answers[1]
    with db() as s:
        assert s.scalar(select(func.count()).select_from(LinkLock)) == 2
        assert s.scalar(select(AuditLog).where(AuditLog.action == "link.locked")).entity_id is None
    assert len(outbox(db)) == 2  # the ID on no roster has nobody to tell


def test_applying_with_an_id_on_the_roster_counts_towards_the_lock(app, db, roster, new_chat):
    strangers = people(app, new_chat, linking.MAX_TARGET_FAILURES - 1, "c")
    for stranger in strangers:
        start_link(stranger)
        give_details(stranger, birth="1/1/2500")
    applicant = new_chat("U-applies")
    walk_apply(applicant, "reg.apply.id")
    applicant.say(ROSTER_ID)
    applicant.say("2/3/2520")
    applicant.say("081-234-5678")
    applicant.tap("ถลาง")
    applicant.tap("ทต.ป่าคลอก")
    applicant.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in applicant.text
    with db() as s:
        assert s.get(LinkLock, hash_national_id(SECRET, ROSTER_ID)) is not None
        # Somsri, the committee member and the applicant's own application (what they typed)
        assert s.scalar(select(func.count()).select_from(Member)) == 3
    rows = outbox(db)
    duplicate = [r for r in rows if r.key.startswith("apply-duplicate:")]
    assert [r.external_user_id for r in duplicate] == [COMMITTEE_LINE]  # one fund holds and was applied to
    notice = duplicate[0].payload[0]["text"]
    assert "สมหญิง รักดี, 081-234-5678" in notice and "00017" in notice  # to call the applicant back
    assert "kongtun links confirm" not in notice  # nothing to confirm: it is an application
    assert ROSTER_ID not in notice and ROSTER_ID[-4:] not in notice
    assert {r.key.split(":")[0] for r in rows} == {"link-locked", "apply-duplicate"}
    # The lock is told to Somsri and her committee, never to the applicant's chat (their own record).
    assert "U-applies" not in {r.external_user_id for r in rows}
    told = {r.external_user_id for r in rows if r.key.startswith("link-locked:")}
    assert told == {SOMSRI_LINE, COMMITTEE_LINE}


# --- per channel: a ceiling on failed tries a minute --------------------------------------------

def test_a_channel_full_of_failed_tries_is_not_checked_for_a_while(app, db, roster, new_chat, clock):
    with db() as s, s.begin():
        fund = s.get(Fund, roster.pakhlok_id)
        s.add_all(LinkFailure(channel="simulator", id_hash=f"guess-{i}", at=clock.now)
                  for i in range(linking.FAILURES_PER_MINUTE - 1))
        newcomers = [valid_national_id(9000 + i) for i in range(6)]
        for national_id in newcomers:
            make_member(s, fund, national_id=national_id)
    # A fund announcing the bot at its meeting: successful links do not count towards the ceiling.
    for i, national_id in enumerate(newcomers):
        member = new_chat(f"U-meeting-{i}")
        start_link(member)
        give_details(member, national_id)
        assert "เชื่อมบัญชีเรียบร้อย" in member.text
    one_more = new_chat("U-one-more")
    start_link(one_more)
    give_details(one_more, NEW_ID)  # its birth date is the 30th failure this minute...
    assert th("register.link_busy_phone") in one_more.text  # ...so the phone waits too
    assert state(db, "U-one-more")[0] == "reg.link.phone"

    late = new_chat("U-late")
    start_link(late)
    late.say(ROSTER_ID)
    late.say("15/1/2510")
    assert th("register.link_busy_birth") in late.text
    assert state(db, "U-late")[0] == "reg.link.birth"  # kept: the same answer may be sent again
    with db() as s:
        assert s.scalar(select(func.count()).select_from(LinkFailure)) == linking.FAILURES_PER_MINUTE
    telegram = CoreChat(app, "tg-elsewhere")  # another channel is not held up
    start_link(telegram)
    give_details(telegram)
    assert "เชื่อมบัญชีเรียบร้อย" in telegram.text

    clock.now += timedelta(seconds=61)
    late.say("15/1/2510")
    late.say("0812345678")
    assert account(db, "U-late").member_id == roster.member_id
    one_more.say("0812345678")
    assert "ไม่พบข้อมูลสมาชิก" in one_more.text


def test_a_busy_channel_at_the_phone_step_does_not_tell_a_right_birth_date(app, db, roster, new_chat, clock):
    """Flooding the channel between the birth date and the phone must not turn "busy" into a hint."""
    right, wrong = new_chat("U-right"), new_chat("U-wrong")
    for person, birth in ((right, "15/1/2510"), (wrong, "16/1/2510")):
        start_link(person)
        person.say(ROSTER_ID)
        person.say(birth)
    with db() as s, s.begin():
        s.add_all(LinkFailure(channel="simulator", id_hash=f"flood-{i}", at=clock.now)
                  for i in range(linking.FAILURES_PER_MINUTE))
    right.say(PHONE)
    wrong.say(PHONE)
    assert right.replies == wrong.replies
    assert th("register.link_busy_phone") in right.text


def test_a_busy_channel_holds_every_application_at_its_confirmation(app, db, roster, chat, clock):
    """Applying checks the roster only at the end, so a busy channel holds every application there
    alike (an ID on a roster or not): nothing is checked or written until it calms down."""
    with db() as s, s.begin():
        s.add_all(LinkFailure(channel="simulator", id_hash=f"guess-{i}", at=clock.now)
                  for i in range(linking.FAILURES_PER_MINUTE))
    walk_apply(chat, "reg.apply.confirm")
    chat.tap("ยืนยัน")
    assert th("register.apply_busy") in chat.text
    assert "ยืนยัน" in [b.label for b in chat.buttons()]
    assert state(db)[0] == "reg.apply.confirm"
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 2  # Somsri and the committee member
    clock.now += timedelta(seconds=61)
    chat.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text


# --- nothing personal in the audit or the notices ---------------------------------------------------

def test_no_audit_row_or_notice_holds_an_id_a_phone_or_a_hash(app, db, roster, phoneless, chat, new_chat):
    fail_from_many_chats(app, new_chat, ROSTER_ID, "p")  # failures, a pause-free lock, notices
    fail_from_many_chats(app, new_chat, valid_national_id(777), "q")  # a lock of an ID on no roster
    start_link(chat)
    give_details(chat, NEW_ID, "1/5/2523")  # waits for the committee
    applicant = new_chat("U-applicant")
    walk_apply(applicant, "reg.apply.id")
    for say in (NEW_ID, "2/3/2520", "089-111-2222"):
        applicant.say(say)
    applicant.tap("ถลาง")
    applicant.tap("ทต.ป่าคลอก")
    applicant.tap("ยืนยัน")
    with db() as s:
        rows = s.scalars(select(AuditLog)).all()
        dumped = json.dumps([[r.actor, r.action, r.entity, r.entity_id, r.detail] for r in rows],
                            ensure_ascii=False)
        actions = {r.action for r in rows}
    assert {"member.link_failed", "member.link_locked", "link.locked", "member.link_requested",
            "member.apply"} <= actions
    notices = texts(outbox(db))
    for secret in (ROSTER_ID, NEW_ID, valid_national_id(777), "0812345678", "812345678", "0891112222",
                   hash_national_id(SECRET, ROSTER_ID), hash_national_id(SECRET, NEW_ID)):
        assert secret not in dumped
        assert secret not in notices
    assert "089-111-2222" not in dumped  # the committee may read what an applicant typed; the audit not
