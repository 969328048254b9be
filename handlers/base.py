"""What a handler works with: the event's context, and how a handler claims what it answers.

Handlers are plain functions `(incoming, ctx) -> list[Reply]`. They never import a platform SDK;
the values they take and return (`Incoming`, `Text`, `Card`, ...) come from `messaging.values`,
re-exported here so a handler needs one import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from locales import translate
from messaging.values import (
    Button,
    Card,
    Incoming,
    Reply,
    Row,
    Text,
    reply_from_dict,
    reply_to_dict,
)
from models import ChatAccount, DialogState, Member

__all__ = [
    "Button", "Card", "Context", "HandlerFunc", "Incoming", "Reply", "Route", "Row", "Text",
    "handles", "reply_from_dict", "reply_to_dict",
]


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
    """What a handler claims: button data (exact or `prefix:`), intents from free text, states.

    `dialog` names the dialog whose buttons these are (the prefix of its state names, e.g. "reg"):
    pressing one keeps that dialog open, where a button of another feature would leave it.
    """

    func: HandlerFunc
    postbacks: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    dialog: str | None = None


def handles(
    *, postbacks: tuple[str, ...] = (), intents: tuple[str, ...] = (), states: tuple[str, ...] = (),
    dialog: str | None = None,
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Tags a handler; `handlers.router.Router` collects the tags and refuses double claims."""

    def tag(func: HandlerFunc) -> HandlerFunc:
        func.__kongtun_route__ = Route(func, postbacks, intents, states, dialog)  # type: ignore[attr-defined]
        return func

    return tag
