"""Raw posts to each POST route as its sender makes them: LINE signed with the channel secret,
Telegram with the webhook secret header, the simulator as JSON. For tests of bodies, not of chats.

`Route.post(body)` sends the bytes with a Content-Length; `Route.post(body, chunked=True)` sends them
chunked (no Content-Length), as gunicorn hands such a body to the app (`wsgi.input_terminated`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import CHANNEL_SECRET
from tests.fakes.telegram_updates import SECRET_HEADER, WEBHOOK_SECRET

ROUTES = ("line", "telegram", "simulator")
PATHS = {"line": "/webhooks/line", "telegram": "/webhooks/telegram", "simulator": "/simulator/api/messages"}


@dataclass
class Route:
    name: str
    app: object
    client: object

    @property
    def path(self) -> str:
        return PATHS[self.name]

    def headers(self, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.name == "line":
            headers["X-Line-Signature"] = wh.sign(CHANNEL_SECRET, body)
        elif self.name == "telegram":
            headers[SECRET_HEADER] = WEBHOOK_SECRET
        return headers

    def post(self, body: bytes, *, chunked: bool = False):
        headers = self.headers(body)
        if not chunked:
            return self.client.post(self.path, data=body, headers=headers)
        return self.client.post(self.path, input_stream=io.BytesIO(body),
                                headers={**headers, "Transfer-Encoding": "chunked"},
                                environ_overrides={"wsgi.input_terminated": True})

    def wrap(self, value: bytes) -> bytes:
        """A body of this route's own shape carrying `value` (JSON) in an extra field."""
        if self.name == "line":
            return b'{"destination":"U' + b"f" * 32 + b'","events":[],"x":' + value + b"}"
        if self.name == "telegram":
            return b'{"update_id":734000001,"x":' + value + b"}"
        return b'{"user":"U-bodies","text":"hi","x":' + value + b"}"


def route_for(request: pytest.FixtureRequest, name: str) -> Route:
    app = request.getfixturevalue({"line": "line_app", "telegram": "tg_app", "simulator": "app"}[name])
    return Route(name, app, app.test_client())
