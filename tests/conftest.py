"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL), the app,
and a chat driver that talks through the simulator channel like a person would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.config import Config
from models import Base, make_engine, make_sessionmaker
from models.migrate import upgrade
from tests.drivers import SimulatorChat

BANGKOK = ZoneInfo("Asia/Bangkok")
SECRET = "test-secret-key"
SHARED = Path(__file__).resolve().parents[2] / "shared"


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


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def chat(client) -> SimulatorChat:
    return SimulatorChat(client, "U-test-1")


@pytest.fixture
def new_chat(client):
    def make(user: str) -> SimulatorChat:
        return SimulatorChat(client, user)

    return make
