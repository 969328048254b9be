"""Leaving the registration dialog: cancel at every step, another feature's button, a dialog that
timed out, an old button from an earlier step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import AuditLog, Member
from tests.registration import (
    APPLY_STEPS,
    LINK_STEPS,
    account,
    count,
    data_of,
    state,
    walk_apply,
    walk_link,
)

# --- leaving the dialog ------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["typed", "button", "english"])
@pytest.mark.parametrize("step", APPLY_STEPS + LINK_STEPS)
def test_cancel_at_every_step_leaves_and_stores_nothing(chat, db, roster, step, how):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    assert state(db)[0] == step
    assert "cancel" in data_of(chat)
    {"typed": lambda: chat.say("ยกเลิก"), "button": lambda: chat.tap("ยกเลิก"),
     "english": lambda: chat.say("cancel")}[how]()
    assert "ยกเลิกเรียบร้อย" in chat.text
    assert {"reg", "acct"} <= data_of(chat)
    assert state(db) == (None, {})
    assert count(db, Member) == 1
    assert count(db, AuditLog) == 0
    acct = account(db)
    assert acct.member_id is None and acct.failed_link_attempts == 0
    chat.say("15/1/2510")  # no longer an answer to anything
    assert account(db).member_id is None and count(db, Member) == 1


@pytest.mark.parametrize("step", ["reg.apply.birth", "reg.apply.confirm", "reg.link.birth"])
def test_a_button_from_another_feature_keeps_the_dialog_waiting(chat, db, roster, step):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    before = state(db)
    chat.press("menu")
    assert state(db) == before
    assert "การลงทะเบียนของท่านยังรออยู่" in chat.text
    assert {"reg:resume", "cancel"} <= data_of(chat)


@pytest.mark.parametrize("step", ["reg.apply.birth", "reg.apply.confirm", "reg.link.birth"])
def test_an_old_button_after_cancelling_says_the_registration_ended_not_timed_out(chat, db, roster, step):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    chat.press("menu")
    chat.tap("ยกเลิกการลงทะเบียน")
    assert state(db) == (None, {})
    chat.press("reg:confirm")  # an old button from the summary
    assert "จบไปแล้ว" in chat.text and "หมดเวลา" not in chat.text and "reg" in data_of(chat)
    assert count(db, Member) == 1 and account(db).member_id is None


def test_a_timed_out_dialog_starts_over(chat, db, roster, clock):
    walk_apply(chat, "reg.apply.confirm")
    clock.now += timedelta(minutes=31)
    chat.press("reg:confirm")
    assert "หมดเวลา" in chat.text
    assert count(db, Member) == 1
    assert account(db).member_id is None


def test_an_answer_typed_after_a_timeout_is_told_the_registration_ended(chat, db, roster, clock):
    walk_link(chat, "reg.link.birth")
    clock.now += timedelta(minutes=31)  # away to find the ID card
    chat.say("15/1/2510")
    assert "หมดเวลา" in chat.text and "reg" in data_of(chat)
    assert state(db) == (None, {}) and account(db).member_id is None


@pytest.mark.parametrize(("step", "old_button"), [
    ("reg.apply.fund", "reg:consent:apply"),   # consent again would drop name, ID, birth, phone
    ("reg.apply.birth", "reg:decline"),        # declining after consenting and typing
    ("reg.link.birth", "reg:consent:link"),
    ("reg.apply.phone", "reg:apply"),
    ("reg.link.birth", "reg:link"),
])
def test_an_old_consent_or_choice_button_keeps_what_was_given(chat, db, roster, step, old_button):
    (walk_link if step.startswith("reg.link") else walk_apply)(chat, step)
    before = state(db)
    chat.press(old_button)
    assert "ขั้นตอนก่อนหน้า" in chat.text
    assert state(db) == before


def test_an_old_button_from_an_earlier_step_repeats_the_current_one(chat, db, roster):
    walk_apply(chat, "reg.apply.birth")
    chat.press("reg:confirm")
    assert "ขั้นตอนก่อนหน้า" in chat.text and "วันเดือนปีเกิด" in chat.text
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:fund:PAKHLOK")
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:dist:7")
    assert state(db)[0] == "reg.apply.birth"
    chat.press("reg:nonsense")
    assert state(db)[0] == "reg.apply.birth"
