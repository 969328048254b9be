"""The simulator's HTTP contract: messages in, replies out; bad bodies are 400s; the page; the inbox."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import jsonschema
import pytest

from bot.app import create_app
from messaging.values import reply_from_dict

BUTTON = {
    "type": "object",
    "required": ["label", "postback"],
    "properties": {"label": {"type": "string", "minLength": 1},
                   "postback": {"type": "string", "minLength": 1, "maxLength": 64}},
    "additionalProperties": False,
}
REPLY = {
    "type": "object",
    "required": ["text", "buttons"],
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "buttons": {"type": "array", "items": BUTTON},
        "card": {
            "type": "object",
            "required": ["title", "rows", "footer"],
            "properties": {
                "title": {"type": "string"},
                "rows": {"type": "array", "items": {
                    "type": "object", "required": ["label", "value"],
                    "properties": {"label": {"type": "string"}, "value": {"type": "string"}},
                    "additionalProperties": False,
                }},
                "footer": {"type": ["string", "null"]},
            },
            "additionalProperties": False,
        },
        "alt_text": {"type": "string"},
    },
    "additionalProperties": False,
}
ANSWER = {
    "type": "object",
    "required": ["replies"],
    "properties": {"replies": {"type": "array", "minItems": 1, "items": REPLY}},
    "additionalProperties": False,
}
PAYLOAD = [{"text": "ค่าสัจจะเดือนธันวาคม\nยอด: 30 บาท", "buttons": [],
            "card": {"title": "ค่าสัจจะเดือนธันวาคม", "rows": [{"label": "ยอด", "value": "30 บาท"}],
                     "footer": None},
            "alt_text": "ค่าสัจจะเดือนธันวาคม"}]


def post(client, body):
    return client.post("/simulator/api/messages", json=body)


def test_text_is_answered_with_replies_of_the_documented_shape(client):
    response = post(client, {"user": "api-1", "text": "สวัสดี"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()
    jsonschema.validate(answer, ANSWER)
    assert "ยินดีต้อนรับ" in answer["replies"][0]["text"]
    postbacks = {b["postback"] for r in answer["replies"] for b in r["buttons"]}
    assert {"acct", "ben", "fund", "meet"} <= postbacks


def test_postback_is_answered_with_replies_of_the_documented_shape(client):
    response = post(client, {"user": "api-1", "postback": "menu"})
    assert response.status_code == 200
    answer = response.get_json()
    jsonschema.validate(answer, ANSWER)
    assert any(r["buttons"] for r in answer["replies"])


def test_every_menu_button_answers_in_shape(client):
    """Card replies (when a feature answers with one) carry rows and the same content as text."""
    first = post(client, {"user": "api-2", "text": "เมนู"}).get_json()
    for button in [b for r in first["replies"] for b in r["buttons"]]:
        response = post(client, {"user": "api-2", "postback": button["postback"]})
        assert response.status_code == 200, (button, response.get_data(as_text=True))
        answer = response.get_json()
        jsonschema.validate(answer, ANSWER)
        for reply in answer["replies"]:
            if "card" in reply:
                assert reply["card"]["title"] in reply["text"]
                for row in reply["card"]["rows"]:
                    assert row["value"] in reply["text"]
        post(client, {"user": "api-2", "text": "ยกเลิก"})


def test_surrounding_spaces_in_user_are_the_same_user(client, app):
    post(client, {"user": "  spaced  ", "text": "สวัสดี"})
    from models import ChatAccount

    with app.extensions["kongtun"].Session() as session:
        ids = {a.external_user_id for a in session.query(ChatAccount).filter_by(channel="simulator")}
    assert ids == {"spaced"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([{"user": "u", "text": "hi"}], id="json-array"),
        pytest.param("hello", id="json-string"),
        pytest.param(42, id="json-number"),
        pytest.param(None, id="json-null"),
        pytest.param({"text": "hi"}, id="missing-user"),
        pytest.param({"user": "", "text": "hi"}, id="empty-user"),
        pytest.param({"user": "   ", "text": "hi"}, id="blank-user"),
        pytest.param({"user": 7, "text": "hi"}, id="numeric-user"),
        pytest.param({"user": ["u"], "text": "hi"}, id="list-user"),
        pytest.param({"user": "u" * 65, "text": "hi"}, id="overlong-user"),
        pytest.param({"user": "a\x00b", "text": "hi"}, id="nul-in-user"),
        pytest.param({"user": "a\nb", "text": "hi"}, id="newline-in-user"),
        pytest.param({"user": "u", "text": "hi", "postback": "menu"}, id="both-text-and-postback"),
        pytest.param({"user": "u"}, id="neither"),
        pytest.param({"user": "u", "text": None}, id="null-text"),
        pytest.param({"user": "u", "text": 5}, id="numeric-text"),
        pytest.param({"user": "u", "text": {"a": 1}}, id="object-text"),
        pytest.param({"user": "u", "text": ["hi"]}, id="list-text"),
        pytest.param({"user": "u", "text": "ก" * 2001}, id="overlong-text"),
        pytest.param({"user": "u", "text": "a\x00b"}, id="nul-in-text"),
        pytest.param({"user": "u", "postback": "เมนู"}, id="non-ascii-postback"),
        pytest.param({"user": "u", "postback": "x" * 65}, id="overlong-postback"),
        pytest.param({"user": "u", "postback": ""}, id="empty-postback"),
        pytest.param({"user": "u", "postback": 1}, id="numeric-postback"),
        pytest.param({"user": "u", "postback": "a\x00b"}, id="control-char-postback"),
    ],
)
def test_malformed_bodies_are_400_with_a_message(client, body):
    response = post(client, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert isinstance(error, str) and error


def test_text_at_the_limit_is_accepted(client):
    assert post(client, {"user": "u", "text": "ก" * 2000}).status_code == 200
    assert post(client, {"user": "u" * 64, "postback": "x" * 64}).status_code == 200


def test_empty_text_is_answered_not_refused(client):
    response = post(client, {"user": "u", "text": ""})
    assert response.status_code == 200
    jsonschema.validate(response.get_json(), ANSWER)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(b"not json", "application/json", id="not-json"),
        pytest.param(b'{"user": "u", "text": "hi"', "application/json", id="truncated-json"),
        pytest.param(b"\xff\xfe\x00garbage", "application/json", id="not-utf8"),
        pytest.param(b"", "application/json", id="empty-body"),
        pytest.param(b'{"user": "u", "text": "hi"}', "text/plain", id="wrong-content-type"),
        pytest.param(b"user=u&text=hi", "application/x-www-form-urlencoded", id="form-body"),
    ],
)
def test_bodies_that_are_not_json_objects_are_400(client, data, content_type):
    response = client.post("/simulator/api/messages", data=data, content_type=content_type)
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]


def test_wrong_content_type_gets_a_hint(client):
    response = client.post("/simulator/api/messages", data=b'{"user":"u","text":"hi"}',
                           content_type="text/plain")
    assert "application/json" in response.get_json()["error"]


def test_get_on_messages_is_not_allowed(client):
    assert client.get("/simulator/api/messages").status_code == 405


# ---- the page ----

def test_page_is_served_when_the_simulator_is_enabled(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Kongtun simulator" in page
    for testid in ("user-id", "chat-log", "text-input", "send", "reset-view", "preset-user"):
        assert f'data-testid="{testid}"' in page
    for preset in ("demo-somchai", "demo-somsri", "guest-1"):
        assert f'data-user="{preset}"' in page


def test_page_loads_nothing_from_elsewhere_and_never_uses_inner_html(client):
    page = client.get("/").get_data(as_text=True)
    for external in ("http://", "https://", "//cdn", "<link", "src="):
        assert external not in page
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in page
    assert "{{" not in page and "{%" not in page  # the template rendered, raw block and all


def test_simulator_is_absent_when_disabled(config, clean_db):
    app = create_app(dataclasses.replace(config, simulator=False))
    try:
        client = app.test_client()
        assert client.get("/").status_code == 404
        assert client.post("/simulator/api/messages", json={"user": "u", "text": "hi"}).status_code == 404
        assert client.get("/simulator/api/inbox?user=u").status_code == 404
        assert client.get("/healthz").status_code == 200
    finally:
        app.extensions["kongtun"].engine.dispose()


# ---- the inbox ----

def deliver(app, key: str, user: str = "inbox-user", payload: list[dict] = PAYLOAD):
    """Through the simulator's sender, as the outbox dispatcher will."""
    delivery = app.extensions["simulator"].deliver(user, [reply_from_dict(p) for p in payload], key)
    assert delivery.ok
    return delivery


