"""Webhook bodies as LINE sends them, checked against `tests/specs/line-webhook.yml`, and signed."""

from __future__ import annotations

import dataclasses
import json
import secrets
import time
from collections.abc import Iterable
from typing import Any

from handlers.base import Button, Row
from tests.drivers import ChatDriver, Message
from tests.fakes.line_server import SPECS, FakeLine, line_signature

CHANNEL_SECRET = "0123456789abcdef0123456789abcdef"
ACCESS_TOKEN = "test-line-access-token"
WEBHOOK_SPEC = SPECS / "line-webhook.yml"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DESTINATION = "U" + "f" * 32


def webhook_api():
    from tests.fakes.openapi import load

    return load(WEBHOOK_SPEC)


def ulid() -> str:
    """A webhookEventId: 26 characters of Crockford base32."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(26))


def user_id() -> str:
    return "U" + secrets.token_hex(16)


def group_id() -> str:
    return "C" + secrets.token_hex(16)


def reply_token() -> str:
    return secrets.token_hex(16)


def _message_id() -> str:
    return str(secrets.randbelow(10**17) + 10**17)


def event(kind: str, user: str, *, group: str | None = None, event_id: str | None = None,
          redelivery: bool = False, mode: str = "active", token: str | None = None,
          **fields: Any) -> dict:
    """A webhook event object; `kind` is LINE's event type."""
    source: dict[str, Any] = {"type": "user", "userId": user}
    if group:
        source = {"type": "group", "groupId": group, "userId": user}
    body: dict[str, Any] = {
        "type": kind,
        "mode": mode,
        "timestamp": int(time.time() * 1000),
        "source": source,
        "webhookEventId": event_id or ulid(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if kind != "unfollow":
        body["replyToken"] = token or reply_token()
    body.update(fields)
    return body


def text_message(text: str, *, mention_self: bool = False) -> dict:
    message = {"id": _message_id(), "type": "text", "text": text, "quoteToken": secrets.token_hex(8)}
    if mention_self:
        message["mention"] = {"mentionees": [
            {"index": 0, "length": 9, "type": "user", "userId": "U" + "f" * 32, "isSelf": True}]}
    return message


def sticker_message() -> dict:
    return {"id": _message_id(), "type": "sticker", "packageId": "446", "stickerId": "1988",
            "stickerResourceType": "STATIC", "keywords": ["Hello"], "quoteToken": secrets.token_hex(8)}


def image_message() -> dict:
    return {"id": _message_id(), "type": "image", "contentProvider": {"type": "line"},
            "quoteToken": secrets.token_hex(8)}


def location_message() -> dict:
    return {"id": _message_id(), "type": "location", "title": "ศาลากลางจังหวัดภูเก็ต",
            "address": "ถนนนริศร ตำบลตลาดใหญ่ อำเภอเมืองภูเก็ต", "latitude": 7.8843, "longitude": 98.3923}


def without(event: dict, *paths: str) -> dict:
    """The event without some fields ("mode", "message.quoteToken"), as older bodies come: LINE added
    `mode`, `deliveryContext`, `quoteToken` and `follow.isUnblocked` over the years."""
    for path in paths:
        *parents, name = path.split(".")
        node = event
        for parent in parents:
            node = node[parent]
        node.pop(name, None)
    return event


def callback(*events: dict, validate: bool = True) -> bytes:
    """The request body; each body is validated against CallbackRequest first."""
    body = {"destination": DESTINATION, "events": list(events)}
    if validate:
        errors = webhook_api().errors("CallbackRequest", body)
        assert not errors, f"the test built a body LINE would not send: {errors}"
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, body: bytes) -> str:
    return line_signature(secret, body)


class LineUser(ChatDriver):
    """A person in LINE: sends events through the signed webhook, reads what the bot replied.

    `last` is the LINE messages of the last answer (replied to its token, or pushed on fallback)."""

    channel = "line"

    def __init__(self, client, fake: FakeLine, user: str | None = None, group: str | None = None) -> None:
        self.client = client
        self.fake = fake
        self.user = user or user_id()
        self.group = group
        self.last: list[dict] = []

    def post(self, *events: dict, expect: int = 200, validate: bool = True) -> Any:
        """Post a signed body; `validate=False` for shapes the current webhook spec does not allow."""
        body = callback(*events, validate=validate)
        response = self.client.post("/webhooks/line", data=body, headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Line-Signature": sign(CHANNEL_SECRET, body),
        })
        assert response.status_code == expect, response.get_data(as_text=True)
        return response

    def send(self, kind: str, **fields: Any) -> list[dict]:
        """Post one event and return the LINE messages replied to its token (or pushed, on fallback)."""
        token = reply_token()
        before = len(self.fake.requests)
        self.post(event(kind, self.user, group=self.group, token=token, **fields))
        new = self.fake.requests[before:]
        self.last = [m for r in new if r.status == 200 and r.operation in ("replyMessage", "pushMessage")
                     for m in r.json["messages"]]
        return self.last

    def say(self, text: str, **kw: Any) -> list[Message]:
        self.send("message", message=text_message(text, **kw))
        return self.replies

    def press(self, data: str) -> list[Message]:
        self.send("postback", postback={"data": data})
        return self.replies

    def follow(self, unblocked: bool = False) -> list[Message]:
        self.send("follow", follow={"isUnblocked": unblocked})
        return self.replies

    def unfollow(self) -> None:
        self.post(event("unfollow", self.user))

    @property
    def replies(self) -> list[Message]:
        """Text messages and Flex bubbles (one each); quick replies belong to the last message."""
        found: list[Message] = []
        for message in self.last:
            parsed = [Message(message["text"])] if message["type"] == "text" else _bubbles(message)
            quick = tuple(_button(action) for action in _quick_replies(message))
            if quick and parsed:
                parsed[-1] = dataclasses.replace(parsed[-1], buttons=parsed[-1].buttons + quick)
            found += parsed
        return found

    def _tappable(self) -> Iterable[tuple[str, Button]]:
        # A label LINE shows clipped is matched on the whole label, sent as the member's message.
        for action in self.actions():
            yield action["label"], _button(action)
            yield action.get("displayText", ""), _button(action)

    def actions(self) -> list[dict]:
        """Every postback action in the last answer as LINE got it: Flex buttons, then quick replies."""
        found: list[dict] = []
        for message in self.last:
            _actions(message.get("contents"), found)
            found += _quick_replies(message)
        return found

    @property
    def text(self) -> str:
        """Everything readable in the last answer: texts, alt texts and what the bubbles show."""
        parts: list[str] = []
        for message in self.last:
            if message["type"] == "text":
                parts.append(message["text"])
            else:
                parts.append(message.get("altText", ""))
                parts += [bubble.text for bubble in _bubbles(message)]
        return "\n".join(parts)


