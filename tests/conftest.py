"""Every fixture the tests share, defined once.

- A real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL), emptied for each test; a clock.
- The simulator channel: `app`, `client`, and `chat` / `new_chat`, people on it.
- LINE: `fake_line` (a fake LINE Platform), `line_app` pointed at it, `line_client`, `line_user`,
  `line_member` (a member linked to `line_user`).
- Telegram: `fake_telegram` (a fake Bot API), `tg_app`, `tg_client`, `updates`, `tg_person`, `somying`.
- Any channel: `driver` is a new person (a `tests.drivers.ChatDriver`) on the simulator, LINE and
  Telegram in turn; `new_driver()` makes more; `channel_app` / `channel_db` are that channel's app
  and its Session. A test taking `driver` runs once per channel.

A test fails if the bot made a call LINE or Telegram would refuse (see the fakes).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.channels.telegram import close_app
from bot.config import Config
from models import Base, make_engine, make_sessionmaker
from models.migrate import upgrade
from tests.drivers import CHANNELS, ChatDriver, SimulatorChat
from tests.fakes.line_server import FakeLine
from tests.fakes.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET, LineUser
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.fakes.telegram_spec import TelegramSpec
from tests.fakes.telegram_updates import WEBHOOK_SECRET, TelegramPerson, Updates

pytest_plugins = ["tests.jobs_fixtures", "tests.dispatch_fixtures", "tests.line_delivery_fixtures",
                  "tests.committee_fixtures"]

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
                # A row pointing at another of its table (a reversal at the payment it reverses)
                # goes first: SQLite checks each deleted row's references at once.
                for fk in table.foreign_keys:
                    if fk.column.table is table:
                        conn.execute(table.delete().where(fk.parent.isnot(None)))
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


@pytest.fixture
def db(app):
    """The app's sessionmaker: a test reads and writes the database the app serves from."""
    return app.extensions["kongtun"].Session


@pytest.fixture
def roster(db):
    """Three districts, four funds; Somsri is an active member of Pa Khlok (tests.registration).
    Modules about linking override it with their roster that has a committee too."""
    from tests.registration import build_roster  # imports this module: not at the top

    return build_roster(db)


@pytest.fixture
def phoneless(db, roster):
    """A member of the roster with no phone on file: a link to her waits for the committee."""
    from tests.linking import add_phoneless

    return add_phoneless(db, roster)


@pytest.fixture
def run(database_url, clean_db):
    """`kongtun ARGS...` against the test database, as an operator runs it."""
    from click.testing import CliRunner

    from bot.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        env = {"DATABASE_URL": database_url, "KONGTUN_SECRET_KEY": SECRET}
        return runner.invoke(main, list(args), env=env)

    return invoke


# --- the simulator ---------------------------------------------------------------------------------

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


# --- LINE --------------------------------------------------------------------------------------------

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


@pytest.fixture
def line_member(line_app, line_user):
    """สมชาย, an active member of a fund, linked to `line_user` in LINE."""
    from tests.factories import link_chat, make_fund, make_member  # they need this module's constants

    with line_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
        somchai = make_member(s, fund, months_paid=24, joined_on=date(2020, 1, 10))
        link_chat(s, line_user.user, somchai, channel="line")
    return somchai


# --- Telegram ----------------------------------------------------------------------------------------
# The bot's event loop is shut down after every test: with `filterwarnings = error`, a leaked client
# or coroutine would fail the run.

_TELEGRAM_SPEC = TelegramSpec()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(spec=_TELEGRAM_SPEC).start()
    yield fake
    fake.stop()
    assert not fake.errors, "calls that break the Bot API spec:\n" + "\n".join(fake.errors)


@pytest.fixture
def tg_config(config: Config, fake_telegram: FakeTelegram) -> Config:
    return dataclasses.replace(config, telegram_bot_token=TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
                               telegram_api_base_url=fake_telegram.url)


@pytest.fixture
def tg_app(tg_config: Config, clean_db, clock):
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
    return Updates(_TELEGRAM_SPEC)


@pytest.fixture
def tg_person(tg_client, fake_telegram, updates) -> Callable[..., TelegramPerson]:
    def make(user_id: int = 5_012_345_678, first_name: str = "สมหญิง") -> TelegramPerson:
        return TelegramPerson(tg_client, fake_telegram, updates, WEBHOOK_SECRET, user_id, first_name)

    return make


@pytest.fixture
def somying(tg_person) -> TelegramPerson:
    return tg_person()


# --- any channel ---------------------------------------------------------------------------------------

CHANNEL_APPS = {"simulator": "app", "line": "line_app", "telegram": "tg_app"}


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def channel_app(request: pytest.FixtureRequest, channel: str):
    """The app that serves `channel` (each channel's fixtures build their own, on the one database)."""
    return request.getfixturevalue(CHANNEL_APPS[channel])


@pytest.fixture
def channel_db(channel_app):
    """The Session of the app the drivers talk to."""
    return channel_app.extensions["kongtun"].Session


@pytest.fixture
def new_driver(request: pytest.FixtureRequest, channel: str, channel_app) -> Callable[[], ChatDriver]:
    """Makes a new person on `channel` at each call."""
    serial = count(1)
    if channel == "simulator":
        client = request.getfixturevalue("client")
        return lambda: SimulatorChat(client, f"U-sim-{next(serial)}")
    if channel == "line":
        line_client, fake = request.getfixturevalue("line_client"), request.getfixturevalue("fake_line")
        return lambda: LineUser(line_client, fake)
    person = request.getfixturevalue("tg_person")
    return lambda: person(6_000_000_000 + next(serial), "สมศรี")


@pytest.fixture
def driver(new_driver: Callable[[], ChatDriver]) -> ChatDriver:
    """A new person on the simulator, LINE or Telegram: a test taking it runs on each."""
    return new_driver()
