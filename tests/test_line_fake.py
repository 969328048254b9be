"""The fake LINE catches what the real one refuses, so a green LINE test means LINE would accept."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.fakes.line_server import FakeLine

TOKEN = "fake-check-token"


def call(fake: FakeLine, path: str, body: dict, method: str = "POST", token: str = TOKEN,
         headers: dict | None = None) -> int:
    request = urllib.request.Request(fake.url + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


@pytest.fixture
def fake():
    with FakeLine(token=TOKEN) as fake:
        yield fake


def text(t: str = "สวัสดี", **extra) -> dict:
    return {"type": "text", "text": t, **extra}


def postback(label: str, data: str = "x") -> dict:
    return {"type": "action", "action": {"type": "postback", "label": label, "data": data}}


def bubble(*contents: dict) -> dict:
    return {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": list(contents)}}


GOOD = {"replyToken": "t0", "messages": [text(quickReply={"items": [postback("เมนู")]})]}


@pytest.mark.parametrize(("messages", "expected"), [
    ([text()] * 6, "maxItems 5"),
    ([text("")], "must not be empty"),
    ([text("ก" * 5001)], "max 5000"),
    ([text("🙏" * 2501)], "max 5000"),  # LINE counts UTF-16 units
    ([{"type": "txt", "text": "x"}], "not one of the known types"),
    ([{"type": "text"}], "'text' is a required property"),
    ([text(quickReply={"items": [postback(str(i)) for i in range(14)]})], "maxItems 13"),
    ([text(quickReply={"items": [postback("ข้อมูลกองทุนของสมาชิกทุกคน")]})], "max 20"),
    ([text(quickReply={"items": [postback("ok", "x" * 301)]})], "maxLength 300"),
    ([{"type": "flex", "altText": "ก" * 401, "contents": bubble({"type": "text", "text": "x"})}], "max 400"),
    ([{"type": "flex", "altText": "a", "contents": bubble({"type": "text", "text": ""})}], "non-empty"),
    ([{"type": "flex", "altText": "a", "contents": bubble({"type": "button"})}], "'action' is a required"),
    ([{"type": "flex", "altText": "a", "contents": bubble(
        {"type": "button", "action": {"type": "postback", "label": "ก" * 41, "data": "x"}})}], "max 40"),
    ([{"type": "flex", "altText": "a", "contents": {"type": "bubble", "body": {
        "type": "box", "layout": "diagonal", "contents": []}}}], "is not one of"),
])
def test_refused_like_line(fake, messages, expected):
    assert call(fake, "/v2/bot/message/reply", {"replyToken": "t", "messages": messages}) == 400
    assert any(expected in e for e in fake.errors), fake.errors


def test_a_valid_reply_passes_and_its_token_is_single_use(fake):
    assert call(fake, "/v2/bot/message/reply", GOOD) == 200
    assert call(fake, "/v2/bot/message/reply", GOOD) == 400  # "Invalid reply token", not a mistake
    assert fake.errors == []


def test_unknown_operations_and_bad_tokens_are_caught(fake):
    assert call(fake, "/v2/bot/message/replies", GOOD) == 404
    assert call(fake, "/v2/bot/message/reply", GOOD, token="wrong") == 401
    assert len(fake.errors) == 2


def test_push_needs_a_real_chat_id_and_a_uuid_retry_key(fake):
    body = {"to": "someone", "messages": [text()]}
    assert call(fake, "/v2/bot/message/push", body) == 400
    assert "not a LINE user" in fake.errors[0]
    body["to"] = "U" + "1" * 32
    assert call(fake, "/v2/bot/message/push", body, headers={"X-Line-Retry-Key": "again"}) == 400
    assert "not a UUID" in fake.errors[1]
    key = {"X-Line-Retry-Key": "123e4567-e89b-12d3-a456-426614174000"}
    assert call(fake, "/v2/bot/message/push", body, headers=key) == 200
    assert call(fake, "/v2/bot/message/push", body, headers=key) == 409  # the retry is not sent twice


def test_a_rich_menu_of_the_wrong_size_is_refused(fake):
    menu = {"size": {"width": 1000, "height": 1000}, "selected": False, "name": "x", "chatBarText": "เมนู",
            "areas": [{"bounds": {"x": 0, "y": 0, "width": 1200, "height": 100},
                       "action": {"type": "postback", "data": "menu"}}]}
    assert call(fake, "/v2/bot/richmenu", menu) == 400
    assert any("not an allowed rich menu size" in e for e in fake.errors)
    assert any("outside the menu" in e for e in fake.errors)
