"""Rendering neutral replies as LINE messages: native look, LINE's limits, the spec's schemas."""

from __future__ import annotations

import pytest
from linebot.v3.messaging import ApiClient, Configuration, PushMessageRequest, ReplyMessageRequest

from bot.channels.line_client import _ApiClient, push_request, reply_request
from bot.channels.line_render import (
    MAX_ALT_TEXT,
    MAX_MESSAGES,
    MAX_TEXT,
    batches,
    clip,
    render,
    split_text,
    to_sdk,
    units,
)
from handlers.base import Button, Card, Row, Text
from tests.fakes.line_limits import LimitChecker
from tests.fakes.line_server import MESSAGING_SPEC
from tests.fakes.openapi import load

MENU = tuple(Button(label, data) for label, data in [
    ("ลงทะเบียน", "reg"), ("ยอดเงินของฉัน", "acct"), ("สิทธิสวัสดิการ", "ben"), ("ข้อมูลกองทุน", "fund"),
    ("ประชุม", "meet"), ("ข้อมูลของฉัน", "mydata"), ("Language / ภาษา", "lang"),
])
ACCOUNT = Card(
    title="ยอดเงินสัจจะของฉัน",
    rows=(Row("สมาชิก", "นายสมชาย ใจดี"), Row("เลขที่สมาชิก", "00012"),
          Row("กองทุน", "กองทุนสวัสดิการชุมชนเทศบาลตำบลป่าคลอก อำเภอถลาง จังหวัดภูเก็ต"),
          Row("ชำระถึง", "ตุลาคม 2569"), Row("", "หมายเหตุที่ไม่มีหัวข้อ")),
    footer="ชำระครบแล้ว ขอบคุณค่ะ 🙏",
    buttons=(Button("สิทธิสวัสดิการ", "ben"), Button("เมนูหลัก", "menu")),
    alt_text="ยอดเงินสัจจะ: ชำระถึง ต.ค. 69",
)


def assert_line_accepts(messages: list[dict]) -> None:
    """Valid for LINE's reply endpoint: schema (with discriminators) and documented limits."""
    for batch in batches(messages):
        body = {"replyToken": "t", "messages": batch}
        errors = load(MESSAGING_SPEC).errors("ReplyMessageRequest", body) + LimitChecker().messages(batch)
        assert not errors, errors


