"""The scheduler's clock and quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import Config
from scheduler.clock import ManualClock, QuietHours, StartingAt

BKK = ZoneInfo("Asia/Bangkok")


def local(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BKK)


def test_quiet_hours_span_midnight():
    quiet = QuietHours.parse("21:00-08:00")
    assert quiet is not None
    assert quiet.contains(local(21)) and quiet.contains(local(23, 59)) and quiet.contains(local(7, 59))
    assert not quiet.contains(local(8)) and not quiet.contains(local(20, 59))
    assert quiet.ends_after(local(22)) == local(8, day=2)
    assert quiet.ends_after(local(6)) == local(8)
    assert quiet.ends_after(local(12)) == local(12)


def test_quiet_hours_within_one_day_and_off():
    quiet = QuietHours.parse("12:00-13:00")
    assert quiet is not None and quiet.contains(local(12, 30)) and not quiet.contains(local(13))
    assert QuietHours.parse("off") is None and QuietHours.parse("") is None
    with pytest.raises(ValueError, match="21:00-08:00"):
        QuietHours.parse("nine to five")


def test_a_clock_started_at_a_moment_runs_on_from_it():
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    clock = StartingAt(start)
    first, second = clock(), clock()
    assert start <= first <= second
    assert (second - start).total_seconds() < 5
    with pytest.raises(ValueError):
        StartingAt(datetime(2026, 12, 1, 9, 0))


def test_a_manual_clock_sleeps_by_moving():
    clock = ManualClock(local(9))
    clock.sleep(90)
    assert clock() == local(9, 1).replace(second=30)


def test_delivery_settings_come_from_the_environment():
    config = Config.from_env({"KONGTUN_SECRET_KEY": "k", "KONGTUN_QUIET_HOURS": "22:00-07:00",
                              "LINE_QUOTA_RESERVE": "20", "TELEGRAM_RATE": "10"})
    assert (config.quiet_hours, config.line_quota_reserve, config.telegram_rate) == (
        "22:00-07:00", "20", 10.0)
    defaults = Config.from_env({"KONGTUN_SECRET_KEY": "k"})
    assert (defaults.quiet_hours, defaults.line_quota_reserve, defaults.telegram_rate) == (
        "21:00-08:00", "10%", 25.0)
    with pytest.raises(RuntimeError, match="TELEGRAM_RATE"):
        Config.from_env({"KONGTUN_SECRET_KEY": "k", "TELEGRAM_RATE": "fast"})
    with pytest.raises(RuntimeError, match="more than 0"):
        Config.from_env({"KONGTUN_SECRET_KEY": "k", "TELEGRAM_RATE": "0"})
    with pytest.raises(RuntimeError, match="KONGTUN_QUIET_HOURS"):
        Config.from_env({"KONGTUN_SECRET_KEY": "k", "KONGTUN_QUIET_HOURS": "9pm"})
    with pytest.raises(RuntimeError, match="LINE_QUOTA_RESERVE"):
        Config.from_env({"KONGTUN_SECRET_KEY": "k", "LINE_QUOTA_RESERVE": "ten"})
    assert Config.from_env({"KONGTUN_SECRET_KEY": "k", "KONGTUN_QUIET_HOURS": "off"}).quiet_hours == "off"
