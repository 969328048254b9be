"""Telegram channel: `POST /webhooks/telegram`, through python-telegram-bot v22. Transport only.

The view checks the secret header (before reading the body), reads a body of bounded size, parses
the update with `Update.de_json`, and `telegram_classify` turns it into one `Incoming` (or a
reachability change, or nothing). The core answers (it drops an `update_id` already processed, in
the same database transaction) and the `TelegramSender` sends the replies as HTML messages with
inline keyboards; what became of them goes back to the core (a block marks the chat unreachable).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from datetime import timedelta

import httpx
from flask import Blueprint, Flask, current_app, request
from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.telegram_classify import (
    CHANNEL,
    Action,
    Conversation,
    Reachability,
    classify,
)
from bot.channels.telegram_render import OutgoingMessage, render, render_reply
from bot.channels.telegram_runtime import CALL_TIMEOUT, BotRuntime
from bot.channels.webhook import BadBody, parse_json, read_limited_body
from bot.config import Config
from bot.core import Core
from messaging.sender import RATE_LIMITED, Delivery, Outcome
from messaging.values import Reply

log = logging.getLogger(__name__)

# Opt in to python-telegram-bot's future `timedelta` time periods now (read when used): otherwise
# building a RetryAfter, or reading its `retry_after`, warns that the int form is deprecated.
os.environ.setdefault("PTB_TIMEDELTA", "true")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
MAX_BODY = 1 << 20  # an update is a few kilobytes
MAX_UPDATE_ID = 2**52  # Telegram's identifiers have at most 52 significant bits
MAX_INTEGER = 2**63  # no integer of an update is wider than 64 bits (chat ids, dates, sizes)
DELIVERY_TIMEOUT = 40.0  # all the replies to one chat, a short flood-control wait included
MAX_RETRY_WAIT = 5.0  # wait out a 429 this short once; a longer one is given back to the caller


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
                    return Delivery(Outcome.RETRY, sent, retry_after=wait, reason=RATE_LIMITED)
                waited = True
                await asyncio.sleep(wait)
            except Forbidden as exc:
                return Delivery(Outcome.BLOCKED, sent, reason=exc.message)
            except (BadRequest, ChatMigrated, InvalidToken) as exc:  # wrong for good: no retry helps
                return Delivery(Outcome.REFUSED, sent, reason=exc.message)
            except TelegramError as exc:  # network trouble, time-outs, Telegram's own errors
                return Delivery(Outcome.RETRY, sent, reason=exc.message[:200], uncertain=maybe_sent(exc))
    return Delivery(Outcome.SENT, sent)


def maybe_sent(exc: TelegramError) -> bool:
    """Whether Telegram may have sent the message although the call failed: a time-out or a
    connection lost after the request went out. A refused connection, a full pool or an error
    Telegram answered with (a 5xx, a 429 without `retry_after`) sent nothing."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    return isinstance(exc, TimedOut) or isinstance(cause, httpx.TransportError)


def unsent_replies(replies: Sequence[Reply], sent: int) -> list[Reply]:
    """The replies not wholly sent when the first `sent` messages of their rendering went out."""
    left: list[Reply] = []
    done = 0
    for reply in replies:
        done += len(render_reply(reply))
        if done > sent:
            left.append(reply)
    return left


