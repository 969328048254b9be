"""One router for every channel: button data first, then the open dialog, then free text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

from domain.thai import normalize_text
from handlers.base import Context, Incoming, Reply, Route
from handlers.intents import CANCEL_WORDS, MENU_WORDS, detect_intent


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

    def dispatch(self, incoming: Incoming, ctx: Context) -> list[Reply]:
        text = normalize_text(incoming.text or "")
        if incoming.postback:
            route = self.route_for_postback(incoming.postback)
            if route is None:
                return self._intent("unknown", incoming, ctx)
            # A button from another feature leaves the dialog, as a tap on the menu would.
            # The cancel button is the exception: it must see the dialog it is cancelling.
            is_cancel = route is self.intents.get("cancel")
            if ctx.state_name and not is_cancel and not _keeps(route, ctx.state_name):
                ctx.clear_state()
            return route.func(incoming, ctx)

        if text and (text in CANCEL_WORDS or re.fullmatch(r"/?cancel", text)):
            return self._intent("cancel", incoming, ctx)
        if incoming.foreign_contact:  # refused the same way in a dialog or out of one; it stays open
            return self._intent("foreign_contact", incoming, ctx)
        if ctx.state_name:
            if text in MENU_WORDS:
                ctx.clear_state()
                return self._intent("menu", incoming, ctx)
            route = self.states.get(ctx.state_name)
            if route is not None:
                return route.func(incoming, ctx)
            ctx.clear_state()  # a state no handler knows any more (after an upgrade)
        if incoming.contact_phone and not text:
            return self._intent("unknown", incoming, ctx)
        return self._intent(detect_intent(text) if text else "unknown", incoming, ctx)

    def claims(self, data: str) -> bool:
        """Whether a handler answers this button data (menus, tiles and commands are checked)."""
        return self.route_for_postback(data) is not None

    def _intent(self, intent: str, incoming: Incoming, ctx: Context) -> list[Reply]:
        route = self.intents.get(intent) or self.intents["unknown"]
        return route.func(incoming, ctx)


def _keeps(route: Route, state: str) -> bool:
    """Whether pressing a button of `route` keeps the dialog in `state` open."""
    if state in route.states:
        return True
    return route.dialog is not None and state.startswith(route.dialog + ".")
