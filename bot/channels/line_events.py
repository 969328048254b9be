"""LINE webhook events as the adapter needs them, parsed through the SDK's v3 models, leniently.

LINE adds event kinds, source types and fields over time, and older or unusual bodies lack fields
the SDK's current models require (`quoteToken`, `deliveryContext`, `mode`, `follow.isUnblocked`).
As the SDK's own `WebhookParser` does for unknown types, an event its models refuse is not an
error: it is read again from the raw object, for what the bot answers (a text, a postback, follow,
unfollow), and anything else is an event of kind "other", ignored. The member's text is never lost
to a field the bot does not need.

Nothing here puts an event's body into an error or a log: `log_id` and `log_kind` give what may be
logged of an event (its kind and id, an odd id only as a digest).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

MAX_INCOMING_TEXT = 5000
ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")  # a webhookEventId as LINE makes them
KIND = re.compile(r"[A-Za-z]{1,32}")


class UnreadableEvent(ValueError):
    """An event of a kind the bot answers, without what it needs (a postback without data). The
    message says what is wrong, never what the event holds."""


@dataclass(frozen=True)
class Parsed:
    """What the adapter needs from one webhook event."""

    kind: str  # follow | unfollow | message | postback | other
    event_id: str
    user_id: str | None  # the person
    chat_id: str | None  # where to push: the user, or the group/room
    in_group: bool = False
    reply_token: str | None = None
    text: str | None = None
    postback: str | None = None
    sticker: bool = False  # a sticker message: answered as small talk
    addressed: bool = True  # in a group: a postback, or a message that mentions the bot
    standby: bool = False
    type: str = ""  # LINE's event type, for the log (`log_kind`)


def log_id(value: Any) -> str:
    """An event id as it may be logged: a ULID as it is, anything else only as a short digest
    (an odd id may hold anything, a member's text included)."""
    if isinstance(value, str) and ULID.fullmatch(value):
        return value
    digest = hashlib.sha256(repr(value).encode("utf-8", "replace")).hexdigest()[:12]
    return f"odd-id:{digest}"


def log_kind(value: Any) -> str:
    return value if isinstance(value, str) and KIND.fullmatch(value) else "odd-kind"


def parse_event(raw: Any) -> Parsed | None:
    """One raw event (a dict from the body); None when it carries nothing to act on."""
    if not isinstance(raw, dict):
        raise UnreadableEvent(f"an event must be an object, not {type(raw).__name__}")
    try:
        event = Event.from_dict(raw)
    except (ValueError, TypeError, KeyError, AttributeError):
        # A shape the SDK's models do not know (pydantic's ValidationError is a ValueError; odd
        # values make the generated code raise the others). Their messages quote the body.
        return parse_raw(raw)
    if event is None or not isinstance(event.source, UserSource | GroupSource | RoomSource):
        return parse_raw(raw)
    source = event.source
    user_id = getattr(source, "user_id", None)
    in_group = isinstance(source, GroupSource | RoomSource)
    if isinstance(source, GroupSource):
        chat_id = source.group_id
    elif isinstance(source, RoomSource):
        chat_id = source.room_id
    else:
        chat_id = user_id
    common = {
        "event_id": event.webhook_event_id,
        "user_id": user_id or chat_id,
        "chat_id": chat_id,
        "in_group": in_group,
        "reply_token": getattr(event, "reply_token", None),
        "standby": str(getattr(event.mode, "value", event.mode)) == "standby",
        "type": log_kind(raw.get("type")),
    }
    if isinstance(event, FollowEvent):
        return Parsed("follow", **common)
    if isinstance(event, UnfollowEvent):
        return Parsed("unfollow", **common)
    if isinstance(event, PostbackEvent):
        return Parsed("postback", postback=event.postback.data, **common)
    if isinstance(event, MessageEvent):
        message = event.message
        text = message.text if isinstance(message, TextMessageContent) else None
        addressed = not in_group or _mentions_bot(message)
        return Parsed("message", text=text, sticker=isinstance(message, StickerMessageContent),
                      addressed=addressed, **common)
    return Parsed("other", **common)


def _mentions_bot(message: Any) -> bool:
    mention = getattr(message, "mention", None)
    return bool(mention and any(getattr(m, "is_self", False) for m in mention.mentionees or ()))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def parse_raw(raw: dict) -> Parsed | None:
    """An event the SDK's models refused, read from the object itself: only the fields the bot
    uses are looked at, each one checked; a missing `mode` is an active channel (bodies from
    before LINE's module channels), a missing `deliveryContext` or `quoteToken` is not needed."""
    event_id = _str(raw.get("webhookEventId"))
    if event_id is None:
        raise UnreadableEvent("an event without a webhookEventId")
    kind = raw.get("type")
    source = _obj(raw.get("source"))
    source_type = source.get("type")
    common: dict[str, Any] = {"event_id": event_id, "reply_token": _str(raw.get("replyToken")),
                              "standby": raw.get("mode") == "standby", "type": log_kind(kind)}
    if source_type == "user":
        user_id = chat_id = _str(source.get("userId"))
    elif source_type in ("group", "room"):
        chat_id = _str(source.get("groupId" if source_type == "group" else "roomId"))
        user_id = _str(source.get("userId")) or chat_id
    else:
        # A chat of a kind the bot does not know: who is in it, and where an answer would go, is
        # unknown, so nothing (personal or not) is answered there.
        return Parsed("other", user_id=None, chat_id=None, **common)
    if chat_id is None:
        return Parsed("other", user_id=None, chat_id=None, **common)
    in_group = source_type != "user"
    common.update(user_id=user_id, chat_id=chat_id, in_group=in_group)
    if kind == "message":
        message = _obj(raw.get("message"))
        text = _str(message.get("text")) if message.get("type") == "text" else None
        mentionees = _obj(message.get("mention")).get("mentionees")
        mentioned = isinstance(mentionees, list) and any(
            isinstance(m, dict) and m.get("isSelf") is True for m in mentionees)
        return Parsed("message", text=text, sticker=message.get("type") == "sticker",
                      addressed=not in_group or mentioned, **common)
    if kind == "postback":
        data = _obj(raw.get("postback")).get("data")
        if not isinstance(data, str):
            raise UnreadableEvent("a postback event without its data")
        return Parsed("postback", postback=data, **common)
    if kind in ("follow", "unfollow"):
        return Parsed(kind, **common)
    return Parsed("other", **common)


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    # PostgreSQL refuses NUL in text; nothing a person types contains one.
    return text.replace("\x00", "")[:MAX_INCOMING_TEXT]
