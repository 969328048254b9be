"""Pushing to LINE: the channel's `Sender`, `Multicaster` and `QuotaReader` (`messaging.sender`).

Every push and multicast costs quota units (one per recipient per request) and carries an
`X-Line-Retry-Key`, so a request sent again after a crash, a timeout or a 5xx is answered 409 by LINE
(accepted before: nothing delivered twice). The keys come from the caller's send key: a UUID (the one
the dispatcher stores on its rows) is the first request's key itself; any other key, and every later
request of a long answer, gets a UUID derived from it (`retry_key`).

What LINE's answers mean, for push and multicast alike: 409 sent; 429 "monthly limit" the month's
quota is gone (RETRY, `QUOTA_EXHAUSTED`: hold until the month turns), another 429 the rate limit
(RETRY, `RATE_LIMITED`, with Retry-After when given); 5xx and timeouts RETRY with `uncertain` (LINE
may have acted on the request: only the same retry key makes a repeat safe); other 4xx REFUSED.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Sequence

import urllib3
from linebot.v3.messaging import ApiException

from bot.channels.line_client import (
    PUSH_TIMEOUT,
    QUOTA_TIMEOUT,
    LineClient,
    error_body,
    multicast_request,
    never_sent,
    push_request,
    short_error,
)
from bot.channels.line_render import JSON, batches, render
from messaging.sender import QUOTA_EXHAUSTED, RATE_LIMITED, Delivery, Outcome, Quota
from messaging.values import Reply

CHANNEL = "line"
MAX_RECIPIENTS = 500  # LINE's multicast: at most 500 user ids a request
RETRY_NAMESPACE = uuid.UUID("6f1c6f0e-3c1e-4a52-9f59-6b6f6e67747e")  # X-Line-Retry-Keys from send keys

log = logging.getLogger(__name__)


def _as_uuid(key: str) -> str | None:
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return None


def retry_key(key: str, batch: int) -> str:
    """The X-Line-Retry-Key of one request: the same send key always gives the same UUID, so a
    repeat (after a crash, on another worker) is answered 409 by LINE and delivers nothing twice.

    A send key that is a UUID already (stored on the outbox rows when they are first tried) is used
    as it is for the first request, so the key on the row is the one LINE saw."""
    if batch == 0:
        as_uuid = _as_uuid(key)
        if as_uuid is not None:
            return as_uuid
    return str(uuid.uuid5(RETRY_NAMESPACE, f"{key}#{batch}"))


class LineSender:
    """Pushes and multicasts to LINE chats, and reads the month's quota."""

    channel = CHANNEL
    max_recipients = MAX_RECIPIENTS

    def __init__(self, client: LineClient, metrics: Counter[str] | None = None, attempts: int = 2) -> None:
        self.client = client
        self.metrics = metrics if metrics is not None else Counter()
        self.attempts = attempts
        self._quota_failing = False  # a quota read failing is said once, not at every batch

    # --- push ------------------------------------------------------------------------------------
    def deliver(self, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        return self.push_batches(to, batches(render(replies)), key)

    def push_batches(self, to: str, groups: Sequence[list[JSON]], key: str) -> Delivery:
        """Push each request in order; stop at the first that did not go (the rest would arrive out
        of context). Each request counts one quota unit per recipient."""
        return self._in_order(groups, key, lambda messages, k: self.push(to, messages, k))

    def push(self, to: str, messages: list[JSON], key: str) -> Delivery:
        """One push request with its retry key; a server or network failure is tried again at once."""
        delivery = self._attempts(lambda: self.client.api.push_message_with_http_info(
            push_request(to, messages), x_line_retry_key=key, _request_timeout=PUSH_TIMEOUT), "push")
        self.metrics["pushes" if delivery.ok else "push_failed"] += 1
        return delivery

    # --- multicast -------------------------------------------------------------------------------
    def deliver_many(self, to: Sequence[str], replies: Sequence[Reply], key: str) -> Delivery:
        """The same replies to up to 500 LINE users, one multicast per request of 5 messages.

        LINE's multicast answers for the request as a whole: it does not say which recipients have
        blocked the bot (they are counted against the quota all the same, and receive nothing), so
        a multicast is never BLOCKED; blocking is learnt from unfollow events."""
        if not to:
            return Delivery(Outcome.SENT, 0)
        if len(to) > MAX_RECIPIENTS:
            raise ValueError(f"a LINE multicast carries at most {MAX_RECIPIENTS} recipients, not {len(to)}")
        recipients = list(to)

        def one(messages: list[JSON], k: str) -> Delivery:
            request = multicast_request(recipients, messages)
            delivery = self._attempts(lambda: self.client.api.multicast_with_http_info(
                request, x_line_retry_key=k, _request_timeout=PUSH_TIMEOUT), "multicast")
            self.metrics["multicasts" if delivery.ok else "multicast_failed"] += 1
            return delivery

        return self._in_order(batches(render(replies)), key, one)

    # --- quota -----------------------------------------------------------------------------------
    def quota(self) -> Quota | None:
        """This month's quota: GET /v2/bot/message/quota (the limit; type `none` is unlimited) and
        /v2/bot/message/quota/consumption (what was used). None when either cannot be read: the
        caller then pushes nothing on a guess."""
        try:
            limit = self.client.api.get_message_quota(_request_timeout=QUOTA_TIMEOUT)
            used = self.client.api.get_message_quota_consumption(_request_timeout=QUOTA_TIMEOUT)
            kind = getattr(limit.type, "value", limit.type)
            if kind == "limited" and limit.value is None:
                raise ValueError("a limited quota without its value")
            quota = Quota(limit=None if kind == "none" else int(limit.value), used=int(used.total_usage))
        except Exception as exc:  # noqa: BLE001 - any failure means the quota is unknown now
            self.metrics["quota_failed"] += 1
            reason = f"LINE answered {exc.status}" if isinstance(exc, ApiException) else short_error(exc)
            # One line when reading starts failing, not one per batch while it goes on.
            (log.debug if self._quota_failing else log.warning)("LINE quota unreadable: %s", reason[:120])
            self._quota_failing = True
            return None
        if self._quota_failing:
            log.info("LINE quota readable again")
        self._quota_failing = False
        return quota

    # --- shared ----------------------------------------------------------------------------------
    def _in_order(self, groups: Sequence[list[JSON]], key: str,
                  send: Callable[[list[JSON], str], Delivery]) -> Delivery:
        sent = 0
        for i, messages in enumerate(groups):
            delivery = send(messages, retry_key(key, i))
            if not delivery.ok:
                return Delivery(delivery.outcome, sent, delivery.retry_after, delivery.reason,
                                delivery.uncertain)
            sent += 1
        return Delivery(Outcome.SENT, sent)

    def _attempts(self, call: Callable[[], object], what: str) -> Delivery:
        """Up to `attempts` tries of one request under one retry key. A retry at once is safe (the
        key makes a repeat 409) and helps against a lost connection or a passing 5xx; the quota and
        the rate limit are not helped by asking again at once, so those go back to the caller."""
        delivery = Delivery(Outcome.RETRY, reason="not tried")
        uncertain = False
        for attempt in range(1, self.attempts + 1):
            delivery = _once(call)
            uncertain = uncertain or delivery.uncertain
            if delivery.outcome is not Outcome.RETRY or delivery.reason in (QUOTA_EXHAUSTED, RATE_LIMITED):
                break
            log.warning("LINE %s not delivered (attempt %d): %s", what, attempt, delivery.reason)
        if delivery.outcome is Outcome.RETRY and uncertain and not delivery.uncertain:
            delivery = Delivery(Outcome.RETRY, 0, delivery.retry_after, delivery.reason, True)
        return delivery


def _once(call: Callable[[], object]) -> Delivery:
    try:
        call()
        return Delivery(Outcome.SENT, 1)
    except ApiException as exc:
        return outcome_of(exc)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        # A request that surely never reached LINE (no connection) is not uncertain.
        return Delivery(Outcome.RETRY, reason=short_error(exc), uncertain=not never_sent(exc))


def outcome_of(exc: ApiException) -> Delivery:
    """What LINE's error answer to a push or multicast means."""
    status = exc.status or 0
    body = error_body(exc)
    if status == 409:  # an earlier request with this retry key was accepted: delivered
        return Delivery(Outcome.SENT, 1)
    if status == 429:
        if "monthly limit" in body.lower():
            log.error("LINE's monthly message quota is used up: pushes wait for next month")
            return Delivery(Outcome.RETRY, reason=QUOTA_EXHAUSTED)
        retry_after = (exc.headers or {}).get("Retry-After")
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
        return Delivery(Outcome.RETRY, retry_after=seconds, reason=RATE_LIMITED)
    if status >= 500:  # LINE: the request may have been processed all the same
        return Delivery(Outcome.RETRY, reason=f"LINE answered {status}", uncertain=True)
    log.error("LINE refused a push (%s): %s", status, body)
    return Delivery(Outcome.REFUSED, reason=f"{status}: {body[:120]}")
