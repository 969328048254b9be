"""The LINE Messaging API client: one per process, made after gunicorn forks, short timeouts.

Messages are carried as the JSON `line_render` made; the SDK's request models wrap them without
validating them again (the tests validate every request against LINE's OpenAPI description).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
)

from bot.channels.line_render import JSON
from bot.config import Config

# (connect, read) seconds. LINE wants the webhook answered within about 2 s.
REPLY_TIMEOUT = (1.0, 2.0)
PUSH_TIMEOUT = (1.0, 3.0)
PROFILE_TIMEOUT = (0.5, 0.8)
QUOTA_TIMEOUT = (1.0, 3.0)  # read before each delivery batch; a slow answer only delays it
ADMIN_TIMEOUT = (5.0, 30.0)


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
        if isinstance(obj, ReplyMessageRequest | PushMessageRequest | MulticastRequest):
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


def multicast_request(to: list[str], messages: list[JSON]) -> MulticastRequest:
    return MulticastRequest.construct(to=to, messages=messages)


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


def error_body(exc: ApiException) -> str:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return (body or str(exc.reason or ""))[:300]


def short_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def never_sent(exc: BaseException) -> bool:
    """True when a transport failure happened before the request could reach LINE (no
    connection); after a read timeout or a dropped connection, LINE may have acted on it."""
    reason = getattr(exc, "reason", None)  # urllib3's MaxRetryError carries the cause
    for cause in (exc, reason):
        if isinstance(cause, urllib3.exceptions.ConnectTimeoutError | ConnectionRefusedError):
            return True  # NewConnectionError (refused, no route, no DNS) is a ConnectTimeoutError
    return False
