"""Nothing secret or personal in the logs: each way it reached them, provoked, then the captured
log searched. The bot token (Bot API URLs), statement parameters of a failed insert, national IDs
and phone numbers in messages, arguments and tracebacks, on every handler, from every entry point."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date

import pytest

from bot.log_privacy import PrivacyFilter, configure_logging, mask
from messaging.values import Incoming
from tests.factories import make_fund, make_member
from tests.fakes import line_webhook as wh
from tests.fakes.telegram_api import TOKEN

TOKEN_SECRET = TOKEN.split(":", 1)[1]
NATIONAL_IDS = ["1234567890121", "1-2345-67890-12-1", "1 2345 67890 12 1", "๑๒๓๔๕๖๗๘๙๐๑๒๑"]
PHONES = ["0812345678", "081-234-5678", "08-1234-5678", "02-123-4567", "+66812345678", "+66 81 234 5678",
          "66812345678", "+66 (0) 81 234 5678"]
SOMSRI = {"first_name": "สมศรี", "last_name": "มีสุข", "birth_date": date(1967, 1, 15),
          "phone": "+66812345678"}
PERSONAL = ["สมศรี", "มีสุข", "1967-01-15", "+66812345678", "812345678"]


def everything(caplog) -> str:
    """All that was captured, as each handler would write it, and each record's own fields."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), str(record.args), str(record.exc_text), str(record.stack_info)]
    return "\n".join(parts)


# --- the bot token --------------------------------------------------------------------------------

def test_bot_api_calls_at_debug_level_never_log_the_token(somying, updates, caplog):
    caplog.set_level(logging.DEBUG)
    somying.post(updates.message(somying.from_user, text="/menu"))
    assert somying.last  # the Bot API was called: getMe, sendMessage
    assert TOKEN_SECRET not in everything(caplog)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING


def test_even_with_httpx_at_debug_the_token_is_masked(somying, updates, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    somying.post(updates.message(somying.from_user, text="/menu"))
    logged = everything(caplog)
    assert "/bot123456789:***/sendMessage" in logged  # httpx logged the URL, masked
    assert TOKEN_SECRET not in logged


# --- statement parameters ---------------------------------------------------------------------------

def test_a_failed_member_insert_logs_no_name_phone_or_birth_date(app, monkeypatch, caplog):
    core = app.extensions["kongtun"]
    with core.Session() as s, s.begin():
        make_fund(s, "PAKHLOK")

    def insert_twice(incoming, ctx):
        fund = make_fund(ctx.session, "PATONG")
        for _ in range(2):  # the same member number twice: an IntegrityError with the row's values
            make_member(ctx.session, fund, member_no="00042", **SOMSRI)  # not in the traceback's lines

    monkeypatch.setattr(core.router, "dispatch", insert_twice)
    replies = core.handle(Incoming(channel="simulator", user_id="U-insert", text="x", event_id="e-1"))
    assert replies and replies[0].text  # the member is answered with the error reply
    logged = everything(caplog)
    assert "IntegrityError" in logged and "parameters hidden" in logged
    for value in PERSONAL:
        assert value not in logged


# --- IDs and phones in any record -------------------------------------------------------------------

@pytest.mark.parametrize("value", NATIONAL_IDS + PHONES)
def test_an_id_or_phone_is_masked_in_message_args_traceback_and_stack(app, caplog, value):
    log = logging.getLogger("kongtun.test")
    log.warning("typed %s", value)
    log.warning(f"typed {value}")
    try:
        raise ValueError(f"not a birth date: {value}")
    except ValueError:
        log.exception("could not read %r", {"text": value})
    log.info("where", stack_info=True, extra={"note": 1})
    logged = everything(caplog)
    digits = "".join(c for c in value if c.isdigit())
    assert value not in logged and digits not in logged.replace(" ", "").replace("-", "")
    assert "<national-id>" in logged or "<phone>" in logged
    assert "ValueError: not a birth date: <" in caplog.text  # the traceback is kept, masked


def test_what_is_not_personal_is_left_alone():
    text = ("update 734000001 from 5012345678, 30 บาท on 2026-11-29, member 00042, "
            "x-xxxx-xxxx5-63-5, 08x-xxx-5678, event 01JDQ8ZK7M3V4W5X6Y7Z8A9B0C")
    assert mask(text) == text


def test_a_line_event_the_sdk_cannot_read_leaves_no_id_or_phone_in_the_log(line_app, line_client, caplog):
    user = wh.user_id()
    typed = {"id": "1", "type": "text", "text": "1-2345-67890-12-1 0812345678", "quoteToken": 5}
    broken = wh.event("message", user, message=typed)
    broken["source"] = {"type": "somewhere-new", "userId": user, "note": "1234567890121"}
    body = wh.callback(broken, validate=False)
    response = line_client.post("/webhooks/line", data=body,
                                headers={"Content-Type": "application/json",
                                         "X-Line-Signature": wh.sign(wh.CHANNEL_SECRET, body)})
    assert response.status_code == 200
    logged = everything(caplog)
    for value in ("1-2345-67890-12-1", "1234567890121", "0812345678"):
        assert value not in logged


# --- installed at every entry point, once -------------------------------------------------------------

def test_the_filter_is_on_every_root_handler_once(app):
    configure_logging()
    configure_logging()
    for handler in logging.getLogger().handlers:
        assert sum(isinstance(f, PrivacyFilter) for f in handler.filters) == 1


def test_the_command_line_masks_what_it_logs():
    script = ("import logging; from bot.cli import main; main.callback(); "
              "logging.getLogger('kongtun').warning('member 1-2345-67890-12-1 at 081-234-5678')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "KONGTUN_SECRET_KEY": "x"})
    assert result.returncode == 0, result.stderr
    assert "member <national-id> at <phone>" in result.stderr
