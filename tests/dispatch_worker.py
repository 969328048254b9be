"""A dispatcher in a process of its own, delivering LINE rows with the real `LineSender`, for the
test that kills one with SIGKILL mid-batch (`tests/test_dispatch_sigkill.py`).

    python -m tests.dispatch_worker DATABASE_URL LINE_API_URL START OWNER

START (ISO, with a zone) is the moment its clock starts at: the restarted dispatcher starts past
the killed one's lease instead of waiting for it.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels.line import LineSender
from bot.channels.line_client import LineClient
from bot.config import Config
from models import make_engine, make_sessionmaker
from scheduler.clock import StartingAt
from scheduler.dispatcher import DeliverySettings, Dispatcher
from tests.fakes.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET

LEASE_SECONDS = 120.0
BATCH = 4  # small batches: the kill lands with rows claimed, some sent, some not


def main(database_url: str, api_url: str, start: str, owner: str) -> None:
    config = Config.from_env(env={"KONGTUN_SECRET_KEY": "worker", "DATABASE_URL": database_url,
                                  "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
                                  "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": api_url})
    engine = make_engine(database_url)
    client = LineClient(config)
    settings = DeliverySettings(tz=ZoneInfo("Asia/Bangkok"), quiet_hours=None, line_quota_reserve="0",
                                line_rate=1000.0, lease_seconds=LEASE_SECONDS, batch_size=BATCH)
    dispatcher = Dispatcher(make_sessionmaker(engine), {"line": LineSender(client)}, settings,
                            clock=StartingAt(datetime.fromisoformat(start)), owner=owner)
    print(json.dumps(dispatcher.deliver().as_dict()), flush=True)
    client.close()
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:5])
