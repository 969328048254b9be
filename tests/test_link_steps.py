"""The link path's steps against probing and floods: the phone is asked after every birth date (so
nothing up to the phone prompt says whether a birth date was right or whether the roster holds a
phone); a busy channel keeps what was typed and checks it when the member next writes; consent is
only taken in answer to the notice shown in this dialog."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import LinkFailure, Member
from services import linking
from tests.drivers import CoreChat
from tests.linking import add_phoneless, build_linking_roster, outbox, th
from tests.registration import NEW_ID, PHONE, ROSTER_ID, account, data_of, start_link, state


@pytest.fixture
def roster(db):
    return build_linking_roster(db)


def seen(chat) -> list:
    return [(m.text, [(b.label, b.data) for b in m.buttons]) for m in chat.replies]


# --- the phone is asked after every birth date --------------------------------------------------

@pytest.mark.parametrize("channel", ["simulator", "telegram"])
def test_replies_up_to_the_phone_prompt_tell_nothing_about_the_birth_date_or_a_phone_on_file(
        app, db, roster, new_chat, channel):
    manee = add_phoneless(db, roster)  # NEW_ID, born 1/5/2523, no phone on file
    probes = {"phone, right birth": (ROSTER_ID, "15/1/2510"), "phone, wrong birth": (ROSTER_ID, "16/1/2510"),
              "no phone, right birth": (NEW_ID, "1/5/2523"), "no phone, wrong birth": (NEW_ID, "2/5/2523")}
    answers, people = {}, {}
    for i, (case, (national_id, birth)) in enumerate(probes.items()):
        person = new_chat(f"U-probe-{i}") if channel == "simulator" else CoreChat(app, f"probe-{i}")
        start_link(person)
        person.say(national_id)
        after_id = seen(person)
        person.say(birth)
        answers[case] = (after_id, seen(person))
        people[case] = person
        assert state(db, person.user, channel)[0] == "reg.link.phone"
        assert account(db, person.user, channel).pending_member_id is None  # nothing asked of anyone yet
    assert len({repr(a) for a in answers.values()}) == 1, answers
    assert th("register.ask_link_phone").splitlines()[0] in people["no phone, right birth"].text
    assert [r for r in outbox(db) if r.key.startswith("link-pending:")] == []

    # Only after the phone: the member with no phone on file waits for the committee.
    people["no phone, right birth"].say("089-555-0000")
    assert th("register.link_waiting_sent").splitlines()[0] in people["no phone, right birth"].text
    waiting = account(db, people["no phone, right birth"].user, channel)
    assert waiting.pending_member_id == manee and waiting.member_id is None
    with db() as s:
        assert s.get(Member, manee).phone is None  # the typed phone is not kept
    people["no phone, wrong birth"].say("089-555-0000")
    assert "ไม่พบข้อมูลสมาชิก" in people["no phone, wrong birth"].text


# --- a busy channel keeps what was typed ----------------------------------------------------------

def flood(db, clock) -> None:
    with db() as s, s.begin():
        s.add_all(LinkFailure(channel="simulator", id_hash=f"flood-{i}", at=clock.now)
                  for i in range(linking.FAILURES_PER_MINUTE))


def test_a_busy_channel_keeps_the_birth_date_and_does_not_misread_the_phone(app, db, roster, new_chat, clock):
    flood(db, clock)
    member = new_chat("U-genuine")
    start_link(member)
    member.say(ROSTER_ID)
    member.say("15/1/2510")
    busy = th("register.link_busy_birth")
    assert busy in member.text and "ส่งวันเกิดอีกครั้ง" in busy  # says what to send again
    assert state(db, "U-genuine") == ("reg.link.birth", state(db, "U-genuine")[1])
    assert state(db, "U-genuine")[1]["birth_date"] == "1967-01-15"
    member.say(PHONE)  # still busy: the next step's answer, typed early, is kept for it
    assert busy in member.text and "อ่านวันเกิดนี้ไม่ออก" not in member.text
    assert state(db, "U-genuine")[0] == "reg.link.birth"

    clock.now += timedelta(seconds=61)
    member.say("ได้หรือยังคะ")  # anything: what was kept is checked now
    assert "เชื่อมบัญชีเรียบร้อย" in member.text
    assert account(db, "U-genuine").member_id == roster.member_id


def test_after_a_busy_moment_a_phone_goes_straight_to_its_step(app, db, roster, new_chat, clock):
    flood(db, clock)
    member = new_chat("U-genuine-2")
    start_link(member)
    member.say(ROSTER_ID)
    member.say("15/1/2510")
    clock.now += timedelta(seconds=61)
    member.say("081-234-5678")  # the birth date is not asked again; this is the phone
    assert "อ่านวันเกิดนี้ไม่ออก" not in member.text and "เชื่อมบัญชีเรียบร้อย" in member.text


def test_after_a_busy_moment_anything_typed_goes_on_to_the_phone(app, db, roster, new_chat, clock):
    flood(db, clock)
    answers = []
    for user, birth in (("U-right", "15/1/2510"), ("U-wrong", "16/1/2510")):
        person = new_chat(user)
        start_link(person)
        person.say(ROSTER_ID)
        person.say(birth)
        answers.append(seen(person))
    clock.now += timedelta(seconds=61)
    for user in ("U-right", "U-wrong"):
        person = new_chat(user)
        person.say("โอเคค่ะ")
        answers.append(seen(person))
        assert state(db, user)[0] == "reg.link.phone"
    assert answers[0] == answers[1] and answers[2] == answers[3]  # right or wrong, the same
    assert th("register.link_birth_kept") in answers[2][0][0]
    assert th("register.ask_link_phone").splitlines()[0] in answers[2][0][0]
    right = new_chat("U-right")
    right.say(PHONE)
    assert account(db, "U-right").member_id == roster.member_id


def test_a_busy_channel_at_the_phone_step_keeps_the_phone(app, db, roster, new_chat, clock):
    member = new_chat("U-at-phone")
    start_link(member)
    member.say(ROSTER_ID)
    member.say("15/1/2510")
    flood(db, clock)
    member.say(PHONE)
    busy = th("register.link_busy_phone")
    assert busy in member.text and "ส่งเบอร์โทรศัพท์อีกครั้ง" in busy
    assert state(db, "U-at-phone")[0] == "reg.link.phone"
    clock.now += timedelta(seconds=61)
    member.say("ค่ะ")
    assert account(db, "U-at-phone").member_id == roster.member_id


def test_busy_messages_name_the_input_in_english_too():
    from locales import translate

    assert "birth date again" in translate("en", "register.link_busy_birth")
    assert "phone number again" in translate("en", "register.link_busy_phone")
    assert '"Confirm" again' in translate("en", "register.apply_busy")


# --- consent only in answer to the notice shown ---------------------------------------------------

@pytest.mark.parametrize("path, button, label", [("link", "reg:consent:link", "เป็นสมาชิกแล้ว"),
                                                 ("apply", "reg:consent:apply", "สมัครสมาชิกใหม่")])
def test_a_consent_button_with_no_notice_open_shows_the_notice_again(chat, db, roster, path, button, label):
    chat.say("ลงทะเบียน")
    chat.tap(label)
    chat.say("ยกเลิกค่ะ")
    assert state(db) == (None, {})
    chat.press(button)  # old, or forged
    assert "ข้อมูลส่วนบุคคล" in chat.text and button in data_of(chat)
    assert state(db) == (f"reg.{path}.consent", {})
    assert account(db).consent_at is None
    chat.press(button)  # now in answer to the notice shown
    assert state(db)[0] in ("reg.link.id", "reg.apply.name")
    assert state(db)[1].get("consent_at")
