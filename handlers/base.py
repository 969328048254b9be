"""The neutral vocabulary between channels and handlers: what came in, what goes out, context.

Handlers are plain functions `(incoming, ctx) -> list[Reply]`. They never import a platform SDK;
each channel renders these values in its own way and falls back to plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from locales import translate
from models import ChatAccount, DialogState, Member


@dataclass(frozen=True)
class Incoming:
    channel: str  # line | telegram | simulator
    user_id: str
    text: str | None = None
    postback: str | None = None  # short ASCII button data, e.g. "acct" or "reg:fund:PKT-CITY"
    contact_phone: str | None = None  # a phone the user shared as their own (Telegram contact)
    event_id: str | None = None
    display_name: str | None = None
    in_group: bool = False  # never show personal data where others can read it


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Text:
    text: str
    buttons: tuple[Button, ...] = ()
    # Ask for the user's own phone number with a share button where the platform has one
    # (Telegram's contact keyboard); other channels show the text and buttons as usual.
    request_contact: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Card:
    """A titled block of label/value rows; `text` is the same content as plain text."""

    title: str
    rows: tuple[Row, ...]
    footer: str | None = None
    buttons: tuple[Button, ...] = ()
    alt_text: str | None = None  # a one-line summary, e.g. for a chat list preview

    @property
    def text(self) -> str:
        lines = [self.title, *(f"{r.label}: {r.value}" if r.label else r.value for r in self.rows)]
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)


Reply = Text | Card


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """The simulator's JSON shape, also used to store pushed messages in the outbox."""
    data: dict[str, Any] = {
        "text": reply.text,
        "buttons": [{"label": b.label, "postback": b.data} for b in reply.buttons],
    }
    if isinstance(reply, Card):
        data["card"] = {
            "title": reply.title,
            "rows": [{"label": r.label, "value": r.value} for r in reply.rows],
            "footer": reply.footer,
        }
        data["alt_text"] = reply.alt_text or reply.title
    return data


def reply_from_dict(data: dict[str, Any]) -> Reply:
    buttons = tuple(Button(b["label"], b["postback"]) for b in data.get("buttons", []))
    card = data.get("card")
    if card:
        return Card(
            title=card["title"],
            rows=tuple(Row(r["label"], r["value"]) for r in card["rows"]),
            footer=card.get("footer"),
            buttons=buttons,
            alt_text=data.get("alt_text"),
        )
    return Text(data["text"], buttons)


@dataclass
class Context:
    session: Session
    account: ChatAccount
    now: datetime  # aware, in the fund's time zone
    state: DialogState | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def member(self) -> Member | None:
        return self.account.member

    @property
    def locale(self) -> str:
        return self.account.locale

    @property
    def today(self) -> date:
        return self.now.date()

    def t(self, key: str, /, **fields: object) -> str:
        return translate(self.locale, key, **fields)

    def button(self, key: str, data: str) -> Button:
        return Button(self.t(key), data)

    # Dialog state: one row per (channel, user); any worker can continue the conversation.
    def set_state(self, name: str, data: dict[str, Any] | None = None) -> None:
        if self.state is None:
            self.state = DialogState(
                channel=self.account.channel, external_user_id=self.account.external_user_id
            )
            self.session.add(self.state)
        self.state.state = name
        self.state.data = dict(data or {})
        self.state.updated_at = self.now

    def clear_state(self) -> None:
        if self.state is not None:
            self.session.delete(self.state)
            self.state = None

    @property
    def state_name(self) -> str | None:
        return self.state.state if self.state else None

    @property
    def state_data(self) -> dict[str, Any]:
        return dict(self.state.data or {}) if self.state else {}


HandlerFunc = Callable[[Incoming, Context], list[Reply]]


@dataclass(frozen=True)
class Route:
    """What a handler claims: button data (exact or `prefix:`), intents from free text, states."""

    func: HandlerFunc
    postbacks: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    states: tuple[str, ...] = ()


def handles(
    *, postbacks: tuple[str, ...] = (), intents: tuple[str, ...] = (), states: tuple[str, ...] = ()
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Tags a handler; `handlers.router.Router` collects the tags and refuses double claims."""

    def tag(func: HandlerFunc) -> HandlerFunc:
        func.__kongtun_route__ = Route(func, postbacks, intents, states)  # type: ignore[attr-defined]
        return func

    return tag
