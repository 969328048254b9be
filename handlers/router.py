"""One router for every channel: button data first, then the open dialog, then free text.

A feature used in the middle of a dialog (a menu button, "เมนู" typed) is answered. A dialog that
can wait, by claiming the intent `waiting:<dialog>` (registration does), stays open underneath and
the answer ends with that handler's note on how to go back to it; any other dialog ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

from domain.thai import normalize_text
from domain.understanding import UNKNOWN, UNSURE, Understood
from handlers.base import Context, Incoming, Reply, Route
from handlers.intents import CANCEL_WORDS, MENU_WORDS, said, understand_text

WAITING = "waiting:"  # + a dialog's name: the intent of the note that the dialog is waiting
UNDERSTOOD = "understood"  # ctx.extras key: the `Understood` of the free text being answered


class RouteConflict(Exception):
    pass


class Router:
    def __init__(self, modules: Iterable[ModuleType]) -> None:
        self.postbacks: dict[str, Route] = {}
        self.prefixes: dict[str, Route] = {}
        self.intents: dict[str, Route] = {}
        self.states: dict[str, Route] = {}
        for module in modules:
            for value in vars(module).values():
                route = getattr(value, "__kongtun_route__", None)
                if isinstance(route, Route) and getattr(value, "__module__", None) == module.__name__:
                    self._add(route)

    def _claim(self, table: dict[str, Route], key: str, route: Route) -> None:
        if key in table and table[key].func is not route.func:
            raise RouteConflict(f"{key!r} is claimed by {table[key].func.__qualname__} "
                                f"and {route.func.__qualname__}")
        table[key] = route

    def _add(self, route: Route) -> None:
        for data in route.postbacks:
            table = self.prefixes if data.endswith(":") else self.postbacks
            self._claim(table, data, route)
        for intent in route.intents:
            self._claim(self.intents, intent, route)
        for state in route.states:
            self._claim(self.states, state, route)

    def route_for_postback(self, data: str) -> Route | None:
        if data in self.postbacks:
            return self.postbacks[data]
        best = max((p for p in self.prefixes if data.startswith(p)), key=len, default=None)
        return self.prefixes[best] if best else None

    def answers(self, intent: str) -> bool:
        """Whether a handler answers a feature of free text."""
        return intent in self.intents

    def dispatch(self, incoming: Incoming, ctx: Context) -> list[Reply]:
        text = normalize_text(incoming.text or "")
        if incoming.postback:
            route = self.route_for_postback(incoming.postback)
            if route is None:
                return self._intent("unknown", incoming, ctx)
            # A button from another feature is answered aside from the dialog; the cancel button
            # must see the dialog it is cancelling.
            is_cancel = route is self.intents.get("cancel")
            if ctx.state_name and not is_cancel and not _keeps(route, ctx.state_name):
                return self._aside(route, incoming, ctx)
            return route.func(incoming, ctx)

        words = said(text)
        if text and (words in CANCEL_WORDS or re.fullmatch(r"/?cancel", words)):
            return self._intent("cancel", incoming, ctx)
        if incoming.foreign_contact:  # refused the same way in a dialog or out of one; it stays open
            return self._intent("foreign_contact", incoming, ctx)
        if ctx.state_name:
            if words in MENU_WORDS:
                return self._aside(self.intents["menu"], incoming, ctx)
            route = self.states.get(ctx.state_name)
            if route is not None:
                return route.func(incoming, ctx)
            ctx.clear_state()  # a state no handler knows any more (after an upgrade)
        if incoming.contact_phone and not text:
            return self._intent("unknown", incoming, ctx)
        understood = self.understand(incoming, text, ctx)
        ctx.extras[UNDERSTOOD] = understood
        return self._intent(understood.intent, incoming, ctx)

    def understand(self, incoming: Incoming, text: str, ctx: Context) -> Understood:
        """What free text (or a sticker) asks for; a choice no handler answers is not offered."""
        if not text:
            return Understood("smalltalk", "sticker") if incoming.sticker else Understood(UNKNOWN)
        understood = understand_text(text, ctx)
        if understood.intent != UNSURE:
            return understood
        choices = tuple(c for c in understood.choices if self.answers(c.partition(":")[0]))
        if len(choices) == 2:
            return understood
        if not choices:
            return Understood(UNKNOWN)
        intent, _, detail = choices[0].partition(":")
        return Understood(intent, detail or None, (), understood.score)

    def claims(self, data: str) -> bool:
        """Whether a handler answers this button data (menus, tiles and commands are checked)."""
        return self.route_for_postback(data) is not None

    def _aside(self, route: Route, incoming: Incoming, ctx: Context) -> list[Reply]:
        """Answer `route` in the middle of the open dialog: it waits underneath if it can."""
        state = ctx.state_name
        assert state is not None
        waiting = self.intents.get(WAITING + state.split(".", 1)[0])
        if waiting is None:
            ctx.clear_state()
            return route.func(incoming, ctx)
        replies = route.func(incoming, ctx)
        if ctx.state_name != state:  # the feature ended the dialog or began another one
            return replies
        return [*replies, *waiting.func(incoming, ctx)]

    def _intent(self, intent: str, incoming: Incoming, ctx: Context) -> list[Reply]:
        route = self.intents.get(intent) or self.intents["unknown"]
        return route.func(incoming, ctx)


def _keeps(route: Route, state: str) -> bool:
    """Whether pressing a button of `route` keeps the dialog in `state` open."""
    if state in route.states:
        return True
    return route.dialog is not None and state.startswith(route.dialog + ".")