class TelegramSender:
    """Sends to a Telegram chat: the `messaging.sender.Sender` of this channel.

    Telegram has no idempotency key: `key` is only logged, and a repeat is possible when a delivery
    failed half-way (`Delivery.sent` says how many messages went).
    """

    channel = CHANNEL

    def __init__(self, runtime: BotRuntimeSource, max_retry_wait: float = MAX_RETRY_WAIT,
                 timeout: float = DELIVERY_TIMEOUT) -> None:
        self._runtime = runtime
        self.max_retry_wait = max_retry_wait
        self.timeout = timeout

    def deliver(self, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        messages = render(replies)
        if not messages:
            return Delivery(Outcome.SENT, 0)
        try:
            runtime = self._runtime.runtime()
        except InvalidToken:
            log.error("Telegram refused TELEGRAM_BOT_TOKEN: delivery %s not sent", key)
            return Delivery(Outcome.REFUSED, reason="the bot token was refused")
        except Exception as exc:  # noqa: BLE001 - Telegram unreachable at start: try again later
            log.warning("Telegram bot could not start for delivery %s: %s", key, type(exc).__name__)
            return Delivery(Outcome.RETRY, reason="the bot could not start")
        assert runtime.bot is not None
        try:
            return runtime.run(send_messages(runtime.bot, to, messages, self.max_retry_wait), self.timeout)
        except (concurrent.futures.TimeoutError, TimeoutError):
            # Some messages may have gone: Telegram has no idempotency key, so a retry can repeat them.
            log.warning("Telegram delivery %s timed out", key)
            return Delivery(Outcome.RETRY, reason="timed out", uncertain=True)


class BotRuntimeSource:
    """The process's bot runtime, started on first use (after gunicorn forks)."""

    def __init__(self, config: Config) -> None:
        if not config.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.config = config
        self._runtime: BotRuntime | None = None
        self._lock = threading.Lock()

    def runtime(self) -> BotRuntime:
        with self._lock:
            runtime = self._runtime
            if runtime is None or runtime.pid != os.getpid():
                assert self.config.telegram_bot_token
                runtime = BotRuntime.start(self.config.telegram_bot_token, self.config.telegram_api_base_url)
                self._runtime = runtime
            return runtime

    def close(self) -> None:
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = None


class TelegramChannel(BotRuntimeSource):
    """The Telegram adapter of one app: updates in, replies out through its sender."""

    def __init__(self, core: Core, config: Config | None = None) -> None:
        super().__init__(config or core.config)
        self.core = core
        self.sender = TelegramSender(self)

    def secret_ok(self, given: str | None) -> bool:
        expected = self.config.telegram_webhook_secret
        if not expected or given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))

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
            # balance card) stays in the chat's history, and a stale button further up still
            # reaches a handler that says so.
            self.answer_callback(update.callback_query.id)
        if isinstance(action, Reachability):
            self.core.set_reachable(CHANNEL, action.user_id, action.reachable)
        elif isinstance(action, Conversation):
            replies = self.core.handle(action.incoming)
            if replies:  # None: this update_id was already processed
                self._answer(action, replies)
        else:
            log.debug("update %s ignored: %s", update.update_id, action.reason)
        return action

    def _answer(self, action: Conversation, replies: list[Reply]) -> None:
        """Send the answer; what could not be sent is kept in the outbox, never dropped: `pending`
        when Telegram surely did not send it (a 5xx, a 429), `unconfirmed` when it may have (a
        time-out: Telegram has no idempotency key, so sending again could show it twice)."""
        incoming = action.incoming
        chat, key = str(action.chat_id), self.core.answer_key(CHANNEL, incoming.event_id)
        try:
            delivery = self.sender.deliver(chat, replies, key=key)
        except Exception as exc:  # noqa: BLE001 - the update is processed; a retry would be dropped anyway
            log.exception("Telegram replies to update %s could not be sent", incoming.event_id)
            delivery = Delivery(Outcome.RETRY, reason=f"send failed: {type(exc).__name__}", uncertain=True)
        self.core.delivered(incoming, delivery)
        left = unsent_replies(replies, delivery.sent) if delivery.outcome is Outcome.RETRY else []
        if left:
            self.core.keep_answer(CHANNEL, chat, left, event_id=incoming.event_id,
                                  reason=f"send_failed: {delivery.reason}", uncertain=delivery.uncertain)


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
    body = read_limited_body(MAX_BODY)
    if body is None:
        return _reject(413, "body too large")
    try:
        data = parse_json(body, max_int=MAX_INTEGER)
    except BadBody as exc:
        return _reject(400, str(exc))
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id <= MAX_UPDATE_ID:
        return _reject(400, "not an update: update_id must be a non-negative integer of at most 52 bits")
    try:
        runtime = channel.runtime()
    except Exception:  # noqa: BLE001 - Telegram unreachable or the token refused
        log.exception("Telegram bot could not start; update %s left for Telegram to redeliver",
                      update_id)
        return _reject(503, "bot unavailable")
    try:
        update = Update.de_json(data, runtime.bot)
        action = classify(update, runtime.username)  # shape problems surface before anything is done
    except Exception as exc:  # noqa: BLE001 - whatever the SDK raises on a body (a date of 10^120 is
        # an OverflowError): a malformed update is the sender's fault, a 400, never a 500
        log.warning("malformed Telegram update %s: %s: %s", update_id, type(exc).__name__, exc)
        return _reject(400, "malformed update")
    channel.process(update, action)
    # 200 whatever became of the replies: Telegram redelivers on anything else, and the core
    # would drop the redelivery as already processed.
    return {"ok": True}


def init_app(app: Flask) -> TelegramChannel:
    channel = TelegramChannel(app.extensions["kongtun"], app.config["KONGTUN"])
    app.extensions["telegram"] = channel
    app.register_blueprint(blueprint)
    return channel


def close_app(app: Flask) -> None:
    """Stop the process's bot and its event loop (tests; at exit this happens by itself)."""
    channel: TelegramChannel | None = app.extensions.get("telegram")
    if channel is not None:
        channel.close()
