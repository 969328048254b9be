"""A fake Telegram Bot API on a loopback port: `POST /bot<token>/<method>`.

Answers what the bot uses (getMe, sendMessage, answerCallbackQuery, setWebhook, getWebhookInfo,
deleteWebhook, setMyCommands, getMyCommands, deleteMyCommands) as Telegram does, with
`{"ok": true, "result": ...}`. Every call, form-encoded as python-telegram-bot sends it or JSON, is
checked against `tests/specs/telegram-bot-api.json` (see `telegram_spec`): a call that breaks a
rule is answered 400 as Telegram would and kept in `errors`, and the fixtures fail the test.
Failures are scripted with `fail_next` (403 blocked, 429 retry_after, ...).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.telegram_spec import TelegramSpec, check_html

TOKEN = "123456789:AAF-kongtun-test-token_0123456789ab"
BOT_ID = 123456789
BOT_USERNAME = "KongtunTestBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "น้องกองทุน", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the bot opens many connections at once; the default backlog is 5

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up waiting (the bot's time-outs) closed the socket: nothing to report.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    method: str
    error_code: int
    description: str
    retry_after: int | None = None
    after: int = 0  # calls of the method that succeed first


class FakeTelegram:
    def __init__(self, token: str = TOKEN, spec: TelegramSpec | None = None) -> None:
        self.token = token
        self.spec = spec or TelegramSpec()
        self.calls: list[Call] = []
        self.errors: list[str] = []
        self.webhook: dict[str, Any] = {"url": "", "allowed_updates": None, "secret_token": None}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._failures: deque[Failure] = deque()
        self._late: dict[str, float] = {}
        self._message_ids = iter(range(1000, 10**9))
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-telegram",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(timeout=5)
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- scripting and reading -------------------------------------------------------------------

    def fail_next(self, method: str, error_code: int, description: str,
                  retry_after: int | None = None, times: int = 1, after: int = 0) -> None:
        """The next `times` calls of `method` (once `after` more have succeeded) fail."""
        for _ in range(times):
            self._failures.append(Failure(method, error_code, description, retry_after, after))

    def answer_late(self, method: str, seconds: float) -> None:
        """Calls of `method` take effect at once but are answered `seconds` later."""
        self._late[method] = seconds

    def block_next_send(self) -> None:
        self.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    def flood_next_send(self, retry_after: int) -> None:
        self.fail_next("sendMessage", 429, f"Too Many Requests: retry after {retry_after}",
                       retry_after=retry_after)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [p for p in self.calls_to("sendMessage") if chat_id is None or p["chat_id"] == chat_id]

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        with self._lock:
            return list(self.calls[mark:])

    # --- the API ---------------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        path = urllib.parse.urlsplit(http.path).path
        prefix = f"/bot{self.token}/"
        if not path.startswith("/bot"):
            return self._reply(http, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if not path.startswith(prefix):
            return self._reply(http, 401, {"ok": False, "error_code": 401,
                                           "description": "Unauthorized"})
        method = path[len(prefix):]
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        params, errors = self._parse(method, http.headers.get("Content-Type", ""), body)
        if http.command != "POST":
            errors.append(f"{method}: sent with {http.command}, python-telegram-bot posts")
        errors += self.spec.check_call(method, params)
        with self._lock:
            self.calls.append(Call(method, params))
            self.errors += errors
            failure = next((f for f in self._failures if f.method == method), None)
            if failure is not None and not errors and failure.after:
                failure.after -= 1
                failure = None
            elif failure is not None and not errors:
                self._failures.remove(failure)
        if errors:
            return self._reply(http, 400, {"ok": False, "error_code": 400,
                                           "description": "Bad Request: " + "; ".join(errors)})
        if failure is not None:
            answer: dict[str, Any] = {"ok": False, "error_code": failure.error_code,
                                      "description": failure.description}
            if failure.retry_after is not None:
                answer["parameters"] = {"retry_after": failure.retry_after}
            return self._reply(http, failure.error_code, answer)
        try:
            result = self._result(method, params)
        except NotImplementedError:
            with self._lock:
                self.errors.append(f"{method}: the fake does not answer this method")
            return self._reply(http, 501, {"ok": False, "error_code": 501,
                                           "description": f"{method} is not faked"})
        problems = self.spec.check_result(method, result)
        if problems:
            with self._lock:
                self.errors += [f"fake's own answer: {p}" for p in problems]
        time.sleep(self._late.get(method, 0.0))
        return self._reply(http, 200, {"ok": True, "result": result})

    def _parse(self, method: str, content_type: str, body: bytes) -> tuple[dict[str, Any], list[str]]:
        if not body:
            return {}, []
        if content_type.startswith("application/json"):
            try:
                data = json.loads(body)
            except ValueError:
                return {}, [f"{method}: body is not JSON"]
            return (data, []) if isinstance(data, dict) else ({}, [f"{method}: body is not an object"])
        if content_type.startswith("application/x-www-form-urlencoded"):
            pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            form = dict(pairs)
            errors = [] if len(form) == len(pairs) else [f"{method}: a parameter is repeated"]
            params, problems = self.spec.coerce_form(method, form)
            return params, errors + problems
        return {}, [f"{method}: unexpected Content-Type {content_type!r}"]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return dict(BOT_USER)
        if method == "sendMessage":
            chat_id = params["chat_id"]
            shown = params["text"]
            if params.get("parse_mode") == "HTML":
                shown, _ = check_html(shown)
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "from": dict(BOT_USER),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if isinstance(chat_id, int) and chat_id > 0
                         else "group", **({"first_name": "x"} if isinstance(chat_id, int)
                                          and chat_id > 0 else {"title": "กลุ่ม"})},
                "text": shown,
            }
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            return message
        if method == "answerCallbackQuery":
            return True
        if method == "setWebhook":
            with self._lock:
                self.webhook = {"url": params["url"], "allowed_updates": params.get("allowed_updates"),
                                "secret_token": params.get("secret_token")}
            return True
        if method == "deleteWebhook":
            with self._lock:
                self.webhook = {"url": "", "allowed_updates": None, "secret_token": None}
            return True
        if method == "getWebhookInfo":
            info: dict[str, Any] = {"url": self.webhook["url"], "has_custom_certificate": False,
                                    "pending_update_count": 0}
            if self.webhook["allowed_updates"] is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
            return info
        if method in ("setMyCommands", "getMyCommands", "deleteMyCommands"):
            key = (json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True),
                   params.get("language_code") or "")
            with self._lock:
                if method == "setMyCommands":
                    self.commands[key] = params["commands"]
                    return True
                if method == "deleteMyCommands":
                    self.commands.pop(key, None)
                    return True
                return list(self.commands.get(key, []))
        raise NotImplementedError(method)

    @staticmethod
    def _reply(http: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(body)))
        http.end_headers()
        http.wfile.write(body)