def _quick_replies(message: dict) -> list[dict]:
    return [item["action"] for item in (message.get("quickReply") or {}).get("items", [])]


def _bubbles(message: dict) -> list[Message]:
    contents = message.get("contents") or {}
    bubbles = contents.get("contents", []) if contents.get("type") == "carousel" else [contents]
    return [_bubble(b) for b in bubbles]


def _button(action: dict) -> Button:
    return Button(action["label"], action["data"])


def _bubble(bubble: dict) -> Message:
    """A Flex bubble as `line_render` builds them: a card (header title, label/value rows, footer
    note) or a text with buttons; the text is the card's as `handlers.base.Card.text` has it."""
    header = _texts_of(bubble.get("header"))
    rows: list[Row] = []
    lines: list[str] = []
    for node in (bubble.get("body") or {}).get("contents", []):
        texts = _texts_of(node)
        if node.get("type") == "box" and len(texts) == 2:
            rows.append(Row(*texts))
            lines.append(f"{texts[0]}: {texts[1]}")
        else:
            rows += [Row("", t) for t in texts]
            lines += texts
    buttons: list[Button] = []
    for node in (bubble.get("footer") or {}).get("contents", []):
        if node.get("type") == "button":
            buttons.append(_button(node["action"]))
        else:
            lines += _texts_of(node)
    if header:
        return Message("\n".join([*header, *lines]), tuple(buttons), header[0], tuple(rows))
    return Message("\n".join(lines), tuple(buttons))


def _texts_of(node: Any) -> list[str]:
    parts: list[str] = []
    _texts(node, parts)
    return parts


def _actions(node: Any, found: list[dict]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "button":
            found.append(node["action"])
        for value in node.values():
            _actions(value, found)
    elif isinstance(node, list):
        for item in node:
            _actions(item, found)


def _texts(node: Any, parts: list[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "text" and "text" in node:
            parts.append(node["text"])
        for key, value in node.items():
            if key != "action":
                _texts(value, parts)
    elif isinstance(node, list):
        for item in node:
            _texts(item, parts)
