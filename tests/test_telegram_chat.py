"""A person on Telegram, end to end through the webhook: every command, free Thai text, buttons,
shared contacts, group chats (never personal data there) and native HTML rendering of long answers."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from bot.channels.telegram_classify import normalize_phone
from bot.channels.telegram_render import render
from handlers.base import Incoming, Text
from locales import translate
from models import ChatAccount, DialogState, ProcessedEvent
from tests.conftest import BANGKOK
from tests.factories import link_chat, make_fund, make_meeting, make_member
from tests.fakes.telegram_api import BOT_USERNAME
from tests.fakes.telegram_spec import check_html

USER_ID = 5_012_345_678  # somying's Telegram id


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


def count(app, model) -> int:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def tg_account(app, user_id: int = USER_ID) -> ChatAccount | None:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == "telegram",
                                                  ChatAccount.external_user_id == str(user_id)))


@pytest.fixture
def member(tg_app):
    """Somying is a linked member of Pa Khlok on Telegram, paid through a few months."""
    with tg_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK")
        somying = make_member(s, fund, first_name="สมหญิง", last_name="รักถิ่น", months_paid=90,
                              joined_on=date(2019, 1, 1), member_no="04711", phone="+66891234567")
        link_chat(s, str(USER_ID), somying, channel="telegram")
        make_meeting(s, fund, datetime(2026, 12, 20, 9, 30, tzinfo=BANGKOK))
        return somying.id


# --- commands and text ------------------------------------------------------------------------------

COMMAND_BUTTONS = [("/start", "menu"), ("/help", "menu"), ("/menu", "menu"), ("/balance", "acct"),
                   ("/benefits", "ben"), ("/fund", "fund"), ("/meetings", "meet"), ("/register", "reg"),
                   ("/language", "lang"), ("/cancel", "cancel")]


@pytest.mark.parametrize(("command", "button"), COMMAND_BUTTONS)
def test_each_command_does_what_its_menu_button_does(tg_app, member, somying, command, button):
    somying.say(command)
    sent = somying.last
    assert sent
    core = tg_app.extensions["kongtun"]
    same = core.handle(Incoming(channel="telegram", user_id=str(USER_ID), postback=button,
                                event_id=str(uuid.uuid4())))
    assert [m["text"] for m in sent] == [m.text for m in render(same)]


def test_commands_answer_in_thai_with_native_formatting(member, somying):
    somying.say("/start")
    assert th("menu.welcome_member", name="สมหญิง") in somying.text
    assert {"acct", "ben", "fund", "meet", "mydata", "lang"} <= {b.data for b in somying.buttons()}

    somying.say("/balance")
    html = somying.html
    assert html.startswith(f"<b>{th('account.title')}</b>")
    assert "สมหญิง รักถิ่น" in somying.text and "บาท" in somying.text
    assert "<i>" in html  # the footer (what to do next) in italics
    assert all(m["parse_mode"] == "HTML" for m in somying.last)

    somying.say("/benefits")
    assert th("benefits.title", fund="กองทุนทดสอบ PAKHLOK") in somying.text
    somying.say("/fund")
    assert "กองทุนทดสอบ PAKHLOK" in somying.text
    somying.say("/meetings")
    assert "ประชุมใหญ่สามัญประจำปี" in somying.text and "ศาลาประชาคม" in somying.text
    somying.say("/register")
    assert "เชื่อมกับข้อมูลสมาชิกเรียบร้อยแล้ว" in somying.text
    somying.say("/language")
    assert th("settings.choose_language") in somying.text
    assert {"lang:th", "lang:en"} == {b.data for b in somying.buttons()}
    somying.say("/cancel")
    assert th("menu.nothing_to_cancel") in somying.text


def test_language_switch_by_button_then_english_answers(member, somying):
    somying.say("/language")
    somying.tap("English")
    assert translate("en", "settings.language_set") in somying.text
    somying.say("/balance")
    assert somying.html.startswith(f"<b>{translate('en', 'account.title')}</b>")


def test_start_with_a_deep_link_opens_that_feature(somying):
    somying.say("/start reg")
    assert th("register.ask_kind").splitlines()[0] in somying.text
    assert "reg:link" in {b.data for b in somying.buttons()}


def test_start_with_an_unknown_deep_link_is_the_menu(somying):
    somying.say("/start <script>")
    assert th("menu.welcome").splitlines()[0] in somying.text


def test_a_command_addressed_to_this_bot_by_name_works_in_private_too(member, somying):
    somying.say(f"/balance@{BOT_USERNAME}")
    assert th("account.title") in somying.text


def test_a_command_for_another_bot_is_ignored(tg_app, somying):
    assert somying.say("/balance@SomeOtherBot") == []
    assert count(tg_app, ProcessedEvent) == 0


def test_an_unknown_command_is_answered_as_not_understood(somying):
    somying.say("/weather")
    assert th("menu.not_understood").splitlines()[0] in somying.text


@pytest.mark.parametrize(("text", "key"), [("เช็คยอด", "account.title"), ("ค้างกี่เดือน", "account.title"),
                                           ("ยอดกองทุน", None), ("สิทธิ์ของฉัน", "benefits.title")])
def test_free_thai_text_is_understood_as_in_the_simulator(member, somying, text, key):
    somying.say(text)
    if key == "benefits.title":
        assert th(key, fund="กองทุนทดสอบ PAKHLOK") in somying.text
    elif key:
        assert th(key) in somying.text
    else:
        assert somying.html.startswith("<b>กองทุนทดสอบ PAKHLOK</b>")


def test_thai_words_without_spaces(member, somying):
    somying.say("ดูยอดเงินหน่อยค่ะ")
    assert th("account.title") in somying.text


def test_a_sticker_gets_a_warm_answer_and_the_menu(somying, updates):
    somying.post(updates.message(somying.from_user, sticker=True))
    assert th("smalltalk.sticker") in somying.text
    assert th("menu.btn_register") in somying.labels()


def test_cancel_in_the_middle_of_registration(tg_app, somying):
    somying.say("/register")
    somying.tap("เป็นสมาชิกแล้ว")
    with tg_app.extensions["kongtun"].Session() as s:
        assert s.get(DialogState, ("telegram", str(USER_ID))) is not None
    somying.say("/cancel")
    assert th("menu.cancelled") in somying.text
    with tg_app.extensions["kongtun"].Session() as s:
        assert s.get(DialogState, ("telegram", str(USER_ID))) is None


def test_menu_in_the_middle_of_registration_keeps_it_waiting(tg_app, somying):
    somying.say("/register")
    somying.tap("เป็นสมาชิกแล้ว")
    somying.say("/help")
    assert th("menu.welcome").splitlines()[0] in somying.text
    assert th("dialog.btn_resume") in [b.label for b in somying.buttons()]
    with tg_app.extensions["kongtun"].Session() as s:
        assert s.get(DialogState, ("telegram", str(USER_ID))).state == "reg.link.consent"


# --- buttons ----------------------------------------------------------------------------------------

def test_pressing_a_button_answers_the_query_and_sends_the_answer(member, somying):
    somying.say("/menu")
    somying.tap("ยอดเงินของฉัน")
    assert len(somying.answered) == 1
    assert th("account.title") in somying.text
    for message in somying.last:
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            assert all(len(b["callback_data"].encode()) <= 64 and b["callback_data"].isascii() for b in row)


def test_a_stale_button_is_answered_too(somying):
    somying.press("reg:fund:GONE")
    assert len(somying.answered) == 1 and somying.last


def test_a_press_is_answered_even_when_the_handler_fails(tg_app, somying, monkeypatch):
    core = tg_app.extensions["kongtun"]

    def boom(incoming, ctx):
        raise RuntimeError("bug")

    monkeypatch.setitem(core.router.postbacks, "acct", dataclasses.replace(core.router.postbacks["acct"],
                                                                            func=boom))
    somying.press("acct")
    assert len(somying.answered) == 1
    assert th("menu.error") in somying.text


def test_a_press_is_answered_even_when_sending_fails(somying, fake_telegram):
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")
    somying.press("menu")
    assert len(somying.answered) == 1


# --- contacts ---------------------------------------------------------------------------------------

def test_a_contact_that_is_not_the_senders_own_is_refused_politely(tg_app, somying):
    somying.share_contact("66891112222", own=False, first_name="ลูกสาว")
    assert somying.text == th("telegram.not_own_contact")
    assert count(tg_app, ProcessedEvent) == 1


def test_a_refused_contact_redelivered_is_answered_once(somying, updates):
    contact = {"phone_number": "+66891112222", "first_name": "ลูกสาว", "user_id": USER_ID + 7}
    update = updates.message(somying.from_user, contact=contact)
    assert len(somying.post(update)) == 1
    assert somying.post(update) == []


def test_a_contact_without_a_user_id_is_not_taken_as_the_senders(somying):
    update = somying.updates.message(somying.from_user, contact={"phone_number": "66891112222",
                                                            "first_name": "ร้านค้า"})
    somying.post(update)
    assert somying.text == th("telegram.not_own_contact")


def test_the_refusal_speaks_the_users_language(member, somying):
    somying.say("/language")
    somying.tap("English")
    somying.share_contact("66891112222", own=False)
    assert somying.text == translate("en", "telegram.not_own_contact")


def test_an_own_contact_outside_registration_is_not_stored(tg_app, somying):
    somying.share_contact("66891112222")
    assert th("menu.not_text") in somying.text


@pytest.mark.parametrize(("raw", "normalized"), [("66812345678", "+66812345678"),
                                                 ("+66812345678", "+66812345678"),
                                                 ("+66 81 234 5678", "+66812345678"),
                                                 ("0812345678", "0812345678"), ("", "")])
def test_shared_numbers_are_normalized(raw, normalized):
    assert normalize_phone(raw) == normalized


# --- groups -----------------------------------------------------------------------------------------

def test_in_a_group_only_commands_for_this_bot_are_answered(tg_app, member, somying):
    group = somying.in_group()
    assert group.say("เช็คยอด") == []
    assert group.say("/balance@SomeOtherBot") == []
    assert group.say("/weather") == []  # maybe another bot's
    assert count(tg_app, ProcessedEvent) == 0

    group.say(f"/balance@{BOT_USERNAME}")
    assert group.last and all(m["chat_id"] == group.chat_id for m in group.last)
    assert group.text == th("menu.private_only")

    group.say(f"/balance@{BOT_USERNAME.lower()}")
    assert group.text == th("menu.private_only")


PERSONAL = ("รักถิ่น", "04711", "4567", "จ่ายถึง", "ค้างจ่าย")


@pytest.mark.parametrize("command", [
    "/balance", "/benefits", "/register", f"/register@{BOT_USERNAME}", "/meetings", "/fund", "/language",
    "/start", "/menu",
])
def test_no_personal_data_is_shown_in_a_group(member, somying, command):
    group = somying.in_group()
    group.say(command)
    assert group.last, "a command addressed to the bot is answered"
    assert all(m["chat_id"] == group.chat_id for m in group.last)
    for private in (*PERSONAL, "สมหญิง"):
        assert private not in group.text, (command, private, group.text)


def test_a_button_pressed_in_a_group_is_answered_without_personal_data(member, somying):
    group = somying.in_group()
    group.press("acct")
    assert len(group.answered) == 1
    assert group.text == th("menu.private_only")
    group.press("mydata")
    assert group.text == th("menu.private_only")


def test_an_unknown_command_addressed_to_this_bot_in_a_group_is_answered(somying):
    group = somying.in_group()
    group.say(f"/weather@{BOT_USERNAME}")
    assert th("menu.not_understood").splitlines()[0] in group.text


def test_a_contact_in_a_group_is_ignored(somying):
    group = somying.in_group()
    assert group.share_contact("66891112222") == []


def test_a_403_in_a_group_does_not_mark_the_person(tg_app, member, somying, fake_telegram):
    fake_telegram.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    somying.in_group().say(f"/menu@{BOT_USERNAME}")
    assert tg_account(tg_app).unreachable_at is None


# --- native rendering end to end ----------------------------------------------------------------------

def test_dynamic_values_are_escaped(tg_app, somying, fake_telegram):
    with tg_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, "ESC", name_th="กองทุน <b>A&B</b>")
        person = make_member(s, fund, first_name="สม<ชาย>", last_name="ใจดี & ดีใจ")
        link_chat(s, str(USER_ID), person, channel="telegram")
    somying.say("/balance")
    assert "สม&lt;ชาย&gt;" in somying.html and "ใจดี &amp; ดีใจ" in somying.html
    assert "กองทุน &lt;b&gt;A&amp;B&lt;/b&gt;" in somying.html
    assert "สม<ชาย> ใจดี & ดีใจ" in somying.text  # what the member reads


def test_a_long_answer_is_split_on_line_boundaries_with_the_keyboard_last(tg_app, somying, monkeypatch):
    lines = [f"{i:04d} รายการประชุมและสวัสดิการของกองทุน <{i}> & co." for i in range(400)]
    core = tg_app.extensions["kongtun"]
    route = core.router.postbacks["meet"]

    def long_answer(incoming, ctx):
        return [Text("\n".join(lines), (ctx.button("menu.btn_menu", "menu"),))]

    monkeypatch.setitem(core.router.postbacks, "meet", dataclasses.replace(route, func=long_answer))
    somying.press("meet")
    assert len(somying.last) >= 4
    assert all(len(m["text"].encode("utf-16-le")) // 2 <= 4096 for m in somying.last)
    assert [("reply_markup" in m) for m in somying.last] == [False] * (len(somying.last) - 1) + [True]
    received = [line for m in somying.last for line in check_html(m["text"])[0].split("\n")]
    assert received == lines  # every line whole, in order
