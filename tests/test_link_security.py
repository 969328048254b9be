"""A membership is only linked by its member: failed tries are counted per national ID across every
chat and channel and lock that ID for hours (the member's chats and the committee are told); a channel
has a ceiling of failed tries a minute; the phone on file is a second secret; a member with none waits
for a committee member; the chat that loses a link is told; consent is recorded per link.

People talk through the simulator (`chat`, `new_chat`) or, as LINE and Telegram, through the core
(`CoreChat`); notices are outbox rows (delivered elsewhere)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import main
from domain.identity import hash_national_id
from locales import translate
from models import AuditLog, ChatAccount, CommitteeRole, Fund, LinkFailure, LinkLock, Member, OutboxMessage
from services import linking
from tests.conftest import SECRET
from tests.drivers import CoreChat
from tests.factories import link_chat, make_member, valid_national_id
from tests.registration import (
    NEW_ID,
    ROSTER_ID,
    USER,
    account,
    as_utc,
    build_roster,
    give_details,
    start_link,
    state,
    walk_apply,
)

SOMSRI_LINE = "U-somsri-own-line"
COMMITTEE_LINE = "U-committee-line"


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


@pytest.fixture
def db(app):
    return app.extensions["kongtun"].Session


@pytest.fixture
def roster(db):
    """Somsri (an active member of Pa Khlok) has linked her own LINE; Pa Khlok has a committee member
    with a LINE chat too."""
    roster = build_roster(db)
    with db() as s, s.begin():
        fund = s.get(Fund, roster.pakhlok_id)
        link_chat(s, SOMSRI_LINE, s.get(Member, roster.member_id), channel="line")
        boss = make_member(s, fund, first_name="ประธาน", last_name="กองทุน", member_no="00001")
        s.add(CommitteeRole(member_id=boss.id, fund_id=fund.id, role="committee"))
        link_chat(s, COMMITTEE_LINE, boss, channel="line")
    return roster


def outbox(db) -> list[OutboxMessage]:
    with db() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def texts(rows: list[OutboxMessage]) -> str:
    return json.dumps([r.payload for r in rows], ensure_ascii=False)


def people(app, new_chat, n: int, tag: str) -> list:
    """n strangers on three channels."""
    made = []
    for i in range(n):
        if i % 3 == 0:
            made.append(new_chat(f"U-{tag}-{i}"))
        else:
            made.append(CoreChat(app, f"{tag}-{i}", channel="telegram" if i % 3 == 1 else "line"))
    return made


def fail_from_many_chats(app, new_chat, national_id: str, tag: str) -> list:
    """Five failed tries at one ID, each from another chat: wrong birth dates and wrong phones."""
    strangers = people(app, new_chat, linking.MAX_TARGET_FAILURES, tag)
    for i, stranger in enumerate(strangers):
        start_link(stranger)
        if i % 2:
            give_details(stranger, national_id, birth=f"{i + 1}/2/2500")
        else:
            give_details(stranger, national_id, phone=f"089-000-000{i}")
    return strangers


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
        assert s.scalar(select(func.count()).select_from(Member)) == 2  # Somsri and the committee member
    rows = outbox(db)
    pending = [r for r in rows if r.key.startswith("link-pending:")]
    assert [r.external_user_id for r in pending] == [COMMITTEE_LINE]
    notice = pending[0].payload[0]["text"]
    assert "สมหญิง รักดี, 081-234-5678" in notice and "00017" in notice  # to call the applicant back
    assert f"kongtun links confirm {account(db, 'U-applies').id}" in notice
    assert ROSTER_ID not in notice and ROSTER_ID[-4:] not in notice
    assert {r.key.split(":")[0] for r in rows} == {"link-locked", "link-pending"}


# --- per channel: a ceiling on failed tries a minute --------------------------------------------

def test_a_channel_full_of_failed_tries_is_not_checked_for_a_while(app, db, roster, new_chat, clock):
    with db() as s, s.begin():
        fund = s.get(Fund, roster.pakhlok_id)
        s.add_all(LinkFailure(channel="simulator", id_hash=f"guess-{i}", at=clock.now)
                  for i in range(linking.FAILURES_PER_MINUTE - 1))
        newcomers = [valid_national_id(9000 + i) for i in range(6)]
        for national_id in newcomers:
            make_member(s, fund, national_id=national_id)
    # A fund announcing the bot at its meeting: successful links are never limited.
    for i, national_id in enumerate(newcomers):
        member = new_chat(f"U-meeting-{i}")
        start_link(member)
        give_details(member, national_id)
        assert "เชื่อมบัญชีเรียบร้อย" in member.text
    one_more = new_chat("U-one-more")
    start_link(one_more)
    give_details(one_more, NEW_ID)  # the 30th failure this minute
    assert "ไม่พบข้อมูลสมาชิก" in one_more.text

    late = new_chat("U-late")
    start_link(late)
    late.say(ROSTER_ID)
    late.say("15/1/2510")
    assert th("register.link_busy").splitlines()[0] in late.text
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


# --- no phone on file: a committee member confirms -----------------------------------------------

@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args),
                             env={"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET})

    return invoke


@pytest.fixture
def phoneless(db, roster):
    with db() as s, s.begin():
        manee = make_member(s, s.get(Fund, roster.pakhlok_id), national_id=NEW_ID,
                            birth_date=date(1980, 5, 1), first_name="มานี", last_name="มีนา",
                            member_no="00099", phone=None)
    return manee.id


def test_a_member_without_a_phone_on_file_waits_for_a_committee_member(app, db, phoneless, chat, run):
    start_link(chat)
    chat.say(NEW_ID)
    chat.say("1/5/2523")
    assert th("register.link_waiting_sent").splitlines()[0] in chat.text
    assert state(db) == (None, {})
    acct = account(db)
    assert acct.member_id is None and acct.pending_member_id == phoneless and acct.consent_at is not None
    (notice,) = [r for r in outbox(db) if r.key.startswith("link-pending:")]
    assert notice.external_user_id == COMMITTEE_LINE
    text = notice.payload[0]["text"]
    assert "มานี มีนา" in text and "00099" in text and f"kongtun links confirm {acct.id}" in text
    assert NEW_ID not in text and NEW_ID[-4:] not in text

    chat.say("ลงทะเบียน")
    assert th("register.link_waiting").splitlines()[0] in chat.text
    chat.say("เช็คยอด")
    assert th("menu.need_register") in chat.text and "มานี" not in chat.text

    listing = run("links", "pending")
    assert listing.exit_code == 0, listing.output
    assert "00099" in listing.output and "PAKHLOK" in listing.output and "Simulator" in listing.output
    assert "มานี ม." in listing.output and "มีนา" not in listing.output
    assert NEW_ID not in listing.output and "x-xxxx-xxxx" in listing.output
    assert "No link is waiting" in run("links", "pending", "--fund", "RAWAI").output

    confirmed = run("links", "confirm", str(acct.id))
    assert confirmed.exit_code == 0, confirmed.output
    acct = account(db)
    assert acct.member_id == phoneless and acct.pending_member_id is None
    (told,) = [r for r in outbox(db) if r.key.startswith("link-confirmed:")]
    assert told.external_user_id == USER and "มานี มีนา" in told.payload[0]["text"]
    chat.say("เช็คยอด")
    assert "มานี มีนา" in chat.text
    with db() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
        link_row = s.scalar(select(AuditLog).where(AuditLog.action == "member.link"))
        assert link_row.actor == "cli" and link_row.detail["via"] == "committee"
    assert actions == ["member.link_requested", "member.link"]
    again = run("links", "confirm", str(acct.id))
    assert again.exit_code != 0 and "no link waiting" in again.output


def test_a_committee_member_may_refuse_a_waiting_link(app, db, phoneless, chat, run):
    start_link(chat)
    chat.say(NEW_ID)
    chat.say("1/5/2523")
    refused = run("links", "reject", str(account(db).id))
    assert refused.exit_code == 0, refused.output
    acct = account(db)
    assert acct.member_id is None and acct.pending_member_id is None
    (told,) = [r for r in outbox(db) if r.key.startswith("link-rejected:")]
    assert told.payload[0]["text"] == th("link.notice_rejected")
    chat.say("ลงทะเบียน")
    assert th("register.ask_kind").splitlines()[0] in chat.text  # free to start again
    with db() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.action == "member.link_rejected")) is not None


# --- one chat per channel per member, consent per link --------------------------------------------

def test_the_chat_that_loses_the_link_is_told_in_its_language(app, db, roster, chat, new_chat, clock):
    with db() as s, s.begin():
        s.add(ChatAccount(channel="simulator", external_user_id=USER, locale="en"))
    chat.say("register")
    chat.tap("I'm a member")
    chat.tap("I agree")
    give_details(chat)
    first = account(db)
    assert first.member_id == roster.member_id

    clock.now += timedelta(days=1)
    second = new_chat("U-new-phone")
    start_link(second)
    give_details(second)
    newer = account(db, "U-new-phone")
    assert newer.member_id == roster.member_id and account(db).member_id is None
    (moved,) = [r for r in outbox(db) if r.key.startswith("link-moved:")]
    assert moved.external_user_id == USER
    assert moved.payload[0]["text"] == translate("en", "link.notice_moved", channel="Simulator")
    with db() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "member.link_moved"))
        assert row.entity_id == str(roster.member_id)
        assert row.detail == {"channel": "simulator", "from_chat": first.id, "to_chat": newer.id}
    chat.say("balance")
    assert translate("en", "menu.need_register") in chat.text


def test_consent_is_recorded_per_link_and_shown_by_each_chat(app, db, roster, chat, clock):
    start_link(chat)
    give_details(chat)
    first_consent = account(db).consent_at
    clock.now += timedelta(days=3)
    telegram = CoreChat(app, "tg-consent")
    start_link(telegram)
    give_details(telegram)
    assert as_utc(account(db).consent_at) == as_utc(first_consent)  # not rewritten by another link
    assert as_utc(account(db, "tg-consent", "telegram").consent_at) == as_utc(clock.now)
    with db() as s:
        assert s.get(Member, roster.member_id).consent_at is None
    chat.press("mydata")
    assert "ให้ความยินยอมเมื่อ 29 พฤศจิกายน 2569" in chat.text
    telegram.press("mydata")
    assert "ให้ความยินยอมเมื่อ 2 ธันวาคม 2569" in telegram.text


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
    assert {"member.link_failed", "member.link_locked", "link.locked", "member.link_requested"} <= actions
    notices = texts(outbox(db))
    for secret in (ROSTER_ID, NEW_ID, valid_national_id(777), "0812345678", "812345678", "0891112222",
                   hash_national_id(SECRET, ROSTER_ID), hash_national_id(SECRET, NEW_ID)):
        assert secret not in dumped
        assert secret not in notices
    assert "089-111-2222" not in dumped  # the committee may read what an applicant typed; the audit not
