"""Fixtures for the Telegram tests: the fake Bot API, an app pointed at it, people on Telegram.

Test modules import the fixtures they use by name (`from tests.fakes.telegram_fixtures import ...`).
A test fails if any call the bot made broke the spec, and the bot's event loop is shut down after
every test (with `filterwarnings = error`, a leaked client or coroutine would fail the run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from bot.app import create_app
from bot.channels.telegram import close_app
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.fakes.telegram_spec import TelegramSpec
from tests.fakes.telegram_updates import TelegramPerson, Updates

WEBHOOK_SECRET = "kongtun-tg-secret_4f9a2c"
_SPEC = TelegramSpec()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(spec=_SPEC).start()
    yield fake
    fake.stop()
    assert not fake.errors, "calls that break the Bot API spec:\n" + "\n".join(fake.errors)


@pytest.fixture
def tg_config(config, fake_telegram: FakeTelegram):
    return dataclasses.replace(config, telegram_bot_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                               telegram_api_base_url=fake_telegram.url)


@pytest.fixture
def tg_app(tg_config, clean_db, clock):
    app = create_app(tg_config, clock=clock)
    app.testing = True
    yield app
    close_app(app)
    app.extensions["kongtun"].engine.dispose()


@pytest.fixture
def tg_client(tg_app):
    return tg_app.test_client()


@pytest.fixture
def updates() -> Updates:
    return Updates(_SPEC)


@pytest.fixture
def tg_person(tg_client, fake_telegram, updates) -> Callable[..., TelegramPerson]:
    def make(user_id: int = 5_012_345_678, first_name: str = "สมหญิง") -> TelegramPerson:
        return TelegramPerson(tg_client, fake_telegram, updates, WEBHOOK_SECRET, user_id, first_name)

    return make


@pytest.fixture
def somying(tg_person) -> TelegramPerson:
    return tg_person()
