"""The senders of the processes without a web app (the clock, workers, `kongtun jobs run`, the
demo's in-process scheduler): one `messaging.sender.Sender` per channel, built from the Config.

The web app has its own (`bot.app.senders`), made from the channels it serves; these are the same
classes over their own clients, so a clock process opens its own connections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from bot.config import Config
from messaging.sender import Sender


@contextmanager
def open_senders(config: Config, session_factory: sessionmaker, *, clock: Callable[[], datetime],
                 simulator: bool | None = None) -> Iterator[dict[str, Sender]]:
    """The senders by channel name, closed (their HTTP clients, Telegram's event loop) afterwards.

    LINE when its access token is set, Telegram when its bot token is set (sending needs no
    webhook secret), and the simulator's inbox when `simulator` says so, by default when
    KONGTUN_SIMULATOR is on. The simulator's inbox is dated by `clock`, so `--at` dates it too.
    """
    found: dict[str, Sender] = {}
    closers: list[Callable[[], None]] = []
    try:
        if config.line_channel_access_token:
            from bot.channels.line_client import LineClient
            from bot.channels.line_sender import LineSender

            client = LineClient(config)
            closers.append(client.close)
            found["line"] = LineSender(client)
        if config.telegram_bot_token:
            from bot.channels.telegram import BotRuntimeSource, TelegramSender

            runtime = BotRuntimeSource(config)
            closers.append(runtime.close)
            found["telegram"] = TelegramSender(runtime)
        if config.simulator if simulator is None else simulator:
            from bot.channels.simulator import SimulatorSender

            found["simulator"] = SimulatorSender(session_factory=session_factory, clock=clock)
        yield found
    finally:
        for close in reversed(closers):
            close()
