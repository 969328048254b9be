"""Telegram channel: `POST /webhooks/telegram`, through python-telegram-bot v22.

Transport only. The view checks the secret header (before reading the body), parses the update
with `Update.de_json`, turns it into one `Incoming` (or a reachability change, or nothing), lets the
core answer (the core drops an `update_id` already processed, in the same database transaction),
and sends the replies as HTML messages with inline keyboards.

Commands map onto the button data the handlers claim (`/balance` is the "acct" button), so a command
does exactly what the menu button does. In groups only commands reach the core, marked `in_group`
so that no handler shows personal data there; plain chatter and other bots' commands are ignored.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import hmac
import json
import logging
import os
import re
import threading
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.channels.telegram_render import OutgoingMessage, render
from bot.config import Config
from handlers.base import Incoming, Reply, Text
from locales import translate
from models import ChatAccount, ProcessedEvent

log = logging.getLogger(__name__)

# Opt in to python-telegram-bot's future `timedelta` time periods now (read when used): otherwise
# building a RetryAfter, or reading its `retry_after`, warns that the int form is deprecated.
os.environ.setdefault("PTB_TIMEDELTA", "true")

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
MAX_BODY = 1 << 20  # an update is a few kilobytes
STARTUP_TIMEOUT = 20.0  # seconds for getMe when the process's bot starts
CALL_TIMEOUT = 15.0  # one Bot API call (answerCallbackQuery)
DELIVERY_TIMEOUT = 40.0  # all the replies to one update, a short flood-control wait included
MAX_RETRY_WAIT = 5.0  # wait out a 429 this short once; a longer one is given up and logged

# Commands → the button data their handler claims (the `@handles(postbacks=...)` of each feature).
COMMAND_POSTBACKS = {
    "start": "menu",
    "help": "menu",
    "menu": "menu",
    "balance": "acct",
    "benefits": "ben",
    "fund": "fund",
    "meetings": "meet",
    "register": "reg",
    "language": "lang",
    "cancel": "cancel",
}
# The command menu (`kongtun telegram commands`), in this order; descriptions in locales/telegram.
MENU_COMMANDS = ("menu", "balance", "benefits", "fund", "meetings", "register", "language", "help",
                 "cancel")
# t.me/<bot>?start=<payload> opens the bot at a feature: only these payloads are honoured.
DEEP_LINKS = frozenset({"menu", "acct", "ben", "fund", "meet", "reg", "lang", "mydata"})

_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?", re.DOTALL)

T = TypeVar("T")


# --- one event loop and one bot per process ----------------------------------------------------
#
# python-telegram-bot is asyncio-based; Flask (and gunicorn's sync or threaded workers) is not.
# A Bot holds an httpx.AsyncClient whose connections belong to the event loop that opened them, so
# `asyncio.run(...)` per request with a shared bot fails on the second request ("Event loop is
# closed"), and a new Bot per request would pay getMe and a TLS handshake on every update.
# So each process runs one event loop in a daemon thread and one Bot initialised on it (getMe once,
# the username cached for group commands); request threads hand it coroutines with
# `run_coroutine_threadsafe(...).result(timeout)`. The loop is started lazily, on the first update
# a worker receives, which is after gunicorn forks; a process that finds a runtime made by its
# parent (another pid) starts its own. `close()` (also at exit) shuts the bot's HTTP clients down
# and stops the loop.

class BotRuntime:
    """An event loop in a daemon thread with one initialised `telegram.Bot` on it."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, name="telegram-loop", daemon=True)
        self._closed = False
        self.bot: Bot | None = None

    @classmethod
    def start(cls, token: str, api_base_url: str, timeout: float = STARTUP_TIMEOUT) -> BotRuntime:
        runtime = cls()
        runtime._thread.start()
        try:
            runtime.bot = runtime.run(_open_bot(token, api_base_url), timeout)
        except BaseException:
            runtime._stop_loop()
            raise
        atexit.register(runtime.close)
        return runtime

    @property
    def username(self) -> str:
        assert self.bot is not None
        return self.bot.username

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coro` on the bot's loop and wait for its result (from any other thread)."""
        if self._closed or not self._thread.is_alive():
            coro.close()
            raise RuntimeError("the Telegram runtime is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        if self._closed or self.pid != os.getpid():
            return  # already closed, or inherited through fork: the loop thread is not ours
        try:
            if self.bot is not None:
                self.run(self.bot.shutdown(), CALL_TIMEOUT)
        except Exception:  # noqa: BLE001 - closing is best effort
            log.warning("Telegram bot did not shut down cleanly", exc_info=True)
        finally:
            self._closed = True
            self._stop_loop()
            atexit.unregister(self.close)

    def _run_loop(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def _stop_loop(self) -> None:
        self._closed = True
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        elif not self._loop.is_closed():
            self._loop.close()


def make_bot(token: str, api_base_url: str) -> Bot:
    """A Bot for `TELEGRAM_API_BASE_URL` (the library appends `<token>` to `<base>/bot`)."""
    return Bot(token, base_url=f"{api_base_url.rstrip('/')}/bot")


async def _open_bot(token: str, api_base_url: str) -> Bot:
    bot = make_bot(token, api_base_url)
    try:
        await bot.initialize()  # getMe: checks the token, caches the username
    except BaseException:
        await bot.shutdown()
        raise
    return bot


# --- what an update means ------------------------------------------------------------------------

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
class ForeignContact:
    """A contact card that is not the sender's own number: politely refused, never stored."""

    chat_id: int
    user_id: str
    event_id: str


@dataclass(frozen=True)
class Ignored:
    reason: str


Action = Conversation | Reachability | ForeignContact | Ignored


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
    if query.from_user is None or not isinstance(query.id, str):
        raise MalformedUpdate("callback_query without id or from")
    message = query.message
    if message is None or message.chat is None:
        return Ignored("a button on an inline message")
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
    if message.chat is None or not isinstance(message.chat.id, int):
        raise MalformedUpdate("message without chat")
    user = message.from_user
    if user is None or user.is_bot:
        return Ignored("a message from a channel, an anonymous admin or a bot")
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
        if message.contact.user_id != user.id:
            return ForeignContact(message.chat.id, str(user.id), str(update.update_id))
        phone = normalize_phone(message.contact.phone_number or "")
        return Conversation(Incoming(contact_phone=phone or None, **base), message.chat.id)

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


def normalize_phone(raw: str) -> str:
    """A shared contact's number as a phone parser expects it: Telegram sends "66812345678"
    (international digits without the plus) or "+66812345678"."""
    compact = re.sub(r"[^\d+]", "", raw.strip())
    if not compact:
        return ""
    if compact.startswith(("+", "0")):
        return compact
    return "+" + compact


# --- sending -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """What became of a batch of messages to one chat."""

    status: str  # sent | blocked | rate_limited | failed
    sent: int
    retry_after: float | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


def _seconds(value: timedelta | float | int) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def send_messages(bot: Bot, chat_id: int | str, messages: Iterable[OutgoingMessage],
                        max_retry_wait: float = MAX_RETRY_WAIT) -> Delivery:
    """Send in order; stop at the first failure (the rest would arrive out of context).

    A 429 with a short `retry_after` is waited out once; 403 means the user blocked the bot.
    """
    sent = 0
    for message in messages:
        waited = False
        while True:
            try:
                await bot.send_message(chat_id, message.text, parse_mode=ParseMode.HTML,
                                       reply_markup=message.reply_markup)
                sent += 1
                break
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if waited or wait > max_retry_wait:
                    return Delivery("rate_limited", sent, retry_after=wait, error=exc.message)
                waited = True
                await asyncio.sleep(wait)
            except Forbidden as exc:
                return Delivery("blocked", sent, error=exc.message)
            except TelegramError as exc:
                return Delivery("failed", sent, error=exc.message)
    return Delivery("sent", sent)


class TelegramChannel:
    """The channel as the app (and a push dispatcher) uses it: the process's bot, delivery."""

    def __init__(self, config: Config, core: Any = None, *, max_retry_wait: float = MAX_RETRY_WAIT,
                 delivery_timeout: float = DELIVERY_TIMEOUT) -> None:
        if not config.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.config = config
        self.core = core
        self.max_retry_wait = max_retry_wait
        self.delivery_timeout = delivery_timeout
        self._runtime: BotRuntime | None = None
        self._lock = threading.Lock()

    def runtime(self) -> BotRuntime:
        with self._lock:
            runtime = self._runtime
            if runtime is None or runtime.pid != os.getpid():
                assert self.config.telegram_bot_token
                runtime = BotRuntime.start(self.config.telegram_bot_token,
                                           self.config.telegram_api_base_url)
                self._runtime = runtime
            return runtime

    def close(self) -> None:
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = None

    def secret_ok(self, given: str | None) -> bool:
        expected = self.config.telegram_webhook_secret
        if not expected or given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))

    def deliver(self, chat_id: int | str, replies: Iterable[Reply]) -> Delivery:
        """Send replies to a chat (also the push path for reminders and announcements)."""
        messages = render(replies)
        if not messages:
            return Delivery("sent", 0)
        runtime = self.runtime()
        assert runtime.bot is not None
        try:
            return runtime.run(send_messages(runtime.bot, chat_id, messages, self.max_retry_wait),
                               self.delivery_timeout)
        except (concurrent.futures.TimeoutError, TimeoutError):
            return Delivery("failed", 0, error="timed out")

    def answer_callback(self, query_id: str) -> None:
        """Stop the button's spinner. Always called for a press, duplicates and errors included."""
        runtime = self.runtime()
        assert runtime.bot is not None
        try:
            runtime.run(runtime.bot.answer_callback_query(query_id), CALL_TIMEOUT)
        except (TelegramError, concurrent.futures.TimeoutError, TimeoutError) as exc:
            # e.g. "query is too old" on a late redelivery: nothing left to stop
            log.info("answerCallbackQuery failed: %s", exc)

    def process(self, update: Update, action: Action | None = None) -> Action:
        """Do what an update asks (the caller has checked the secret).

        Raises MalformedUpdate before doing anything when the update is not one Telegram sends.
        """
        if action is None:
            action = classify(update, self.runtime().username)
        if update.callback_query is not None:
            # Answered first, so the spinner stops at once. The replies to a press then come as
            # new messages rather than an edit of the pressed one: what the member looked at (a
            # balance card) stays in the chat's history, an answer of several replies or parts
            # fits, and a stale button further up still reaches a handler that says so.
            self.answer_callback(update.callback_query.id)
        if isinstance(action, Reachability):
            self.core.set_reachable(CHANNEL, action.user_id, action.reachable)
        elif isinstance(action, ForeignContact):
            self._refuse_contact(action)
        elif isinstance(action, Conversation):
            replies = self.core.handle(action.incoming)
            if replies is not None:  # None: this update_id was already processed
                self._send(action.chat_id, action.incoming, replies)
        else:
            log.debug("update %s ignored: %s", update.update_id, action.reason)
        return action

    def _send(self, chat_id: int, incoming: Incoming, replies: list[Reply]) -> None:
        try:
            delivery = self.deliver(chat_id, replies)
        except Exception:  # noqa: BLE001 - the update is processed; a retry would be dropped anyway
            log.exception("Telegram replies to update %s could not be sent", incoming.event_id)
            return
        if delivery.status == "blocked" and not incoming.in_group:
            self.core.set_reachable(CHANNEL, incoming.user_id, False)
        elif not delivery.ok:
            log.warning("Telegram replies to update %s: %s after %d sent (%s)", incoming.event_id,
                        delivery.status, delivery.sent, delivery.error)

    def _refuse_contact(self, action: ForeignContact) -> None:
        with self.core.Session() as session, session.begin():
            try:
                with session.begin_nested():
                    session.add(ProcessedEvent(channel=CHANNEL, event_id=action.event_id))
            except IntegrityError:
                return  # a redelivery: already answered
            locale = session.scalar(select(ChatAccount.locale).where(
                ChatAccount.channel == CHANNEL, ChatAccount.external_user_id == action.user_id)) or "th"
        incoming = Incoming(channel=CHANNEL, user_id=action.user_id, event_id=action.event_id)
        self._send(action.chat_id, incoming, [Text(translate(locale, "telegram.not_own_contact"))])


# --- the webhook ---------------------------------------------------------------------------------

blueprint = Blueprint("telegram", __name__)


def _reject(status: int, message: str):
    return {"ok": False, "error": message}, status


@blueprint.post("/webhooks/telegram")
def webhook():
    channel: TelegramChannel = current_app.extensions["telegram"]
    # The secret first: nothing of an unauthenticated request is read or parsed.
    if not channel.secret_ok(request.headers.get(SECRET_HEADER)):
        return _reject(403, "bad secret token")
    if (request.content_length or 0) > MAX_BODY:
        return _reject(413, "body too large")
    try:
        data = json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError):
        return _reject(400, "body is not JSON")
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return _reject(400, "not an update: update_id must be a non-negative integer")
    try:
        runtime = channel.runtime()
    except Exception:  # noqa: BLE001 - Telegram unreachable or the token refused
        log.exception("Telegram bot could not start; update %s left for Telegram to redeliver",
                      update_id)
        return _reject(503, "bot unavailable")
    try:
        update = Update.de_json(data, runtime.bot)
        action = classify(update, runtime.username)  # shape problems surface before anything is done
    except (MalformedUpdate, KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("malformed Telegram update %s: %s", update_id, exc)
        return _reject(400, "malformed update")
    channel.process(update, action)
    # 200 whatever became of the replies: Telegram redelivers on anything else, and the core
    # would drop the redelivery as already processed.
    return {"ok": True}


def init_app(app: Flask) -> None:
    config: Config = app.config["KONGTUN"]
    channel = TelegramChannel(config, app.extensions["kongtun"])
    app.extensions["telegram"] = channel
    app.register_blueprint(blueprint)


def close_app(app: Flask) -> None:
    """Stop the process's bot and its event loop (tests; at exit this happens by itself)."""
    channel: TelegramChannel | None = app.extensions.get("telegram")
    if channel is not None:
        channel.close()
