"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL), the app,
and a chat driver that talks through the simulator channel like a person would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.config import Config
from models import Base, make_engine, make_sessionmaker
from models.migrate import upgrade

BANGKOK = ZoneInfo("Asia/Bangkok")
SECRET = "test-secret-key"


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory)
    engine = make_engine(url)
    with engine.begin() as conn:  # start from an empty schema, then migrate as an operator would
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clean_db(engine) -> Iterator[None]:
    """Every test starts with empty tables (the schema stays)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    yield


@pytest.fixture
def fresh_db(tmp_path):
    """A sessionmaker on an empty, migrated SQLite database of the test's own, apart from the
    session's test database (which may be PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def session(engine, clean_db):
    with make_sessionmaker(engine)() as session:
        yield session


class Clock:
    """A settable clock for the app: tests choose 'now'."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 29, 10, 0, tzinfo=BANGKOK))


@pytest.fixture
def config(database_url: str) -> Config:
    return Config.from_env(env={"KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url},
                           simulator=True)


@pytest.fixture
def app(config: Config, clean_db, clock: Clock):
    app = create_app(config, clock=clock)
    app.testing = True
    yield app
    app.extensions["kongtun"].engine.dispose()


class Chat:
    """A person on the simulator channel: sends text or presses buttons, reads replies."""

    def __init__(self, client, user: str) -> None:
        self.client = client
        self.user = user
        self.last: list[dict] = []

    def _post(self, body: dict) -> list[dict]:
        response = self.client.post("/simulator/api/messages", json={"user": self.user, **body})
        assert response.status_code == 200, response.get_data(as_text=True)
        self.last = response.get_json()["replies"]
        assert self.last, "the bot must always answer"
        return self.last

    def say(self, text: str) -> list[dict]:
        return self._post({"text": text})

    def press(self, postback: str) -> list[dict]:
        return self._post({"postback": postback})

    def tap(self, label_part: str) -> list[dict]:
        """Press the button whose label contains `label_part` in the last replies."""
        for button in self.buttons():
            if label_part in button["label"]:
                return self.press(button["postback"])
        raise AssertionError(f"no button {label_part!r} in {[b['label'] for b in self.buttons()]}")

    def buttons(self) -> list[dict]:
        return [b for reply in self.last for b in reply["buttons"]]

    @property
    def text(self) -> str:
        return "\n".join(reply["text"] for reply in self.last)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def chat(client) -> Chat:
    return Chat(client, "U-test-1")


@pytest.fixture
def new_chat(client):
    def make(user: str) -> Chat:
        return Chat(client, user)

    return make
