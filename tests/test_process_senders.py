"""`bot.senders.open_senders`: the senders of the processes without a web app (the clock, workers,
`kongtun jobs run`, the demo), built from the configuration, each delivering to its fake platform."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.config import Config
from bot.senders import open_senders
from messaging.sender import Delivery, Outcome, Sender
from messaging.values import Text
from models import SimulatorMessage, make_sessionmaker
from scheduler.clock import ManualClock
from tests.conftest import SECRET
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import ACCESS_TOKEN
from tests.fakes.telegram_api import TOKEN

BANGKOK = ZoneInfo("Asia/Bangkok")
REMINDER = [Text("แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ยอด 30 บาทค่ะ")]


def test_every_configured_channel_has_a_sender(database_url, clean_db, engine, fake_line, fake_telegram):
    config = Config.from_env(env={
        "KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url, "KONGTUN_SIMULATOR": "1",
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": fake_line.url,
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake_telegram.url,
    })  # no channel secret nor webhook secret: sending needs neither
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK))
    Session = make_sessionmaker(engine)
    user = wh.user_id()
    with open_senders(config, Session, clock=clock) as senders:
        assert set(senders) == {"line", "telegram", "simulator"}
        assert all(isinstance(s, Sender) and s.channel == name for name, s in senders.items())
        assert senders["line"].deliver(user, REMINDER, "dues:1:2026-12:1") == Delivery(Outcome.SENT, 1)
        assert senders["telegram"].deliver("42", REMINDER, "dues:2:2026-12:1") == Delivery(Outcome.SENT, 1)
        assert senders["simulator"].deliver("sim-1", REMINDER, "dues:3:2026-12:1").ok
    (push,) = fake_line.calls("pushMessage")
    assert push.json["to"] == user and "ธันวาคม 2569" in push.json["messages"][0]["text"]
    assert [m["chat_id"] for m in fake_telegram.sent()] == [42]
    with Session() as session:
        inbox = session.scalars(select(SimulatorMessage)).one()
    assert inbox.external_user_id == "sim-1" and inbox.delivered_at == clock()  # dated by the clock


def test_no_channel_configured_means_no_sender_but_the_demo_always_has_the_simulator(config, engine):
    plain = dataclasses.replace(config, simulator=False)
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=BANGKOK))
    with open_senders(plain, make_sessionmaker(engine), clock=clock) as senders:
        assert senders == {}
    with open_senders(plain, make_sessionmaker(engine), clock=clock, simulator=True) as senders:
        assert set(senders) == {"simulator"}
