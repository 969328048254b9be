"""What one Telegram update asks of the bot. Pure: no I/O, so it is tested without a server.

Commands map onto the button data the handlers claim (`/balance` is the account button), so a
command does exactly what the menu button does. In groups only commands reach the core, marked
`in_group` so that no handler shows personal data there; chatter and other bots' commands are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType

from handlers import buttons as B
from messaging.values import Incoming

CHANNEL = "telegram"

# Commands -> the button data their handler claims.
COMMAND_POSTBACKS = {
    "start": B.MENU,
    "help": B.MENU,
    "menu": B.MENU,
    "balance": B.ACCOUNT,
    "benefits": B.BENEFITS,
    "fund": B.FUND,
    "meetings": B.MEETINGS,
    "register": B.REGISTER,
    "language": B.LANGUAGE,
    "cancel": B.CANCEL,
}
# The command menu (`kongtun telegram commands`), in this order; descriptions in locales/telegram.
MENU_COMMANDS = ("menu", "balance", "benefits", "fund", "meetings", "register", "language", "help",
                 "cancel")
# t.me/<bot>?start=<payload> opens the bot at a feature: only these payloads are honoured.
DEEP_LINKS = frozenset({B.MENU, B.ACCOUNT, B.BENEFITS, B.FUND, B.MEETINGS, B.REGISTER, B.LANGUAGE,
                        B.MY_DATA})

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?", re.DOTALL)


class MalformedUpdate(ValueError):
    """A body that parses as JSON but is not an update Telegram would send."""


@dataclass(frozen=True)
class Conversation:
    """Something for the core: a message, a command, a button press or a shared contact."""

    incoming: Incoming
    chat_id: int


@dataclass(frozen=True)
class Reachability:
    """The user blocked (False) or unblocked (True) the bot in their private chat."""

    user_id: str
    reachable: bool


@dataclass(frozen=True)
class Ignored:
    reason: str


Action = Conversation | Reachability | Ignored


def classify(update: Update, bot_username: str | None) -> Action:
    """What one update asks of the bot. Pure: no I/O, so it is tested without a server."""
    if update.callback_query is not None:
        return _from_callback(update)
    if update.message is not None:
        return _from_message(update, update.message, bot_username)
    if update.my_chat_member is not None:
        change = update.my_chat_member
        if change.chat is None or change.from_user is None or change.new_chat_member is None:
            raise MalformedUpdate("my_chat_member without chat, from or new_chat_member")
        if change.chat.type != ChatType.PRIVATE:
            return Ignored("the bot was added to or removed from a group")
        status = change.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            return Reachability(str(change.from_user.id), False)
        if status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
            return Reachability(str(change.from_user.id), True)
        return Ignored(f"my_chat_member status {status}")
    return Ignored("an update kind the bot does not subscribe to")


def _from_callback(update: Update) -> Action:
    query = update.callback_query
    assert query is not None
    if query.from_user is None or not isinstance(query.id, str) or not _is_id(query.from_user.id):
        raise MalformedUpdate("callback_query without id or from")
    message = query.message
    if message is None or message.chat is None:
        return Ignored("a button on an inline message")
    if not _is_id(message.chat.id):
        raise MalformedUpdate("callback_query on a message whose chat has no integer id")
    if not query.data:
        return Ignored("a callback without data")
    return Conversation(
        Incoming(
            channel=CHANNEL,
            user_id=str(query.from_user.id),
            postback=query.data,
            event_id=str(update.update_id),
            display_name=query.from_user.first_name,
            in_group=message.chat.type != ChatType.PRIVATE,
        ),
        chat_id=message.chat.id,
    )


def _from_message(update: Update, message: Message, bot_username: str | None) -> Action:
    if message.chat is None or not _is_id(message.chat.id):
        raise MalformedUpdate("message without chat")
    user = message.from_user
    if user is None or user.is_bot:
        return Ignored("a message from a channel, an anonymous admin or a bot")
    if not _is_id(user.id):
        raise MalformedUpdate("message from a user without an integer id")
    in_group = message.chat.type != ChatType.PRIVATE
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "user_id": str(user.id),
        "event_id": str(update.update_id),
        "display_name": user.first_name,
        "in_group": in_group,
    }
    if message.contact is not None:
        if in_group:
            return Ignored("a contact shared in a group")
        if message.contact.user_id != user.id:  # someone else's card: refused, nothing of it kept
            return Conversation(Incoming(foreign_contact=True, **base), message.chat.id)
        phone = normalize_phone(message.contact.phone_number or "")
        return Conversation(Incoming(contact_phone=phone or None, **base), message.chat.id)

    if message.sticker is not None and not in_group:  # in a group, chatter like any text
        return Conversation(Incoming(sticker=True, **base), message.chat.id)
    text = message.text
    command = _COMMAND.fullmatch(text.strip()) if text and text.startswith("/") else None
    if command is None:
        if in_group:
            return Ignored("plain text in a group")
        return Conversation(Incoming(text=text, **base), message.chat.id)

    name, target, payload = command.group(1).lower(), command.group(2), command.group(3)
    if target and (bot_username is None or target.lower() != bot_username.lower()):
        return Ignored("a command for another bot")
    if in_group and name not in COMMAND_POSTBACKS and not target:
        return Ignored("an unknown command in a group, not addressed to this bot")
    if name == "start" and payload and payload.strip() in DEEP_LINKS:
        return Conversation(Incoming(postback=payload.strip(), **base), message.chat.id)
    if name in COMMAND_POSTBACKS:
        return Conversation(Incoming(postback=COMMAND_POSTBACKS[name], **base), message.chat.id)
    # An unknown command: the router reads it as text (and says it did not understand).
    return Conversation(Incoming(text=f"/{name} {payload or ''}".strip(), **base), message.chat.id)


def _is_id(value: object) -> bool:
    """Telegram's user and chat ids are integers (a bool is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def normalize_phone(raw: str) -> str:
    """A shared contact's number as a phone parser expects it: Telegram sends "66812345678"
    (international digits without the plus) or "+66812345678"."""
    compact = re.sub(r"[^\d+]", "", raw.strip())
    if not compact:
        return ""
    if compact.startswith(("+", "0")):
        return compact
    return "+" + compact
