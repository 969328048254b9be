"""The LINE channel: `POST /webhooks/line`, through line-bot-sdk v3. Transport only.

For each webhook call:
1. Verify `X-Line-Signature` (HMAC-SHA256 of the raw body with the channel secret) with the SDK's
   `SignatureValidator` before anything else: a missing or wrong signature is answered 400 and
   nothing is parsed or stored. A body over 1 MB is 413 before it is read; a body that is not
   JSON, or not a `CallbackRequest`, is 400. LINE's verification call (`{"events": []}`) gets 200.
2. Parse each event with the SDK's v3 models (`line_events`), one at a time, leniently: an event
   the models refuse (an older body, an unknown kind or source type) is read from the raw object
   for what the bot answers, the rest is ignored at INFO; an unusable event is skipped with a
   warning, the others are still handled. Events of `mode: standby` are skipped. The log names an
   event by its kind and id only (an odd id as a digest), never its body or the member's text.
3. Turn an event into a frozen `Incoming` with the `webhookEventId` as its event id and call
   `core.handle`: the core records the id in the same transaction, so a redelivered event, on any
   worker, gets no second effect and no second reply. `follow` is the button `FOLLOW` with the
   display name from the profile API; `unfollow` tells the core the account is unreachable. In a
   group or room only postbacks and messages that mention the bot are taken, with `in_group=True`.
4. Render the replies (`line_render`) and send them with the reply token. Only when LINE has said
   the reply was not taken (the token is invalid or expired, or the request never reached LINE)
   is the answer pushed by the `LineSender` (`line_sender`) instead, unless the core says the
   account is unreachable; every such push is counted (`metrics`) and recorded by the core, since
   pushes count against the paid monthly quota. After a timeout or a 5xx LINE may have delivered
   the reply: it is sent once more with the same single-use token, and if that says nothing
   either, the answer is kept as an unconfirmed outbox row, not pushed. An answer the push could
   not deliver is kept as a pending outbox row for the dispatcher. The webhook answers 200
   whatever happens.
5. Held messages (no quota was left to push them) ride along free: the core adds them to a linked
   member's answer in a private chat, as many as `fits_one_reply` lets into one reply request.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

import urllib3
from flask import Blueprint, Flask, current_app, request
from linebot.v3 import SignatureValidator
from linebot.v3.messaging import ApiException

from bot.channels.line_client import (
    PROFILE_TIMEOUT,
    REPLY_TIMEOUT,
    LineClient,
    error_body,
    never_sent,
    reply_request,
    short_error,
)
from bot.channels.line_events import Parsed, UnreadableEvent, clean_text, log_id, log_kind, parse_event
from bot.channels.line_render import JSON, MAX_MESSAGES, batches, render
from bot.channels.line_sender import CHANNEL, LineSender, retry_key
from bot.channels.webhook import BadBody, parse_json, read_limited_body
from bot.config import Config
from bot.core import Core
from handlers.buttons import FOLLOW
from messaging.sender import Outcome
from messaging.values import Incoming, Reply

# What became of a reply (`LineChannel.reply`).
REPLIED = "replied"
REPLIED_LATE = "replied_late"  # an attempt got no answer, then LINE said its token was used
REPLY_TOKEN_REJECTED = "reply_token_rejected"  # expired or used before: nothing delivered
REPLY_NOT_SENT = "reply_not_sent"  # never reached LINE, or refused unread (429): nothing delivered
REPLY_UNKNOWN = "reply_outcome_unknown"  # timed out or 5xx, twice: the member may have it
REPLY_REFUSED = "rejected_request"  # LINE refused the messages: no push would fare better
UNAUTHORIZED = "unauthorized"
NO_REPLY_TOKEN = "no_reply_token"
MAX_BODY = 1024 * 1024  # LINE's webhook bodies are a few KB; nothing unsigned is read beyond this

__all__ = ["CHANNEL", "LineChannel", "LineSender", "init_app", "retry_key"]  # the channel's public names
log = logging.getLogger(__name__)
blueprint = Blueprint("line", __name__)


class LineChannel:
    """The LINE adapter of one app: webhook events in, replies (or pushes) out, counters per process."""

    def __init__(self, core: Core, config: Config | None = None) -> None:
        config = config or core.config
        assert config.line_channel_secret and config.line_channel_access_token
        self.core = core
        self.config = config
        self.validator = SignatureValidator(config.line_channel_secret)
        self.client = LineClient(config)
        self.metrics: Counter[str] = Counter()
        self.sender = LineSender(self.client, self.metrics)
        core.reply_fits[CHANNEL] = fits_one_reply  # held messages given with an answer stay free

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
            # What the log may say of an event: its kind and id, never its body or an odd id.
            kind, event_id = (log_kind(raw.get("type")), log_id(raw.get("webhookEventId"))) \
                if isinstance(raw, dict) else ("not-an-object", "-")
            try:
                self.handle_event(raw)
            except UnreadableEvent as exc:
                self.metrics["events_failed"] += 1
                log.warning("LINE event %s (%s) skipped: %s", event_id, kind, exc)
            except Exception:  # noqa: BLE001 - one bad event must not lose the others
                self.metrics["events_failed"] += 1
                log.exception("LINE event %s (%s) could not be handled", event_id, kind)

    def handle_event(self, raw: Any) -> None:
        parsed = parse_event(raw)
        if parsed is None or parsed.standby or not parsed.user_id or parsed.kind == "other":
            self.metrics["events_skipped"] += 1
            if parsed is not None and not parsed.standby:
                log.info("LINE event %s (%s) ignored: nothing to answer", log_id(parsed.event_id),
                         parsed.type)
            return
        if parsed.kind == "unfollow":
            # Idempotent, no reply: a redelivery changes nothing.
            self.core.set_reachable(CHANNEL, parsed.user_id, False)
            self.metrics["unfollows"] += 1
            return
        if not parsed.addressed:
            self.metrics["events_skipped"] += 1
            return
        display_name = self.display_name(parsed.user_id) if parsed.kind == "follow" else None
        incoming = Incoming(
            channel=CHANNEL,
            user_id=parsed.user_id,
            text=clean_text(parsed.text),
            postback=FOLLOW if parsed.kind == "follow" else parsed.postback,
            event_id=parsed.event_id,
            display_name=display_name,
            in_group=parsed.in_group,
            sticker=parsed.sticker,
        )
        replies = self.core.handle(incoming)
        if replies is None:
            self.metrics["duplicates"] += 1
            log.info("LINE event %s already processed: no second reply", log_id(parsed.event_id))
            return
        self.metrics["events"] += 1
        if parsed.kind == "follow":
            self.core.set_reachable(CHANNEL, parsed.user_id, True)
        if replies:
            self.send(parsed, replies)

    def display_name(self, user_id: str) -> str | None:
        """The profile's display name, or None: a failure here never stops the reply."""
        try:
            profile = self.client.api.get_profile(user_id, _request_timeout=PROFILE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - 404, 5xx, timeouts, anything: greet without it
            self.metrics["profile_failed"] += 1
            log.warning("LINE profile of a user unavailable: %s", short_error(exc))
            return None
        name = (profile.display_name or "").strip()
        return name[:100] or None

    # --- answering -------------------------------------------------------------------------------
    def send(self, parsed: Parsed, replies: Sequence[Reply]) -> None:
        """Reply with the token; push only what LINE surely did not deliver; keep the rest.

        The first request goes as a (free) reply. The answer is pushed (paid) only when LINE has
        said the reply was not taken (the token is invalid, or the request never reached LINE);
        after a timeout or a 5xx the member may have it already, so it is kept as an unconfirmed
        outbox row instead of being sent twice. An answer that could not be pushed either is kept
        as a pending outbox row, for the dispatcher to deliver under the same retry keys.
        """
        groups = batches(render(replies))
        if not groups:
            return
        assert parsed.chat_id and parsed.user_id
        outcome, why = self.reply(parsed.reply_token, groups[0]) if parsed.reply_token \
            else (NO_REPLY_TOKEN, None)
        if outcome == REPLY_UNKNOWN:
            self.metrics["answers_unconfirmed"] += 1
            self.core.keep_answer(CHANNEL, parsed.chat_id, replies, event_id=parsed.event_id,
                                  reason=f"{REPLY_UNKNOWN}: {why}", uncertain=True)
            return
        if outcome == REPLY_REFUSED:
            return  # the messages are wrong: a push or a later try would be refused the same way
        if outcome == UNAUTHORIZED:  # the access token: a push fails the same way, until it is fixed
            self.core.keep_answer(CHANNEL, parsed.chat_id, replies, event_id=parsed.event_id,
                                  reason=f"reply_failed: {why}")
            return
        replied = outcome in (REPLIED, REPLIED_LATE)
        pushes = groups[1:] if replied else groups
        if not pushes:
            return
        detail = {"reason": "more_than_5" if replied else outcome, "event_id": parsed.event_id,
                  "requests": len(pushes), "messages": sum(len(b) for b in pushes)}
        if not parsed.in_group and not self.core.is_reachable(CHANNEL, parsed.user_id):
            self.metrics["push_skipped_unreachable"] += 1
            self.core.record_push_fallback(CHANNEL, parsed.user_id, delivered=False, **detail)
            return
        # A UUID as the send key: it is the first push's X-Line-Retry-Key and is stored on a kept
        # answer's row, so the dispatcher's pushes of it carry the same retry keys as these.
        key = retry_key(self.core.answer_key(CHANNEL, parsed.event_id), 0)
        delivery = self.sender.push_batches(parsed.chat_id, pushes, key=key)
        if not replied:
            self.metrics["push_fallbacks"] += 1
            log.warning("LINE reply not delivered (%s): answer pushed instead (%s)", outcome,
                        "delivered" if delivery.ok else "push failed too")
        self.core.record_push_fallback(CHANNEL, parsed.user_id, delivered=delivery.ok, **detail)
        if delivery.outcome is Outcome.RETRY:
            # Under the same key, the dispatcher's pushes carry the same retry keys: what did go
            # out now is answered 409 then, not delivered twice.
            self.metrics["answers_kept"] += 1
            self.core.keep_answer(CHANNEL, parsed.chat_id, replies, event_id=parsed.event_id,
                                  reason=f"push_failed: {delivery.reason}", retry_key=key)

    def reply(self, token: str, messages: list[JSON]) -> tuple[str, str | None]:
        """Send with the reply token: what became of it (`REPLIED`, ...), and why, briefly.

        LINE's reply API has no retry key, but a reply token is single-use: sending again with the
        same token can never deliver twice. So a reply whose outcome is unknown (a timeout, a
        5xx: LINE may have delivered it) is sent once more. A second "Invalid reply token" then
        means the first went through (`REPLIED_LATE`), a 200 that it had not.
        """
        request_body = reply_request(token, messages)
        uncertain: str | None = None  # why an attempt may have been delivered without saying so
        why: str | None = None
        for attempt in (1, 2):
            try:
                self.client.api.reply_message_with_http_info(request_body, _request_timeout=REPLY_TIMEOUT)
            except ApiException as exc:
                status, body = exc.status or 0, error_body(exc)
                if status == 400 and "reply token" in body.lower():
                    if uncertain:
                        self.metrics["replies_late"] += 1
                        log.info("LINE reply went through late (%s): its token is used now", uncertain)
                        return REPLIED_LATE, uncertain
                    self.metrics["reply_token_rejected"] += 1
                    log.info("LINE rejected the reply token (expired or used): %s", body)
                    return REPLY_TOKEN_REJECTED, body
                if status in (401, 403):
                    self.metrics["reply_failed"] += 1
                    log.error("LINE refused the access token (%s): check LINE_CHANNEL_ACCESS_TOKEN", status)
                    return UNAUTHORIZED, f"LINE answered {status}"
                if status == 429 or status == 0 or status >= 500:
                    why = f"LINE answered {status}" if status else "TLS failure"
                    if status >= 500:  # LINE: after a 5xx the message may have been delivered
                        uncertain = why
                    log.warning("LINE answered %s to a reply (attempt %d): %s", status, attempt, body)
                    continue
                self.metrics["reply_failed"] += 1
                log.error("LINE refused a reply (%s): %s", status, body)
                return REPLY_REFUSED, f"LINE answered {status}"
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                why = short_error(exc)
                if not never_sent(exc):
                    uncertain = why
                log.warning("LINE reply failed in transport (attempt %d): %s", attempt, why)
                continue
            self.metrics["replies"] += 1
            return REPLIED, None
        self.metrics["reply_failed"] += 1
        return (REPLY_UNKNOWN, uncertain) if uncertain else (REPLY_NOT_SENT, why)


def fits_one_reply(replies: Sequence[Reply]) -> bool:
    """Whether an answer goes in one (free) reply request: at most 5 LINE messages once rendered."""
    return len(render(replies)) <= MAX_MESSAGES


def _plain(status: int, message: str):
    return message, status, {"Content-Type": "text/plain; charset=utf-8"}


@blueprint.post("/webhooks/line")
def webhook():
    channel: LineChannel = current_app.extensions["line"]
    body = read_limited_body(MAX_BODY)
    if body is None:
        return _plain(413, "a LINE webhook body is a few kilobytes")
    text = channel.verify(body, request.headers.get("X-Line-Signature"))
    if text is None:
        channel.metrics["bad_signature"] += 1
        log.warning("LINE webhook with a missing or wrong X-Line-Signature: refused")
        return _plain(400, "invalid signature")
    try:
        payload = parse_json(text)
    except BadBody as exc:
        return _plain(400, str(exc))
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return _plain(400, "body is not a LINE webhook (CallbackRequest)")
    channel.handle_events(payload["events"])
    return _plain(200, "OK")


def init_app(app: Flask) -> LineChannel:
    channel = LineChannel(app.extensions["kongtun"], app.config["KONGTUN"])
    app.extensions["line"] = channel
    app.register_blueprint(blueprint)
    return channel
