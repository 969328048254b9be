"""Button data is named once (`handlers.buttons`) and every place that presses a button uses a name
some handler claims: the menus, the LINE rich menu's tiles, Telegram's commands and deep links."""

from __future__ import annotations

import pytest

from bot.channels.line_richmenu import TILES
from bot.channels.telegram_classify import COMMAND_POSTBACKS, DEEP_LINKS, MENU_COMMANDS
from handlers import MODULES
from handlers import buttons as B
from handlers.router import Router

ROUTER = Router(MODULES)
NAMED = {name: value for name, value in vars(B).items() if name.isupper() and isinstance(value, str)}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_every_named_button_is_claimed_by_a_handler(name):
    data = NAMED[name]
    # A prefix ("fund:show:") is pressed with a value after it.
    assert ROUTER.claims(data + "x" if data.endswith(":") else data), f"{name} = {data!r} is not claimed"


def test_data_is_short_ascii_for_telegram():
    for name, data in NAMED.items():
        assert data.isascii() and len(data.encode()) <= 40, name


@pytest.mark.parametrize("tile", TILES, ids=lambda t: t.data)
def test_every_rich_menu_tile_presses_a_claimed_button(tile):
    assert tile.data in NAMED.values() and ROUTER.claims(tile.data)


def test_every_telegram_command_and_deep_link_presses_a_claimed_button():
    assert set(MENU_COMMANDS) <= set(COMMAND_POSTBACKS)
    for command, data in COMMAND_POSTBACKS.items():
        assert ROUTER.claims(data), command
    for data in DEEP_LINKS:
        assert ROUTER.claims(data), data


def test_entry_points_are_buttons_a_person_can_press_anytime():
    assert set(B.ENTRY_POINTS) <= set(NAMED.values())
    assert all(ROUTER.claims(data) for data in B.ENTRY_POINTS)


def test_an_unknown_button_is_not_claimed():
    assert not ROUTER.claims("no-such-button")
