"""Neutral replies as Telegram messages, each checked as a sendMessage call against the spec."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.channels.telegram_render import (
    MAX_TEXT,
    card_lines,
    check_callback_data,
    escape,
    inline_keyboard,
    render,
    split_lines,
    utf16_len,
)
from handlers.base import Button, Card, Row, Text
from locales import translate
from tests.fakes.telegram_spec import TelegramSpec, check_html

SPEC = TelegramSpec()


def as_calls(messages) -> list[dict]:
    """Each message as the sendMessage parameters the bot sends, validated against the spec."""
    calls = []
    for message in messages:
        params = {"chat_id": 5012345678, "text": message.text, "parse_mode": "HTML"}
        if message.reply_markup is not None:
            params["reply_markup"] = message.reply_markup.to_dict()
        assert SPEC.check_call("sendMessage", params) == []
        calls.append(params)
    return calls


def shown(message) -> str:
    text, errors = check_html(message.text)
    assert errors == []
    return text


def test_text_is_escaped_and_nothing_else_is_marked_up():
    [message] = render([Text("ยอด <b>30</b> บาท & ค่าปรับ > 0\nบรรทัดสอง")])
    assert message.text == "ยอด &lt;b&gt;30&lt;/b&gt; บาท &amp; ค่าปรับ &gt; 0\nบรรทัดสอง"
    assert shown(message) == "ยอด <b>30</b> บาท & ค่าปรับ > 0\nบรรทัดสอง"
    assert message.reply_markup is None
    as_calls([message])


def test_escape_leaves_quotes_alone():
    assert escape('กด "ยินยอม" & \'ตกลง\'') == 'กด "ยินยอม" &amp; \'ตกลง\''


def test_a_card_is_a_clear_text_block():
    card = Card(title="ยอดเงิน <สัจจะ>", rows=(Row("ชื่อ", "สม & ศรี"), Row("จ่ายถึง", "ธันวาคม 2569"),
                                              Row("", "หมายเหตุ <ไม่มี>"), Row("วาระ", "ข้อ 1\nข้อ 2")),
                footer="ชำระได้ที่กองทุน\nทุกวันที่ 5", buttons=(Button("เมนูหลัก", "menu"),))
    [message] = render([card])
    assert message.text.split("\n") == [
        "<b>ยอดเงิน &lt;สัจจะ&gt;</b>",
        "ชื่อ: สม &amp; ศรี",
        "จ่ายถึง: ธันวาคม 2569",
        "หมายเหตุ &lt;ไม่มี&gt;",
        "วาระ: ข้อ 1",
        "ข้อ 2",
        "",
        "<i>ชำระได้ที่กองทุน</i>",
        "<i>ทุกวันที่ 5</i>",
    ]
    assert shown(message).replace("\n\n", "\n") == card.text  # the same content as the plain text
    assert isinstance(message.reply_markup, InlineKeyboardMarkup)
    as_calls([message])


def test_a_card_without_footer_has_no_trailing_blank_line():
    lines = card_lines(Card(title="T", rows=(Row("a", "b"),)))
    assert lines == ["<b>T</b>", "a: b"]


def test_buttons_two_to_a_row_and_long_labels_alone():
    markup = inline_keyboard([
        Button("ลงทะเบียน", "reg"), Button("ยอดเงินของฉัน", "acct"), Button("สิทธิสวัสดิการ", "ben"),
        Button("เทศบาลตำบลเชิงทะเล อำเภอถลาง", "reg:fund:CHOENGTHALE"), Button("ประชุม", "meet"),
        Button("ข้อมูลของฉัน", "mydata"), Button("Language / ภาษา", "lang"),
    ])
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("ลงทะเบียน", "reg"), ("ยอดเงินของฉัน", "acct")],
        [("สิทธิสวัสดิการ", "ben")],
        [("เทศบาลตำบลเชิงทะเล อำเภอถลาง", "reg:fund:CHOENGTHALE")],
        [("ประชุม", "meet"), ("ข้อมูลของฉัน", "mydata")],
        [("Language / ภาษา", "lang")],
    ]


def test_thai_marks_above_and_below_take_no_width():
    label = "ที่นี่ที่นั่นที่โน่นทั้งนั้น"  # 28 code points, 13 columns on screen
    assert len(label) > 18
    markup = inline_keyboard([Button(label, "a"), Button("ข", "b")])
    assert len(markup.inline_keyboard) == 1


@pytest.mark.parametrize("data", ["x" * 65, "ก" * 22, ""])
def test_callback_data_over_64_bytes_is_refused(data):
    with pytest.raises(ValueError, match="1-64 bytes"):
        check_callback_data(data)
    with pytest.raises(ValueError):
        render([Text("เลือก", (Button("ปุ่ม", data),))])


def test_callback_data_of_exactly_64_bytes_is_fine():
    [message] = render([Text("เลือก", (Button("ปุ่ม", "reg:fund:" + "A" * 55),))])
    as_calls([message])


def test_a_long_answer_is_split_on_line_boundaries_with_the_keyboard_on_the_last_part():
    lines = [f"{i:03d} สมาชิก <{i}> ชำระค่าสัจจะ & เงินสมทบ" for i in range(500)]
    messages = render([Text("\n".join(lines), (Button("เมนูหลัก", "menu"),))])
    assert len(messages) > 1
    assert all(utf16_len(m.text) <= MAX_TEXT for m in messages)
    assert [m.reply_markup is not None for m in messages] == [False] * (len(messages) - 1) + [True]
    assert [line for m in messages for line in shown(m).split("\n")] == lines
    as_calls(messages)


def test_a_split_card_keeps_its_markup_valid_in_every_part():
    card = Card(title="รายชื่อ", rows=tuple(Row(f"ลำดับ {i}", "ก & ข " * 20) for i in range(200)),
                footer="ท้าย\n" * 3)
    messages = render([card])
    assert len(messages) > 1
    as_calls(messages)
    assert messages[0].text.startswith("<b>รายชื่อ</b>")
    assert messages[-1].text.endswith("<i>ท้าย</i>")


def test_one_line_longer_than_a_message_is_cut_without_breaking_an_entity():
    messages = render([Text("&" * 3000 + "ข" * 3000)])
    assert len(messages) >= 2
    as_calls(messages)
    assert "".join(shown(m) for m in messages) == "&" * 3000 + "ข" * 3000


def test_lengths_are_counted_as_telegram_counts_them():
    assert utf16_len("🙏") == 2 and utf16_len("ก") == 1
    messages = render([Text("🙏" * 3000)])
    assert len(messages) == 2 and all(utf16_len(m.text) <= MAX_TEXT for m in messages)


def test_a_thai_vowel_is_not_cut_from_its_consonant():
    text = "กิ" * 3000
    messages = render([Text(text)])
    assert all(m.text[0] != "ิ" for m in messages)
    assert "".join(m.text for m in messages) == text


def test_blank_lines_do_not_start_or_end_a_part():
    parts = split_lines(["a" * 3000, "", "b" * 3000, ""], limit=MAX_TEXT)
    assert parts == ["a" * 3000, "b" * 3000]


def test_empty_text_still_sends_something():
    [message] = render([Text("", (Button("เมนูหลัก", "menu"),))])
    assert message.text.strip() and message.reply_markup is not None
    as_calls([message])


def test_several_replies_become_several_messages_in_order():
    messages = render([Text("หนึ่ง"), Card(title="สอง", rows=()), Text("สาม", (Button("ก", "menu"),))])
    assert [shown(m) for m in messages] == ["หนึ่ง", "สอง", "สาม"]


@pytest.mark.parametrize(("text", "locale"), [("กรุณาพิมพ์เบอร์มือถือ", "th"), ("Please type your mobile", "en")])
def test_a_contact_request_offers_a_share_my_number_keyboard(text, locale):
    [message] = render([Text(text, (Button(translate(locale, "menu.btn_cancel"), "cancel"),),
                             request_contact=True)])
    markup = message.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup)
    share = markup.keyboard[0][0]
    assert share.request_contact is True and share.text == translate(locale, "telegram.share_phone")
    assert markup.keyboard[1][0].text == translate(locale, "menu.btn_cancel")  # sends the word it shows
    assert markup.one_time_keyboard and markup.resize_keyboard
    as_calls([message])
