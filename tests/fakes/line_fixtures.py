"""Fixtures for the LINE tests: the fake LINE server, the app pointed at it, a LINE member.

Test modules load them with `pytest_plugins = ["tests.fakes.line_fixtures"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import create_app
from bot.config import Config
from tests.conftest import SECRET
from tests.fakes.line_server import FakeLine
from tests.fakes.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET, LineUser


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    with FakeLine(token=ACCESS_TOKEN, channel_secret=CHANNEL_SECRET) as fake:
        yield fake
        assert not fake.errors, "LINE would have refused requests:\n" + "\n".join(fake.errors)


def line_config(database_url: str, api_url: str) -> Config:
    return Config.from_env(env={
        "KONGTUN_SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": api_url,
    })


@pytest.fixture
def line_app(database_url: str, clean_db, clock, fake_line: FakeLine):
    app = create_app(line_config(database_url, fake_line.url), clock=clock)
    app.testing = True
    yield app
    app.extensions["line"].client.close()
    app.extensions["kongtun"].engine.dispose()


@pytest.fixture
def line_client(line_app):
    return line_app.test_client()


@pytest.fixture
def line_user(line_client, fake_line) -> LineUser:
    return LineUser(line_client, fake_line)
