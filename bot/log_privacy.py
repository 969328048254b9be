"""Nothing secret or personal in the logs: one filter on every handler, masking what looks like a
Thai national ID, a Thai phone number or a bot token, in the message, its arguments and any traceback.

`configure_logging()` is called at every entry point (the app factory, the `kongtun` command line):
it sets up the root handler if there is none, installs the filter on every handler there is (once
each), and keeps `httpx`/`httpcore`, which log each Bot API URL with the token in it, at WARNING.

The filter formats the record first (message with its arguments, the exception's traceback, the
stack), then masks the text and leaves the record holding only the masked text: whatever formats it
afterwards sees no argument and no exception object to format again.
"""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# httpx/httpcore: each Bot API URL has the token in it. alembic.runtime.plugins: a line per plugin
# on every start, which tells an operator nothing.
QUIET_LOGGERS = ("httpx", "httpcore", "alembic.runtime.plugins")

_SEP = r"[-\s]?"
# 13 digits, bare or in the 1-4-5-2-1 groups of a printed ID (dashes or spaces). \d is any decimal
# digit, Thai and full-width ones included.
NATIONAL_ID = re.compile(rf"(?<!\d)\d{_SEP}\d{{4}}{_SEP}\d{{5}}{_SEP}\d{{2}}{_SEP}\d(?!\d)")
# 0X-XXXX-XXXX, 0X-XXX-XXXX, +66 X XXXX XXXX, 66XXXXXXXXX, +66 (0) 8X…: 8 or 9 digits after the prefix.
_PHONE_PREFIX = rf"(?:\+\s?66{_SEP}(?:\(0\){_SEP})?|(?<!\+)66{_SEP}|0)"
PHONE = re.compile(rf"(?<![\d.]){_PHONE_PREFIX}[1-9](?:{_SEP}\d){{7,8}}(?!\d)")
# Telegram: https://api.telegram.org/bot123456:AA…/sendMessage, or the token on its own.
BOT_TOKEN = re.compile(r"(?<![A-Za-z0-9])(bot)?(\d{4,15})(:|%3A)[A-Za-z0-9_-]{20,}")
BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)

NATIONAL_ID_MASK = "<national-id>"
PHONE_MASK = "<phone>"


def mask(text: str) -> str:
    """`text` with every national ID, phone number and token replaced by a placeholder."""
    text = BOT_TOKEN.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}{m.group(3)}***", text)
    text = BEARER.sub(r"\1***", text)
    text = NATIONAL_ID.sub(NATIONAL_ID_MASK, text)
    return PHONE.sub(PHONE_MASK, text)


class PrivacyFilter(logging.Filter):
    """Masks each record once, whichever handler sees it first; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "kongtun_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: keep what can be kept
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info:
            record.exc_text = self._formatter.formatException(record.exc_info)
            record.exc_info = None  # formatted and masked below: nothing left to format raw
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record.kongtun_masked = True
        return True


_FILTER = PrivacyFilter()


def install(*loggers: logging.Logger) -> None:
    """The filter on every handler of the root logger and of `loggers` (and of any logger that has
    its own handlers, such as gunicorn's), once each."""
    targets = [logging.getLogger(), *loggers]
    targets += [logger for logger in logging.Logger.manager.loggerDict.values()
                if isinstance(logger, logging.Logger) and logger.handlers]
    for logger in targets:
        for handler in logger.handlers:
            if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
                handler.addFilter(_FILTER)
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)


def configure_logging(level: int = logging.INFO) -> None:
    """Logging for an entry point: a root handler if there is none yet, then `install()`."""
    logging.basicConfig(level=level, format=FORMAT)
    install()
