"""Every date and time a member sees is in the fund's time zone (KONGTUN_TIMEZONE), never UTC's:
consent in "my data", times of pushed messages in the simulator, and "today" for imports."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.app import create_app
from bot.imports import _local_today
from handlers.base import Text
from tests.factories import link_chat, make_fund, make_member


def _consent(channel_db, driver, at: datetime) -> None:
    with channel_db() as s, s.begin():
        member = make_member(s, make_fund(s))
        member.consent_at = at
        member.consent_version = "2026-11"
        link_chat(s, driver.user, member, channel=driver.channel)


def test_consent_given_early_in_the_bangkok_morning_shows_that_day(driver, channel_db):
    # 04:36 on 2 December in Bangkok is still 1 December in UTC.
    _consent(channel_db, driver, datetime(2026, 12, 2, 4, 36, tzinfo=ZoneInfo("Asia/Bangkok")))
    driver.press("mydata")
    assert "2 ธันวาคม 2569" in driver.text and "1 ธันวาคม 2569" not in driver.text


def test_another_fund_time_zone_is_followed(config, clean_db, clock):
    app = create_app(dataclasses.replace(config, timezone="America/Los_Angeles"), clock=clock)
    core = app.extensions["kongtun"]
    with core.Session() as s, s.begin():
        member = make_member(s, make_fund(s))
        member.consent_at = datetime(2026, 12, 2, 4, 36, tzinfo=UTC)  # 20:36 on 1 December there
        link_chat(s, "U-la", member)
    client = app.test_client()
    body = client.post("/simulator/api/messages", json={"user": "U-la", "postback": "mydata"}).get_json()
    text = "\n".join(reply["text"] for reply in body["replies"])
    assert "1 ธันวาคม 2569" in text
    core.engine.dispose()


def test_the_simulator_inbox_gives_times_in_the_fund_time_zone(app, client, clock):
    clock.now = datetime(2026, 12, 1, 21, 36, tzinfo=UTC)  # 04:36 on 2 December in Bangkok
    assert app.extensions["simulator"].deliver("inbox-user", [Text("สวัสดีค่ะ")], "k1").ok
    body = client.get("/simulator/api/inbox?user=inbox-user").get_json()
    assert body["time_zone"] == "Asia/Bangkok"
    assert body["messages"][0]["sent_at"].startswith("2026-12-02T04:36")
    page = client.get("/").get_data(as_text=True)
    assert "timeZone: data.time_zone" in page


def test_imports_take_today_in_the_configured_time_zone(monkeypatch):
    monkeypatch.setenv("KONGTUN_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: always a day ahead of UTC
    ahead = _local_today()
    monkeypatch.setenv("KONGTUN_TIMEZONE", "Pacific/Pago_Pago")  # UTC-11
    behind = _local_today()
    assert (ahead - behind).days in (1, 2) and isinstance(ahead, date)
