"""Links a committee member confirms (no phone on file), one chat per channel per member (the chat
that loses the link is told), and consent recorded per link. Through the simulator and the core;
the committee's side through the `kongtun links` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from locales import translate
from models import AuditLog, ChatAccount, Member
from tests.drivers import CoreChat
from tests.linking import COMMITTEE_LINE, build_linking_roster, outbox, th
from tests.registration import NEW_ID, USER, account, as_utc, give_details, start_link, state


@pytest.fixture
def roster(db):
    return build_linking_roster(db)


# --- no phone on file: a committee member confirms -----------------------------------------------

def test_a_member_without_a_phone_on_file_waits_for_a_committee_member(app, db, phoneless, chat, run):
    start_link(chat)
    chat.say(NEW_ID)
    chat.say("1/5/2523")
    assert th("register.ask_link_phone").splitlines()[0] in chat.text  # asked whatever matched
    chat.say("089-555-0000")
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
    chat.say("089-555-0000")
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


