"""LINE webhook events as the adapter needs them, parsed through the SDK's v3 models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
)

MAX_INCOMING_TEXT = 5000


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
    addressed: bool = True  # in a group: a postback, or a message that mentions the bot
    standby: bool = False


def parse_event(raw: Any) -> Parsed | None:
    """One raw event (a dict from the body) through the SDK's models; None when unusable."""
    if not isinstance(raw, dict):
        raise ValueError(f"an event must be an object, not {type(raw).__name__}")
    try:
        event = Event.from_dict(raw)
    except ValueError:
        # A message type newer than the SDK (or a malformed one): still a message to answer.
        if raw.get("type") == "message" and isinstance(raw.get("webhookEventId"), str):
            return _parse_raw_message(raw)
        raise
    if event is None:
        return None
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
        return Parsed("message", text=text, addressed=addressed, **common)
    return Parsed("other", **common)


def _mentions_bot(message: Any) -> bool:
    mention = getattr(message, "mention", None)
    return bool(mention and any(getattr(m, "is_self", False) for m in mention.mentionees or ()))


def _parse_raw_message(raw: dict) -> Parsed:
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    kind = source.get("type")
    chat_id = source.get("groupId") or source.get("roomId") or source.get("userId")
    in_group = kind in ("group", "room")
    return Parsed("message", event_id=raw["webhookEventId"], user_id=source.get("userId") or chat_id,
                  chat_id=chat_id, in_group=in_group, reply_token=raw.get("replyToken"),
                  addressed=not in_group, standby=raw.get("mode") == "standby")


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    # PostgreSQL refuses NUL in text; nothing a person types contains one.
    return text.replace("\x00", "")[:MAX_INCOMING_TEXT]
