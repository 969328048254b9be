"""The chat drivers read an answer as the core wrote it, whichever channel carried it: what the
simulator's JSON, LINE's messages and Telegram's HTML give back is the handlers' own replies."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.conftest import BANGKOK
from tests.drivers import CoreChat
from tests.factories import link_chat, make_fund, make_meeting, make_member


@pytest.fixture
def member(channel_db, driver):
    """A paid-up member of Pa Khlok, linked to the driver's account; two meetings ahead."""
    with channel_db() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
        member = make_member(s, fund, joined_on=date(2019, 5, 1), months_paid=91)
        link_chat(s, driver.user, member, channel=driver.channel)
        make_meeting(s, fund, datetime(2026, 12, 15, 10, 0, tzinfo=BANGKOK), title="ประชุมประจำเดือนธันวาคม")
        make_meeting(s, None, datetime(2027, 1, 20, 13, 0, tzinfo=BANGKOK), title="สมัชชาจังหวัดภูเก็ต")
    return member.id


def core_answer(channel_app, driver, data: str):
    """What the handlers answer the driver's person for a button, before any channel renders it."""
    return CoreChat(channel_app, driver.user, driver.channel).press(data)


@pytest.mark.parametrize("data", ["menu", "acct", "ben", "fund", "meet", "lang"])
def test_the_driver_reads_what_the_core_answered(driver, channel_app, member, data):
    expected = core_answer(channel_app, driver, data)
    driver.press(data)
    got = driver.replies
    assert len(got) == len(expected), (got, expected)
    assert [m.title for m in got] == [m.title for m in expected]
    assert driver.buttons() == [b for m in expected for b in m.buttons]
    if driver.channel == "telegram":  # a card is lines of text there, with a blank line before the footer
        assert [m.text.replace("\n\n", "\n") for m in got] == [m.text for m in expected]
        assert all(m.rows == () for m in got)
    else:
        assert got == expected

