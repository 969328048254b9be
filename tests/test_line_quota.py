"""The month's LINE quota, read by the LINE sender from the fake LINE, whose answers are checked against
the Messaging API's response schemas; and the fake's own accounting of it (what the quota tests of
the dispatcher rely on): one unit per recipient of each accepted push or multicast, replies free,
repeats under a retry key free, a request over the limit refused whole."""

from __future__ import annotations

import logging
import uuid

import pytest

from bot.app import senders
from bot.channels.line import LineSender
from bot.channels.line_client import LineClient, data_api_url
from bot.config import Config
from messaging.sender import QUOTA_EXHAUSTED, Outcome, Quota
from messaging.values import Text
from tests.fakes import line_webhook as wh

HELLO = [Text("สวัสดีค่ะ")]


@pytest.fixture
def sender(line_app) -> LineSender:
    return senders(line_app)["line"]


def test_a_limited_quota_is_read_with_what_is_used(sender, fake_line):
    fake_line.set_quota(300, used=120)
    quota = sender.quota()
    assert quota == Quota(limit=300, used=120) and quota.left == 180
    assert [c.path for c in fake_line.requests] == ["/v2/bot/message/quota",
                                                    "/v2/bot/message/quota/consumption"]


def test_no_target_limit_is_an_unlimited_quota(sender, fake_line):
    fake_line.set_quota(None, used=4200)
    quota = sender.quota()
    assert quota == Quota(limit=None, used=4200) and quota.left is None


def test_pushes_and_multicasts_count_per_recipient_and_replies_are_free(sender, fake_line, line_user):
    fake_line.set_quota(300)
    line_user.say("สวัสดี")  # answered by a reply
    assert sender.quota().used == 0
    assert sender.deliver(wh.user_id(), HELLO, "k:1").ok
    assert sender.deliver(wh.user_id(), HELLO, "k:1").ok  # a repeat under the same key: 409, free
    assert sender.deliver_many([wh.user_id() for _ in range(40)], HELLO, str(uuid.uuid4())).ok
    assert sender.quota() == Quota(limit=300, used=41)


def test_a_push_past_the_limit_is_quota_exhausted_and_costs_nothing(sender, fake_line):
    fake_line.set_quota(300, used=300)
    user = wh.user_id()
    delivery = sender.deliver(user, HELLO, "dues:1:2026-12")
    assert (delivery.outcome, delivery.reason) == (Outcome.RETRY, QUOTA_EXHAUSTED)
    assert fake_line.delivered(user) == 0 and sender.quota().left == 0


def test_a_multicast_that_does_not_fit_what_is_left_is_refused_whole(sender, fake_line):
    fake_line.set_quota(300, used=295)
    to = [wh.user_id() for _ in range(6)]
    assert sender.deliver_many(to, HELLO, str(uuid.uuid4())).reason == QUOTA_EXHAUSTED
    assert fake_line.recipients() == set()
    assert sender.deliver_many(to[:5], HELLO, str(uuid.uuid4())).ok  # five fit exactly
    assert sender.quota() == Quota(limit=300, used=300)


def test_an_unreadable_quota_is_none_and_said_once_in_one_short_line(sender, fake_line, caplog):
    fake_line.set_quota(300, used=10)
    fake_line.fail_next("getMessageQuota", 500, times=3)
    with caplog.at_level(logging.DEBUG, logger="bot.channels.line_sender"):
        assert [sender.quota() for _ in range(3)] == [None, None, None]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and not warnings[0].exc_info
    assert warnings[0].getMessage() == "LINE quota unreadable: LINE answered 500"
    assert sender.quota() == Quota(limit=300, used=10)  # readable again
    assert sender.metrics["quota_failed"] == 3


def test_a_consumption_that_cannot_be_read_leaves_the_quota_unknown(sender, fake_line):
    fake_line.set_quota(300, used=10)
    fake_line.fail_next("getMessageQuotaConsumption", 429, "Too many requests")
    assert sender.quota() is None
    assert sender.quota() == Quota(limit=300, used=10)


def test_a_line_that_cannot_be_reached_leaves_the_quota_unknown(config):
    unreachable = Config.from_env(env={"KONGTUN_SECRET_KEY": "k", "DATABASE_URL": config.database_url,
                                       "LINE_CHANNEL_SECRET": wh.CHANNEL_SECRET,
                                       "LINE_CHANNEL_ACCESS_TOKEN": wh.ACCESS_TOKEN,
                                       "LINE_API_BASE_URL": "http://127.0.0.1:9"})  # nothing listens
    client = LineClient(unreachable)
    try:
        assert LineSender(client).quota() is None
    finally:
        client.close()


def test_the_quota_is_asked_of_the_messaging_host_not_the_data_host(config):
    # api-data.line.me serves binary content only; the quota endpoints are on api.line.me.
    production = Config.from_env(env={"KONGTUN_SECRET_KEY": "k", "DATABASE_URL": config.database_url,
                                      "LINE_CHANNEL_SECRET": wh.CHANNEL_SECRET,
                                      "LINE_CHANNEL_ACCESS_TOKEN": wh.ACCESS_TOKEN})
    client = LineClient(production)
    try:
        assert client.api.api_client.configuration.host == "https://api.line.me"
        assert data_api_url("https://api.line.me") != "https://api.line.me"
    finally:
        client.close()


def test_the_fakes_quota_answers_follow_the_spec(fake_line, sender):
    for limit in (None, 300):
        fake_line.set_quota(limit, used=7)
        sender.quota()
    assert len(fake_line.calls("getMessageQuota")) == 2 and not fake_line.errors
