"""One event loop and one initialised `telegram.Bot` per process, for Flask's synchronous threads.

python-telegram-bot is asyncio-based; Flask (and gunicorn's sync or threaded workers) is not.
A Bot holds an httpx.AsyncClient whose connections belong to the event loop that opened them, so
`asyncio.run(...)` per request with a shared bot fails on the second request ("Event loop is
closed"), and a new Bot per request would pay getMe and a TLS handshake on every update.
So each process runs one event loop in a daemon thread and one Bot initialised on it (getMe once,
the username cached for group commands); request threads hand it coroutines with
`run_coroutine_threadsafe(...).result(timeout)`. The loop is started lazily, on the first update
a worker receives, which is after gunicorn forks; a process that finds a runtime made by its
parent (another pid) starts its own. `close()` (also at exit) shuts the bot's HTTP clients down
and stops the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from telegram import Bot

log = logging.getLogger(__name__)

STARTUP_TIMEOUT = 20.0  # seconds for getMe when the process's bot starts
CALL_TIMEOUT = 15.0  # one Bot API call (answerCallbackQuery)

T = TypeVar("T")


class BotRuntime:
    """An event loop in a daemon thread with one initialised `telegram.Bot` on it."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, name="telegram-loop", daemon=True)
        self._closed = False
        self.bot: Bot | None = None

    @classmethod
    def start(cls, token: str, api_base_url: str, timeout: float = STARTUP_TIMEOUT) -> BotRuntime:
        runtime = cls()
        runtime._thread.start()
        try:
            runtime.bot = runtime.run(_open_bot(token, api_base_url), timeout)
        except BaseException:
            runtime._stop_loop()
            raise
        atexit.register(runtime.close)
        return runtime

    @property
    def username(self) -> str:
        assert self.bot is not None
        return self.bot.username

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coro` on the bot's loop and wait for its result (from any other thread)."""
        if self._closed or not self._thread.is_alive():
            coro.close()
            raise RuntimeError("the Telegram runtime is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        if self._closed or self.pid != os.getpid():
            return  # already closed, or inherited through fork: the loop thread is not ours
        try:
            if self.bot is not None:
                self.run(self.bot.shutdown(), CALL_TIMEOUT)
        except Exception:  # noqa: BLE001 - closing is best effort
            log.warning("Telegram bot did not shut down cleanly", exc_info=True)
        finally:
            self._closed = True
            self._stop_loop()
            atexit.unregister(self.close)

    def _run_loop(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def _stop_loop(self) -> None:
        self._closed = True
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        elif not self._loop.is_closed():
            self._loop.close()


def make_bot(token: str, api_base_url: str) -> Bot:
    """A Bot for `TELEGRAM_API_BASE_URL` (the library appends `<token>` to `<base>/bot`)."""
    return Bot(token, base_url=f"{api_base_url.rstrip('/')}/bot")


async def _open_bot(token: str, api_base_url: str) -> Bot:
    bot = make_bot(token, api_base_url)
    try:
        await bot.initialize()  # getMe: checks the token, caches the username
    except BaseException:
        await bot.shutdown()
        raise
    return bot