def test_text_buttons_become_quick_replies_showing_their_label():
    (message,) = render([Text("เลือกเมนูที่ต้องการได้เลยค่ะ", MENU)])
    assert message["type"] == "text"
    items = message["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == [b.data for b in MENU]
    for item, button in zip(items, MENU, strict=True):
        assert item["type"] == "action" and item["action"]["type"] == "postback"
        assert item["action"]["label"] == button.label == item["action"]["displayText"]
    assert_line_accepts([message])


def test_long_labels_are_clipped_to_20_but_shown_whole_when_tapped():
    label = "องค์การบริหารส่วนตำบลเชิงทะเล อำเภอถลาง"
    (message,) = render([Text("เลือกกองทุน", (Button(label, "reg:fund:1"),))])
    action = message["quickReply"]["items"][0]["action"]
    assert units(action["label"]) <= 20 and action["label"].endswith("…")
    assert action["displayText"] == label
    assert_line_accepts([message])


def test_quick_replies_only_on_the_last_message_and_earlier_buttons_kept_in_a_bubble():
    messages = render([Text("ก่อนหน้า", (Button("ยกเลิก", "cancel"),)), Text("สุดท้าย", MENU[:3])])
    assert "quickReply" not in messages[0]
    assert messages[0]["type"] == "flex"
    assert messages[0]["contents"]["footer"]["contents"][0]["action"]["data"] == "cancel"
    assert [i["action"]["data"] for i in messages[1]["quickReply"]["items"]] == ["reg", "acct", "ben"]
    assert_line_accepts(messages)


def test_more_than_13_buttons_become_flex_buttons_not_a_truncated_quick_reply():
    buttons = tuple(Button(f"ตัวเลือก {i}", f"opt:{i}") for i in range(16))
    (message,) = render([Text("เลือกหนึ่งข้อ", buttons)])
    assert message["type"] == "flex" and "quickReply" not in message
    data = [c["action"]["data"] for c in message["contents"]["footer"]["contents"]]
    assert data == [f"opt:{i}" for i in range(16)]
    assert_line_accepts([message])


def test_a_card_is_a_flex_bubble_with_header_rows_footer_and_alt_text():
    (message,) = render([ACCOUNT])
    assert message["type"] == "flex" and message["altText"] == ACCOUNT.alt_text
    bubble = message["contents"]
    assert bubble["header"]["contents"][0]["text"] == ACCOUNT.title
    rows = bubble["body"]["contents"]
    assert rows[0]["contents"][0]["text"] == "สมาชิก" and rows[0]["contents"][1]["text"] == "นายสมชาย ใจดี"
    assert all(t["wrap"] for r in rows[:4] for t in r["contents"])
    assert rows[4] == {"type": "text", "text": "หมายเหตุที่ไม่มีหัวข้อ", "wrap": True, "size": "sm",
                       "color": "#111827"}
    assert bubble["footer"]["contents"][0]["text"] == ACCOUNT.footer
    assert [i["action"]["data"] for i in message["quickReply"]["items"]] == ["ben", "menu"]
    assert_line_accepts([message])


def test_alt_text_defaults_to_the_title_and_fits_400():
    card = Card(title="ก" * 500, rows=(Row("a", ""),))
    (message,) = render([card])
    assert units(message["altText"]) <= MAX_ALT_TEXT
    assert message["contents"]["body"]["contents"][0]["contents"][1]["text"] == "-"  # never empty
    assert_line_accepts([message])


def test_long_text_is_split_on_line_boundaries_within_5000():
    lines = [f"บรรทัดที่ {i}: " + "สวัสดิการชุมชน" * 8 for i in range(90)]
    text = "\n".join(lines)
    assert units(text) > 2 * MAX_TEXT
    messages = render([Text(text, MENU[:2])])
    assert len(messages) == 3
    assert all(units(m["text"]) <= MAX_TEXT for m in messages)
    assert "\n".join(m["text"] for m in messages) == text  # cut between lines, nothing lost
    assert "quickReply" in messages[-1] and "quickReply" not in messages[0]
    assert_line_accepts(messages)


def test_a_giant_line_is_cut_between_words():
    text = " ".join(["กองทุน"] * 2000)
    chunks = split_text(text)
    assert all(units(c) <= MAX_TEXT for c in chunks)
    assert " ".join(chunks) == text


def test_emoji_count_as_two_utf16_units():
    assert units("🙏") == 2 and units("ก") == 1
    chunks = split_text("🙏" * 3000)
    assert all(units(c) <= MAX_TEXT for c in chunks)
    assert "".join(chunks) == "🙏" * 3000


def test_more_than_five_texts_are_merged_into_one_request():
    replies = [Text(f"ข้อความ {i}") for i in range(8)] + [Text("เลือกเมนู", MENU)]
    messages = render(replies)
    assert len(messages) <= MAX_MESSAGES
    joined = "\n".join(m["text"] for m in messages)
    assert all(f"ข้อความ {i}" in joined for i in range(8))
    assert "quickReply" in messages[-1]
    assert_line_accepts(messages)


def test_more_than_five_cards_go_into_a_carousel():
    cards = [Card(title=f"การประชุม {i}", rows=(Row("วันที่", f"{i} ธันวาคม 2569"),)) for i in range(7)]
    messages = render([*cards, Text("เลือกเมนู", MENU)])
    assert len(messages) <= MAX_MESSAGES
    carousel = messages[0]["contents"]
    assert carousel["type"] == "carousel" and len(carousel["contents"]) == 7
    assert_line_accepts(messages)


def test_what_cannot_be_merged_is_split_into_requests_of_five():
    texts = [Text("ก" * 4000) for _ in range(7)]
    messages = render(texts)
    assert len(messages) == 7
    assert [len(b) for b in batches(messages)] == [5, 2]
    assert_line_accepts(messages)


def test_unusable_buttons_are_dropped_not_sent():
    (message,) = render([Text("x", (Button("ok", "menu"), Button("too long", "x" * 301), Button(" ", "y")))])
    assert [i["action"]["data"] for i in message["quickReply"]["items"]] == ["menu"]


def test_an_empty_text_is_never_sent_empty():
    messages = render([Text("", MENU[:1]), Text("   ")])
    assert all(m["text"].strip() for m in messages if m["type"] == "text")
    assert_line_accepts(messages)


def test_clip_never_exceeds_the_limit():
    for text in ("สั้น", "ก" * 50, "🙏" * 30, "a" * 20):
        assert units(clip(text, 20)) <= 20


@pytest.mark.parametrize("replies", [
    [ACCOUNT], [Text("สวัสดี", MENU)], [Text("a"), ACCOUNT, Text("b", MENU)],
])
def test_the_fast_serializer_gives_exactly_the_sdks_json(replies):
    messages = to_sdk(render(replies))
    requests = [ReplyMessageRequest(reply_token="t", messages=messages),
                PushMessageRequest(to="U" + "0" * 32, messages=messages)]
    configuration = Configuration(access_token="x")
    with ApiClient(configuration) as plain, _ApiClient(configuration) as fast:
        for request in requests:
            assert fast.sanitize_for_serialization(request) == plain.sanitize_for_serialization(request)
        sdk_json = plain.sanitize_for_serialization(requests[0])
        # What the adapter sends: the rendered JSON in a request built without re-validation.
        assert fast.sanitize_for_serialization(reply_request("t", render(replies))) == sdk_json
        assert fast.sanitize_for_serialization(push_request("U" + "0" * 32, render(replies))) == \
            plain.sanitize_for_serialization(requests[1])
    assert sdk_json["messages"] == render(replies)