@pytest.mark.parametrize(
    "query", ["", "?user=", "?user=%20%20", "?user=a%00b", "?other=x", "?user=" + "u" * 65]
)
def test_inbox_requires_a_user(client, query):
    response = client.get("/simulator/api/inbox" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_inbox_of_a_user_with_nothing_is_empty(client):
    response = client.get("/simulator/api/inbox?user=nobody")
    assert response.status_code == 200
    assert response.get_json() == {"messages": [], "time_zone": "Asia/Bangkok"}


def test_inbox_lists_what_was_delivered_to_that_user_oldest_first(app, client, clock):
    t0 = clock.now
    # Delivered out of order of their keys: the listing sorts by when each was delivered.
    clock.now = t0 + timedelta(minutes=5)
    deliver(app, "dues:1:2026-12")
    clock.now = t0
    deliver(app, "meeting:3:1d")
    clock.now = t0 + timedelta(hours=1)
    deliver(app, "announce:9",
            payload=[{"text": "ประกาศ", "buttons": [{"label": "เมนูหลัก", "postback": "menu"}]}])
    deliver(app, "someone-else", user="inbox-other")

    response = client.get("/simulator/api/inbox?user=inbox-user")
    assert response.status_code == 200
    messages = response.get_json()["messages"]
    assert [m["key"] for m in messages] == ["meeting:3:1d", "dues:1:2026-12", "announce:9"]
    for message in messages:
        assert set(message) == {"key", "sent_at", "replies"}
        datetime.fromisoformat(message["sent_at"])
        for reply in message["replies"]:
            jsonschema.validate(reply, REPLY)
    assert messages[0]["replies"] == PAYLOAD
    assert messages[2]["replies"][0]["buttons"] == [{"label": "เมนูหลัก", "postback": "menu"}]

    other = client.get("/simulator/api/inbox?user=inbox-other").get_json()["messages"]
    assert [m["key"] for m in other] == ["someone-else"]


def test_a_delivery_repeated_under_its_key_is_in_the_inbox_once(app, client):
    deliver(app, "dues:7:2026-12")
    deliver(app, "dues:7:2026-12")  # a dispatcher retrying after a crash
    messages = client.get("/simulator/api/inbox?user=inbox-user").get_json()["messages"]
    assert [m["key"] for m in messages] == ["dues:7:2026-12"]


def test_inbox_user_is_trimmed_like_messages(app, client):
    deliver(app, "k1")
    messages = client.get("/simulator/api/inbox?user=%20inbox-user%20").get_json()["messages"]
    assert [m["key"] for m in messages] == ["k1"]
