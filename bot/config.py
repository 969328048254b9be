"""Configuration from the environment (the operator contract in the README)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_SQLITE_FILE = "kongtun.db"  # in the working folder, when DATABASE_URL is not set
DEV_SECRET_KEY = "kongtun-development-key-do-not-use-in-production"


@dataclass(frozen=True)
class Config:
    database_url: str
    secret_key: str
    timezone: str = "Asia/Bangkok"
    simulator: bool = False
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base_url: str = "https://api.line.me"
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    port: int = 8000
    dialog_timeout_minutes: int = 30
    quiet_hours: str = "21:00-08:00"  # local time; nothing is pushed inside it
    line_quota_reserve: str = "10%"  # units (or a share of the month's quota) kept for urgent notices
    telegram_rate: float = 25.0  # messages per second, all dispatchers together
    line_rate: float = 100.0  # LINE push/multicast requests per second, all dispatchers together

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Config:
        env = dict(os.environ if env is None else env)
        secret = env.get("KONGTUN_SECRET_KEY")
        if not secret:
            if env.get("KONGTUN_ENV", "").lower() == "production":
                raise RuntimeError("KONGTUN_SECRET_KEY must be set in production")
            log.warning("KONGTUN_SECRET_KEY is not set: using the development key")
            secret = DEV_SECRET_KEY
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_FILE}",
            "secret_key": secret,
            "timezone": env.get("KONGTUN_TIMEZONE") or "Asia/Bangkok",
            "simulator": env.get("KONGTUN_SIMULATOR", "") in ("1", "true", "yes", "on"),
            "line_channel_secret": env.get("LINE_CHANNEL_SECRET") or None,
            "line_channel_access_token": env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
            "line_api_base_url": (env.get("LINE_API_BASE_URL") or "https://api.line.me").rstrip("/"),
            "telegram_bot_token": env.get("TELEGRAM_BOT_TOKEN") or None,
            "telegram_webhook_secret": env.get("TELEGRAM_WEBHOOK_SECRET") or None,
            "telegram_api_base_url": (
                env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org"
            ).rstrip("/"),
            "port": int(env.get("PORT") or 8000),
            "quiet_hours": env.get("KONGTUN_QUIET_HOURS", "21:00-08:00").strip(),
            "line_quota_reserve": env.get("LINE_QUOTA_RESERVE", "10%").strip() or "10%",
            "telegram_rate": _positive(env, "TELEGRAM_RATE", 25.0),
            "line_rate": _positive(env, "LINE_RATE", 100.0),
        }
        values.update(overrides)
        _check_delivery(str(values["quiet_hours"]), str(values["line_quota_reserve"]))
        return cls(**values)  # type: ignore[arg-type]


def _positive(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a number of messages per second, not {raw!r}") from None
    if value <= 0:
        raise RuntimeError(f"{name} must be more than 0")
    return value


def _check_delivery(quiet_hours: str, reserve: str) -> None:
    """A mistyped delivery setting stops the process at start, not silently at the first send."""
    from scheduler.clock import QuietHours
    from scheduler.quota import reserve_units

    try:
        QuietHours.parse(quiet_hours)
        reserve_units(reserve, 300)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
