"""A fake LINE Platform on a loopback port: the Messaging API as the SDK sees it.

Every request is checked against `tests/specs/line-messaging-api.yml` (the operation exists, the
JSON body matches the request schema, message types resolved through their discriminators) and
against LINE's documented limits that the schema does not carry (text length, labels, alt text,
bubble size, rich menu sizes: `line_limits`). A request that breaks a rule is answered 400 as LINE
would, and the problem is kept in `errors`: the test fixtures fail a test that leaves any.

State kept like LINE keeps it: a reply token is single-use; pushes and multicasts with their retry
keys, the monthly quota and what each person received (`line_delivery`, with a seeded chaos mode);
rich menus and their images, the default rich menu, the menus linked to users (`line_richmenus`);
the webhook endpoint (whose test call really posts a signed empty event list to it). Tests script
failures with `fail_next`.

Also used by the benchmark (`bench/line_bench.py`), with `validate=False` for raw speed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.line_delivery import Deliveries
from tests.fakes.line_http import Handler as _Handler
from tests.fakes.line_http import Server as _Server
from tests.fakes.line_limits import LimitChecker
from tests.fakes.line_richmenus import RichMenus

SPECS = Path(__file__).resolve().parents[1] / "specs"  # tests/specs
MESSAGING_SPEC = SPECS / "line-messaging-api.yml"


def line_signature(secret: str, body: bytes) -> str:
    """X-Line-Signature: base64(HMAC-SHA256(channel secret, body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Recorded:
    method: str
    path: str
    operation: str | None
    headers: dict[str, str]
    body: bytes
    json: Any
    status: int = 0
    errors: list[str] = field(default_factory=list)
    client: tuple[str, int] | None = None


class FakeLine(Deliveries, RichMenus):
    """Start with `with FakeLine(token=...) as fake:`; point the SDK at `fake.url`."""

    def __init__(self, token: str = "test-access-token", *, validate: bool = True,
                 channel_secret: str | None = None, latency: float = 0.0,
                 tls: tuple[str, str] | None = None, rtt: float = 0.0) -> None:
        """`tls`: (certificate, key) PEM files to serve HTTPS, as LINE's API only speaks HTTPS.
        `rtt`: a simulated network round trip in seconds: one per request, and one per new
        connection for TCP's handshake (two with TLS 1.3's), the way a distant API costs."""
        self.token = token
        self.tls = tls
        self.rtt = rtt
        self.validate = validate
        self.channel_secret = channel_secret
        self.latency = latency
        self.requests: list[Recorded] = []
        self.errors: list[str] = []
        self.profiles: dict[str, dict] = {}
        self.used_reply_tokens: set[str] = set()
        self.richmenus: dict[str, dict] = {}
        self.richmenu_images: dict[str, tuple[str, bytes]] = {}
        self.default_richmenu: str | None = None
        self.user_richmenus: dict[str, str] = {}
        self.webhook_endpoint: str | None = None
        self.counts: dict[str, int] = defaultdict(int)
        self._failures: dict[str, deque[tuple[int, dict]]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._late: dict[str, deque[float]] = defaultdict(deque)
        self._in_flight = 0
        self._idle = threading.Condition()
        self._lock = threading.Lock()
        self._api = None
        self._limits = LimitChecker()
        self._init_deliveries()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeLine:
        if self.validate:
            from tests.fakes.openapi import load

            self._api = load(MESSAGING_SPEC)
        fake = self

        class Handler(_Handler):
            owner = fake
            tls_context = None

        if self.tls:
            import ssl

            Handler.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            Handler.tls_context.load_cert_chain(*self.tls)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="fake-line",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    # --- scripting -------------------------------------------------------------------------------
    def fail_next(self, operation: str, status: int, message: str = "", times: int = 1) -> None:
        """Answer the next `times` calls of an operation (e.g. "replyMessage") with an error."""
        body = {"message": message or {400: "Invalid reply token", 500: "Internal server error",
                                       429: "Too many requests"}.get(status, "error")}
        with self._lock:
            for _ in range(times):
                self._failures[operation].append((status, body))

    def delay(self, operation: str, seconds: float) -> None:
        """Every call of `operation` waits `seconds` before LINE acts on it."""
        self._delays[operation] = seconds

    def answer_late(self, operation: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `operation` take effect at once (a reply is delivered and its
        token used) but their answer comes `seconds` later: a client that gave up before then
        cannot know the request went through."""
        with self._lock:
            self._late[operation].extend([seconds] * times)

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every request received has been answered (late ones included)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout):
                raise AssertionError("the fake LINE is still answering requests")

    def add_profile(self, user_id: str, display_name: str, language: str = "th") -> None:
        self.profiles[user_id] = {"userId": user_id, "displayName": display_name, "language": language}

    # --- what was received -----------------------------------------------------------------------
    def calls(self, operation: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.operation == operation]

    def sent(self, operation: str = "replyMessage") -> list[list[dict]]:
        """Message arrays of the successful calls of an operation (reply or push)."""
        return [r.json["messages"] for r in self.calls(operation) if r.status == 200]

    def connections(self) -> set[tuple[str, int]]:
        with self._lock:
            return {r.client for r in self.requests if r.client}

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.counts.clear()

    # --- request handling --------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes,
               client: tuple[str, int]) -> tuple[int, dict[str, str], bytes]:
        path_only = path.split("?", 1)[0]
        rec = Recorded(method, path_only, None, headers, body, None, client=client)
        with self._idle:
            self._in_flight += 1
        try:
            status, extra_headers, payload = self._dispatch(rec)
            rec.status = status
            with self._lock:
                self.requests.append(rec)
                if rec.operation:
                    self.counts[rec.operation] += 1
                if rec.errors:
                    self.errors.extend(f"{method} {path_only}: {e}" for e in rec.errors)
                late = self._late[rec.operation].popleft() if self._late.get(rec.operation) else 0.0
            time.sleep(late)  # done and recorded; only the answer waits
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()
        if isinstance(payload, bytes):
            return status, extra_headers, payload
        return status, {"Content-Type": "application/json", **extra_headers}, json.dumps(payload).encode()

    def _dispatch(self, rec: Recorded) -> tuple[int, dict[str, str], Any]:
        found = self._operation(rec)
        if found is None:
            rec.errors.append("no such operation in the Messaging API")
            return 404, {}, {"message": "Not found"}
        template, op_id, op = found
        rec.operation = op_id
        if rec.headers.get("authorization") != f"Bearer {self.token}":
            rec.errors.append("missing or wrong channel access token")
            return 401, {}, {"message": "Authentication failed"}
        problems = self._check_body(rec, op)
        if problems:
            rec.errors.extend(problems)
            return 400, {}, {"message": "The request body has errors",
                             "details": [{"message": p} for p in problems]}
        if op_id in self._delays:
            time.sleep(self._delays[op_id])
        elif self.latency or self.rtt:
            time.sleep(self.latency + self.rtt)
        with self._lock:
            failure = self._failures[op_id].popleft() if self._failures[op_id] else None
        if failure:
            return failure[0], {}, failure[1]
        method = getattr(self, f"op_{op_id}", None)
        if method is None:
            return 200, {}, {}
        return method(rec, template)

    def _operation(self, rec: Recorded) -> tuple[str, str, dict] | None:
        if self._api is not None:
            found = self._api.operation(rec.method, rec.path)
            if found is None:
                return None
            template, op = found
            return template, op["operationId"], op
        for method, pattern, op_id in _FAST_ROUTES:
            if rec.method == method and re.fullmatch(pattern, rec.path):
                return pattern, op_id, {}
        return None

    def _check_body(self, rec: Recorded, op: dict) -> list[str]:
        content_type = rec.headers.get("content-type", "")
        if self._api is None:
            if content_type.startswith("application/json") and rec.body:
                rec.json = json.loads(rec.body)
            return []
        request = self._api.request_schema(op)
        required = op.get("requestBody", {}).get("required", False)
        if request is None:
            return []
        media, schema = request
        if media == "application/json":
            if not rec.body:
                return ["a JSON body is required"] if required else []
            if not content_type.startswith("application/json"):
                return [f"Content-Type {content_type!r}, expected application/json"]
            try:
                rec.json = json.loads(rec.body)
            except ValueError as exc:
                return [f"body is not JSON: {exc}"]
            problems = self._api.errors(schema, rec.json)
            if isinstance(rec.json, dict):
                problems += self._limits.messages(rec.json.get("messages"))
                if op["operationId"] == "createRichMenu":
                    problems += self._limits.richmenu(rec.json)
            return problems
        if required and not rec.body:
            return ["a body is required"]
        return []

    # --- operations --------------------------------------------------------------------------------
    def _sent(self, messages: list) -> dict:
        return {"sentMessages": [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex}
                                 for _ in messages]}

    def op_replyMessage(self, rec: Recorded, _t: str):
        token = rec.json["replyToken"]
        with self._lock:
            if token in self.used_reply_tokens:
                return 400, {}, {"message": "Invalid reply token"}
            self.used_reply_tokens.add(token)
        return 200, {}, self._sent(rec.json["messages"])

    def op_getProfile(self, rec: Recorded, _t: str):
        user_id = rec.path.rsplit("/", 1)[1]
        profile = self.profiles.get(user_id)
        if profile is None:
            return 404, {}, {"message": "Not found"}
        return 200, {}, profile

    def op_setWebhookEndpoint(self, rec: Recorded, _t: str):
        self.webhook_endpoint = rec.json["endpoint"]
        return 200, {}, {}

    def op_getWebhookEndpoint(self, rec: Recorded, _t: str):
        if self.webhook_endpoint is None:
            return 404, {}, {"message": "Not found"}
        return 200, {}, {"endpoint": self.webhook_endpoint, "active": True}

    def op_testWebhookEndpoint(self, rec: Recorded, _t: str):
        endpoint = (rec.json or {}).get("endpoint") or self.webhook_endpoint
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        if not endpoint:
            return 400, {}, {"message": "The webhook URL is not set"}
        body = json.dumps({"destination": "U" + "0" * 32, "events": []}).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "LineBotWebhook/2.0"}
        if self.channel_secret:
            headers["X-Line-Signature"] = line_signature(self.channel_secret, body)
        request = urllib.request.Request(endpoint, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status, reason = response.status, response.reason
        except urllib.error.HTTPError as exc:
            status, reason = exc.code, exc.reason
            exc.close()
        except OSError as exc:
            return 200, {}, {"success": False, "timestamp": now, "statusCode": 0,
                             "reason": "COULD_NOT_CONNECT", "detail": str(exc)}
        return 200, {}, {"success": status == 200, "timestamp": now, "statusCode": status,
                         "reason": "OK" if status == 200 else "ERROR", "detail": f"{status} {reason}"}


# Without the spec (benchmark mode), only what the bots call.
_FAST_ROUTES = [
    ("POST", r"/v2/bot/message/reply", "replyMessage"),
    ("POST", r"/v2/bot/message/push", "pushMessage"),
    ("POST", r"/v2/bot/message/multicast", "multicast"),
    ("GET", r"/v2/bot/message/quota", "getMessageQuota"),
    ("GET", r"/v2/bot/message/quota/consumption", "getMessageQuotaConsumption"),
    ("GET", r"/v2/bot/profile/[^/]+", "getProfile"),
]
