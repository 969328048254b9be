"""Understanding in conversations, through the chat drivers: the simulator and LINE (and Telegram for
stickers). What a member types reaches the feature that answers it."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import buttons as B
from locales import translate
from tests.factories import link_chat, make_fund, make_member
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import LineUser


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


@pytest.fixture
def linked(app):
    with app.extensions["kongtun"].Session() as s, s.begin():
        member = make_member(s, make_fund(s), joined_on=date(2018, 3, 1), months_paid=105)
        link_chat(s, "U-test-1", member)


def titles(driver) -> list[str]:
    return [m.title for m in driver.replies if m.is_card]


def data(driver) -> list[str]:
    return [b.data for b in driver.buttons()]


# --- the simulator ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["เดือนนี้จ่ายยังคะ", "เดือนนี้จ่ายแล้วบ่", "เชคยอดค่ะ", "did i pay this month?",
                                  "เช็ค balance หน่อย", "ยอดเงินของฉันเท่าไหร่"])
def test_my_own_account_in_everyday_words(linked, chat, text):
    chat.say(text)
    assert titles(chat) == [th("account.title")]


@pytest.mark.parametrize("text", ["fund balance", "ยอดเงินกองทุน", "กองทนมีเงินเท่าไหร่", "เงินกองทุนเหลือเท่าไร"])
def test_the_funds_balance_gets_the_fund_card_not_mine(linked, chat, text):
    chat.say(text)
    assert titles(chat) == ["กองทุนทดสอบ PAKHLOK"]


def test_a_benefit_by_its_everyday_name_is_answered_with_that_benefit(linked, chat):
    chat.say("ลูกเกิดใหม่ได้เงินไหม")
    assert titles(chat) == [th("benefits.one_title", name="คลอดบุตร")]
    assert "ครั้งละ 1,000 บาท" in chat.text


@pytest.mark.parametrize(("text", "key"), [
    ("ขอบคุณค่ะ", "smalltalk.thanks"), ("ขอบคุณมากกกก", "smalltalk.thanks"), ("โอเคค่ะ", "smalltalk.ok"),
    ("555555", "smalltalk.laugh"), ("ขอบใจหลายเด้อ", "smalltalk.thanks"),
])
def test_small_talk_gets_a_warm_answer_and_the_menu(linked, chat, text, key):
    chat.say(text)
    assert chat.text == th(key)
    assert B.ACCOUNT in data(chat) and B.BENEFITS in data(chat)


def test_a_greeting_is_the_welcome_by_name(linked, chat):
    chat.say("สวัสดีค่าาา")
    assert "คุณสมชาย" in chat.text
    assert B.ACCOUNT in data(chat)


def test_a_sticker_in_the_simulator(linked, client):
    response = client.post("/simulator/api/messages", json={"user": "U-test-1", "sticker": True})
    assert response.status_code == 200
    assert response.get_json()["replies"][0]["text"] == th("smalltalk.sticker")


@pytest.mark.parametrize("body", [{"sticker": "yes"}, {"sticker": True, "text": "สวัสดี"}, {"sticker": False}])
def test_the_simulator_refuses_a_sticker_that_is_not_one(client, body):
    assert client.post("/simulator/api/messages", json={"user": "U-x", **body}).status_code == 400


def test_unsure_asks_with_exactly_two_choices_then_answers_the_one_pressed(linked, chat):
    chat.say("อยากดูยอดกับวันประชุม")
    assert chat.text == th("clarify.which")
    assert data(chat) == [B.ACCOUNT, B.MEETINGS, B.MENU]
    chat.press(B.ACCOUNT)
    assert titles(chat) == [th("account.title")]


def test_unsure_between_two_benefits_names_them(linked, chat):
    chat.say("คลอดลูกกับงานศพได้เท่าไหร่")
    assert data(chat) == [B.BENEFIT_ONE + "birth", B.BENEFIT_ONE + "death", B.MENU]
    assert [b.label for b in chat.buttons()][:2] == ["คลอดบุตร", "เสียชีวิต"]
    chat.press(B.BENEFIT_ONE + "birth")  # the benefit's own answer
    assert titles(chat) == [th("benefits.one_title", name="คลอดบุตร")]


@pytest.mark.parametrize("text", ["นอนโรงหมอ ได้ตังไหม", "นอนโรงพยาบานเบิกได้ไหมคะ"])
def test_regional_words_and_a_glued_typo_reach_the_hospital_benefit(linked, chat, text):
    chat.say(text)
    assert "เจ็บป่วยนอนโรงพยาบาล" in chat.text


def test_which_account_to_transfer_to_is_answered_as_the_how_to_pay_button(linked, chat):
    chat.say("โอนเข้าบัญชีไหนคะ")
    typed = chat.text
    chat.press(B.PAY_HOW)
    assert typed == chat.text and typed != th("clarify.which")


def test_linking_line_to_the_member_number_starts_registering(roster, chat):
    chat.say("ผูกไลน์กับเลขสมาชิก")
    assert {B.REG_LINK, B.REG_APPLY} <= set(data(chat))


def test_in_a_dialog_the_words_are_the_dialogs(linked, chat):
    chat.say("ลบข้อมูลของฉัน")
    chat.say("ขอบคุณค่ะ")  # not small talk: the deletion asks again or ends, never chatters
    assert chat.text != th("smalltalk.thanks")


# --- LINE ---------------------------------------------------------------------------------------

def test_line_member_reaches_the_right_card_in_everyday_words(line_member, line_user):
    line_user.say("เดือนนี้จ่ายยังคะ")
    assert th("account.title") in line_user.text
    line_user.say("fund balance")
    assert "เทศบาลตำบลป่าคลอก" in line_user.text and th("account.title") not in line_user.text
    line_user.say("เช็คยอดดดด")
    assert th("account.title") in line_user.text


def test_line_member_in_the_reviewers_words(line_member, line_user):
    line_user.say("นอนโรงหมอ ได้ตังไหม")
    assert "เจ็บป่วยนอนโรงพยาบาล" in line_user.text
    line_user.say("โอนเข้าบัญชีไหน")
    typed = line_user.text
    line_user.press(B.PAY_HOW)
    assert typed == line_user.text and typed != th("clarify.which")


def test_line_small_talk_and_sticker(line_member, line_user):
    line_user.say("ขอบคุณค่ะ")
    assert line_user.text == th("smalltalk.thanks")
    assert B.ACCOUNT in data(line_user)
    line_user.send("message", message=wh.sticker_message())
    assert line_user.text == th("smalltalk.sticker")


def test_line_unsure_two_buttons(line_member, line_user):
    line_user.say("สมัครและเช็คยอด")
    assert line_user.text == th("clarify.which")
    assert sorted(data(line_user)[:2]) == sorted([B.REGISTER, B.ACCOUNT])
    assert len(data(line_user)) == 3


def test_line_group_small_talk_is_one_short_line_without_buttons_or_name(
        line_app, line_client, fake_line, line_member, line_user):
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=wh.group_id())
    in_group.say("@น้องกองทุน ขอบคุณค่ะ", mention_self=True)
    assert in_group.text == th("smalltalk.group_thanks")
    assert data(in_group) == []
    in_group.say("@น้องกองทุน สวัสดีค่ะ", mention_self=True)
    assert in_group.text == th("smalltalk.group_greeting") and "สมชาย" not in in_group.text


# --- Telegram -----------------------------------------------------------------------------------

def test_telegram_sticker_and_thanks(somying, updates):
    somying.post(updates.message(somying.from_user, sticker=True))
    assert th("smalltalk.sticker") in somying.text
    somying.say("thank you")
    assert th("smalltalk.thanks") in somying.text
