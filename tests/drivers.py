"""One way to talk to the bot in tests, whatever the channel: a `ChatDriver`.

A driver is one person on one channel. It sends what a person sends (`say` a text, `press` a
button's data, `tap` a button by its label) and reads the bot's last answer in the app's own neutral
terms: `replies` as `Message`s (text, `handlers.base.Button`s, and a card's title and rows where the
channel shows them), `buttons()`, and `text`, everything readable. `user` is the external user id as
the bot sees it, `channel` the channel's name in the database.

The drivers:
- `SimulatorChat` (here): the simulator's JSON API.
- `tests.fakes.line_webhook.LineUser`: signed webhooks into the app, answers read from a fake LINE.
- `tests.fakes.telegram_updates.TelegramPerson`: webhook updates, answers read from a fake Bot API.
- `CoreChat` (here): the core itself, as a channel's webhook hands it events (no HTTP, no renderer).

Each keeps its channel's extras (LINE's follow, Telegram's contact sharing, ...) and the raw messages
of the last answer in `last`, for tests of what is channel-specific.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from handlers.base import Button, Card, Incoming, Reply, Row, reply_from_dict

CHANNELS = ("simulator", "line", "telegram")


@dataclass(frozen=True)
class Message:
    """One message of an answer as the person sees it.

    `title` is a card's title where the channel shows one, `rows` its label/value rows where the
    channel keeps them apart (the simulator and LINE; Telegram shows a card as lines of text).
    A card's `text` is its title, its rows as "label: value" lines and its footer, on every channel.
    """

    text: str
    buttons: tuple[Button, ...] = ()
    title: str | None = None
    rows: tuple[Row, ...] = ()

    @property
    def is_card(self) -> bool:
        return self.title is not None


def from_reply(reply: Reply) -> Message:
    """A neutral handler reply (`Text` or `Card`) as the person reads it."""
    if isinstance(reply, Card):
        return Message(reply.text, tuple(reply.buttons), reply.title, tuple(reply.rows))
    return Message(reply.text, tuple(reply.buttons))


class ChatDriver(ABC):
    """A person on one channel. Subclasses send and parse; finding buttons and text is shared."""

    channel: str
    user: str

    @abstractmethod
    def say(self, text: str) -> list[Message]:
        """Send a text; the bot's answer."""

    @abstractmethod
    def press(self, data: str) -> list[Message]:
        """Press a button carrying `data` (it need not be in the last answer: an old button)."""

    @property
    @abstractmethod
    def replies(self) -> list[Message]:
        """The bot's last answer."""

    def buttons(self) -> list[Button]:
        """Every button in the last answer, in order."""
        return [b for message in self.replies for b in message.buttons]

    def _tappable(self) -> Iterable[tuple[str, Button]]:
        """(text to match, button): what a person reads on each button."""
        return ((b.label, b) for b in self.buttons())

    def labels(self) -> list[str]:
        """What a person reads on the buttons of the last answer."""
        return [label for label, _ in self._tappable()]

    def tap(self, label_part: str) -> list[Message]:
        """Press the first button whose label contains `label_part`."""
        for label, button in self._tappable():
            if label_part in label:
                return self.press(button.data)
        raise AssertionError(f"no button {label_part!r} in {[b.label for b in self.buttons()]}")

    @property
    def text(self) -> str:
        """Everything readable in the last answer."""
        return "\n".join(message.text for message in self.replies)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.channel}:{self.user}>"


class SimulatorChat(ChatDriver):
    """A person on the simulator channel, through its JSON API; `last` is the JSON replies."""

    channel = "simulator"

    def __init__(self, client, user: str) -> None:
        self.client = client
        self.user = user
        self.last: list[dict[str, Any]] = []

    def _post(self, body: dict) -> list[Message]:
        response = self.client.post("/simulator/api/messages", json={"user": self.user, **body})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.last = response.get_json()["replies"]
        assert self.last, "the bot must always answer"
        return self.replies

    def say(self, text: str) -> list[Message]:
        return self._post({"text": text})

    def press(self, data: str) -> list[Message]:
        return self._post({"postback": data})

    @property
    def replies(self) -> list[Message]:
        return [from_reply(reply_from_dict(reply)) for reply in self.last]


class CoreChat(ChatDriver):
    """A person on any channel as the core sees them: events straight into `core.handle`, the
    neutral replies back (`last`). For what is the same on every channel without a fake platform."""

    def __init__(self, app, user: str, channel: str = "telegram", in_group: bool = False) -> None:
        self.core = app.extensions["kongtun"]
        self.user, self.channel, self.in_group = user, channel, in_group
        self.last: list[Reply] = []

    def _send(self, **kw: Any) -> list[Message]:
        self.last = self.core.handle(Incoming(channel=self.channel, user_id=self.user,
                                              event_id=str(uuid.uuid4()), in_group=self.in_group, **kw))
        assert self.last
        return self.replies

    def say(self, text: str) -> list[Message]:
        return self._send(text=text)

    def press(self, data: str) -> list[Message]:
        return self._send(postback=data)

    def share_contact(self, phone: str) -> list[Message]:
        return self._send(contact_phone=phone)

    @property
    def replies(self) -> list[Message]:
        return [from_reply(reply) for reply in self.last]
