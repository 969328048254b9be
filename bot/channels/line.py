"""The LINE channel: `POST /webhooks/line`, through line-bot-sdk v3. Transport only.

For each webhook call:
1. Verify `X-Line-Signature` (HMAC-SHA256 of the raw body with the channel secret) with the SDK's
   `SignatureValidator` before anything else: a missing or wrong signature is answered 400 and
   nothing is parsed or stored. A body that is not JSON, or not a `CallbackRequest`, is also 400.
   LINE's verification call (`{"events": []}`) gets 200.
2. Parse each event with the SDK's v3 models, one at a time: a bad event is logged and skipped, the
   others are still handled. Events of `mode: standby` (another channel owns the chat) are skipped.
3. Turn an event into a frozen `Incoming` (text, postback data, or neither for a sticker, image or
   location) with the `webhookEventId` as its event id, and call `core.handle`: the core records
   the id in the database in the same transaction, so a redelivered or duplicated event, on any
   worker, gets no second effect and no second reply (`None`).
   `follow` is the button data "follow" (the welcome, which says so when the account was linked
   before) with the display name from the profile API; `unfollow` marks the account unreachable.
   In a group or room, only postbacks and messages that mention the bot are taken (LINE has no
   privacy mode: the bot would otherwise answer every remark), with `in_group=True`.
4. Render the replies (`line_render`) and send them with the reply token. When LINE rejects the
   token (expired or used: 400), the same messages are pushed with an `X-Line-Retry-Key`, unless the
   account is unreachable. A 5xx, a 429 or a network failure on reply is retried once, then pushed.
   Every fallback is counted in `LineChannel.metrics` (per process) and written to the audit log
   (`line.push_fallback`, across workers), since pushes count against the paid monthly quota.
   Whatever happens, the webhook answers 200: the event id is recorded, a redelivery would be
   dropped anyway, and LINE would only retry.

One `ApiClient` per process, created on first use, after gunicorn has forked: its urllib3 pool keeps
the connections to LINE open between events. Short timeouts keep the answer inside LINE's 2 s.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import urllib3
from flask import Blueprint, Flask, current_app, request
from linebot.v3 import SignatureValidator
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
)
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
from sqlalchemy import select

from bot.channels.line_render import JSON, batches, render
from bot.config import Config
from bot.core import Core
from handlers.base import Incoming, Reply
from models import ChatAccount, audit

CHANNEL = "line"
FOLLOW = "follow"  # the button data a follow event is turned into (handlers.menu.followed)
MAX_INCOMING_TEXT = 5000
MAX_BODY = 1024 * 1024  # LINE's webhook bodies are a few KB; nothing unsigned is read beyond this

# (connect, read) seconds. LINE wants the webhook answered within about 2 s.
REPLY_TIMEOUT = (1.0, 2.0)
PUSH_TIMEOUT = (1.0, 3.0)
PROFILE_TIMEOUT = (0.5, 0.8)
ADMIN_TIMEOUT = (5.0, 30.0)

RETRY_NAMESPACE = uuid.UUID("6f1c6f0e-3c1e-4a52-9f59-6b6f6e67747e")  # X-Line-Retry-Keys from outbox keys

log = logging.getLogger(__name__)
blueprint = Blueprint("line", __name__)


def data_api_url(api_url: str) -> str:
    """The host for binary content (rich menu images): api-data.line.me beside api.line.me.

    Any other base (a staging server, the tests' fake) serves both.
    """
    return api_url.replace("://api.line.me", "://api-data.line.me")


class _ApiClient(ApiClient):
    """The SDK's client, with a one-pass serializer for message requests.

    The generated `to_dict` of each model calls pydantic's `.dict()` on itself and again on every
    child, so a Flex bubble costs time quadratic in its depth. `.dict(by_alias=True,
    exclude_none=True)` on the request gives the same JSON in one pass (the tests compare both).
    """

    def sanitize_for_serialization(self, obj: Any) -> Any:
        if isinstance(obj, ReplyMessageRequest | PushMessageRequest):
            return obj.dict(by_alias=True, exclude_none=True)
        return super().sanitize_for_serialization(obj)


def reply_request(token: str, messages: list[JSON]) -> ReplyMessageRequest:
    """The SDK's request around messages that are already LINE JSON (`line_render`).

    Building the SDK's models for a Flex bubble validates some fifty nested pydantic models: about
    5 ms for an account card, twice the database work of the whole event. The rendered JSON is
    checked by the tests against the OpenAPI spec (every request the fake LINE receives) and parsed
    back into the SDK's models (`line_render.to_sdk`), so it is carried as it is: `construct` skips
    the re-validation, and the serializer above sends the messages unchanged.
    """
    return ReplyMessageRequest.construct(reply_token=token, messages=messages)


def push_request(to: str, messages: list[JSON]) -> PushMessageRequest:
    return PushMessageRequest.construct(to=to, messages=messages)


def make_configuration(config: Config, host: str | None = None) -> Configuration:
    configuration = Configuration(host=host or config.line_api_base_url,
                                  access_token=config.line_channel_access_token)
    # Our own retry policy (below) decides; urllib3 must not add hidden waits.
    configuration.retries = urllib3.Retry(total=0, redirect=0, raise_on_status=False)
    return configuration


class LineClient:
    """One SDK client per process, made on first use (so after gunicorn's fork); `close()` ends it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._client: ApiClient | None = None
        self._api: MessagingApi | None = None

    @property
    def api(self) -> MessagingApi:
        if self._api is None or self._pid != os.getpid():
            with self._lock:
                if self._api is None or self._pid != os.getpid():
                    # A client inherited from the parent process shares its sockets: drop it unused.
                    self._client = _ApiClient(make_configuration(self.config))
                    self._api = MessagingApi(self._client)
                    self._pid = os.getpid()
        return self._api

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                self._client.close()
                self._client.rest_client.pool_manager.clear()
            self._client = self._api = None


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


def _clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    # PostgreSQL refuses NUL in text; nothing a person types contains one.
    return text.replace("\x00", "")[:MAX_INCOMING_TEXT]


class LineChannel:
    """The LINE adapter of one app: webhook handling and delivery, counters per process."""

    def __init__(self, core: Core, config: Config) -> None:
        assert config.line_channel_secret and config.line_channel_access_token
        self.core = core
        self.config = config
        self.validator = SignatureValidator(config.line_channel_secret)
        self.client = LineClient(config)
        self.metrics: Counter[str] = Counter()

    # --- webhook ---------------------------------------------------------------------------------
    def verify(self, body: bytes, signature: str | None) -> str | None:
        """The body as text when the signature is right, else None."""
        if not signature:
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return text if self.validator.validate(text, signature) else None

    def handle_events(self, events: Sequence[Any]) -> None:
        for raw in events:
            try:
                self.handle_event(raw)
            except Exception:  # noqa: BLE001 - one bad event must not lose the others
                self.metrics["events_failed"] += 1
                log.exception("LINE event %s could not be handled",
                              raw.get("webhookEventId") if isinstance(raw, dict) else "?")

    def handle_event(self, raw: Any) -> None:
        parsed = parse_event(raw)
        if parsed is None or parsed.standby:
            self.metrics["events_skipped"] += 1
            return
        if not parsed.user_id:
            self.metrics["events_skipped"] += 1
            return
        if parsed.kind == "unfollow":
            # Idempotent, no reply: a redelivery changes nothing.
            self.core.set_reachable(CHANNEL, parsed.user_id, False)
            self.metrics["unfollows"] += 1
            return
        if parsed.kind == "other" or not parsed.addressed:
            self.metrics["events_skipped"] += 1
            return
        display_name = self.display_name(parsed.user_id) if parsed.kind == "follow" else None
        incoming = Incoming(
            channel=CHANNEL,
            user_id=parsed.user_id,
            text=_clean_text(parsed.text),
            postback=FOLLOW if parsed.kind == "follow" else parsed.postback,
            event_id=parsed.event_id,
            display_name=display_name,
            in_group=parsed.in_group,
        )
        replies = self.core.handle(incoming)
        if replies is None:
            self.metrics["duplicates"] += 1
            log.info("LINE event %s already processed: no second reply", parsed.event_id)
            return
        self.metrics["events"] += 1
        if parsed.kind == "follow":
            self.core.set_reachable(CHANNEL, parsed.user_id, True)
        if replies:
            self.send(parsed, replies)

    # --- LINE API calls ----------------------------------------------------------------------------
    def display_name(self, user_id: str) -> str | None:
        """The profile's display name, or None: a failure here never stops the reply."""
        try:
            profile = self.client.api.get_profile(user_id, _request_timeout=PROFILE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - 404, 5xx, timeouts, anything: greet without it
            self.metrics["profile_failed"] += 1
            log.warning("LINE profile of a user unavailable: %s", _short(exc))
            return None
        name = (profile.display_name or "").strip()
        return name[:100] or None

    def send(self, parsed: Parsed, replies: Sequence[Reply]) -> None:
        groups = batches(render(replies))
        if not groups:
            return
        first, rest = groups[0], groups[1:]
        reason = self.reply(parsed.reply_token, first) if parsed.reply_token else "no_reply_token"
        pushes = groups if reason else rest
        if not pushes:
            return
        if reason in ("rejected_request", "unauthorized"):
            return  # the messages or the credentials are wrong: a push would fail the same way
        if not self._reachable(parsed):
            self.metrics["push_skipped_unreachable"] += 1
            self._record(parsed, reason or "more_than_5", pushes, delivered=False)
            return
        delivered = all(self.push(parsed.chat_id, batch) for batch in pushes)
        if reason:
            self.metrics["push_fallbacks"] += 1
            log.warning("LINE reply failed (%s): answer pushed instead (%s)", reason,
                        "delivered" if delivered else "push failed too")
        self._record(parsed, reason or "more_than_5", pushes, delivered=delivered)

    def reply(self, token: str, messages: list[JSON]) -> str | None:
        """Send with the reply token; None when delivered, else why not."""
        request_body = reply_request(token, messages)
        for attempt in (1, 2):
            try:
                self.client.api.reply_message_with_http_info(request_body, _request_timeout=REPLY_TIMEOUT)
                self.metrics["replies"] += 1
                return None
            except ApiException as exc:
                body = _body(exc)
                if exc.status == 400 and "reply token" in body.lower():
                    self.metrics["reply_token_rejected"] += 1
                    log.info("LINE rejected the reply token (expired or used): %s", body)
                    return "reply_token_rejected"
                if exc.status in (401, 403):
                    self.metrics["reply_failed"] += 1
                    log.error("LINE refused the access token (%s): check LINE_CHANNEL_ACCESS_TOKEN",
                              exc.status)
                    return "unauthorized"
                if exc.status == 429 or (exc.status or 0) >= 500:
                    log.warning("LINE answered %s to a reply (attempt %d): %s", exc.status, attempt, body)
                    continue
                self.metrics["reply_failed"] += 1
                log.error("LINE refused a reply (%s): %s", exc.status, body)
                return "rejected_request"
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                log.warning("LINE reply failed in transport (attempt %d): %s", attempt, _short(exc))
                continue
        self.metrics["reply_failed"] += 1
        return "reply_failed"

    def push_replies(self, to: str, replies: Sequence[Reply], key: str) -> bool:
        """Push an answer outside any reply: for the outbox dispatcher (reminders, announcements).

        `key` is the outbox row's unique key: each request's X-Line-Retry-Key is derived from it,
        so sending the same row again (after a crash, on another worker) is answered 409 by LINE
        and delivers nothing twice.
        """
        return all(self.push(to, batch, retry_key=str(uuid.uuid5(RETRY_NAMESPACE, f"{key}#{i}")))
                   for i, batch in enumerate(batches(render(replies))))

    def push(self, to: str | None, messages: list[JSON], retry_key: str | None = None) -> bool:
        """Push with an X-Line-Retry-Key; a retry with the same key cannot send twice (409)."""
        if not to:
            return False
        key = retry_key or str(uuid.uuid4())
        request_body = push_request(to, messages)
        for attempt in (1, 2):
            try:
                self.client.api.push_message_with_http_info(request_body, x_line_retry_key=key,
                                                            _request_timeout=PUSH_TIMEOUT)
                self.metrics["pushes"] += 1
                return True
            except ApiException as exc:
                if exc.status == 409:  # the first attempt did arrive
                    self.metrics["pushes"] += 1
                    return True
                if exc.status == 429 or (exc.status or 0) >= 500:
                    log.warning("LINE answered %s to a push (attempt %d)", exc.status, attempt)
                    continue
                log.error("LINE refused a push (%s): %s", exc.status, _body(exc))
                break
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                log.warning("LINE push failed in transport (attempt %d): %s", attempt, _short(exc))
        self.metrics["push_failed"] += 1
        return False

    def _reachable(self, parsed: Parsed) -> bool:
        if parsed.in_group:
            return True
        with self.core.Session() as session:
            unreachable = session.scalar(
                select(ChatAccount.unreachable_at).where(
                    ChatAccount.channel == CHANNEL, ChatAccount.external_user_id == parsed.user_id)
            )
        return unreachable is None

    def _record(self, parsed: Parsed, reason: str, pushes: list[list[JSON]], *, delivered: bool) -> None:
        """An audit row per pushed answer: pushes are paid for, replies are free."""
        try:
            with self.core.Session() as session, session.begin():
                account_id = session.scalar(
                    select(ChatAccount.id).where(ChatAccount.channel == CHANNEL,
                                                 ChatAccount.external_user_id == parsed.user_id))
                audit(session, "line", "line.push_fallback", "chat_account", account_id,
                      reason=reason, event_id=parsed.event_id, requests=len(pushes),
                      messages=sum(len(b) for b in pushes), delivered=delivered)
        except Exception:  # noqa: BLE001 - bookkeeping must not break delivery
            log.exception("could not record a LINE push in the audit log")


def _body(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return (body or str(exc.reason or ""))[:300]


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def _plain(status: int, message: str):
    return message, status, {"Content-Type": "text/plain; charset=utf-8"}


@blueprint.post("/webhooks/line")
def webhook():
    channel: LineChannel = current_app.extensions["line"]
    if request.content_length is None or request.content_length > MAX_BODY:
        return _plain(400, "a LINE webhook has a body of known, modest length")
    body = request.get_data(cache=False)
    text = channel.verify(body, request.headers.get("X-Line-Signature"))
    if text is None:
        channel.metrics["bad_signature"] += 1
        log.warning("LINE webhook with a missing or wrong X-Line-Signature: refused")
        return _plain(400, "invalid signature")
    try:
        payload = json.loads(text)
    except ValueError:
        return _plain(400, "body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return _plain(400, "body is not a LINE webhook (CallbackRequest)")
    channel.handle_events(payload["events"])
    return _plain(200, "OK")


def init_app(app: Flask) -> LineChannel:
    config: Config = app.config["KONGTUN"]
    channel = LineChannel(app.extensions["kongtun"], config)
    app.extensions["line"] = channel
    app.register_blueprint(blueprint)
    return channel

