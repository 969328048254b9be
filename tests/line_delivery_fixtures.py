"""Fixtures for delivering the outbox to LINE end to end: an app serving LINE and Telegram against
their fakes on a `ManualClock`, and many members with LINE chats (some on Telegram too), written in
bulk through the real models.

- `delivery_clock`: a `scheduler.clock.ManualClock` at 10:00 Bangkok on 1 December 2026, outside
  quiet hours; the app's core reads it too, so replies and dispatches agree on the time.
- `delivery_app`: LINE and Telegram configured, pointed at `fake_line` and `fake_telegram`.
- `linked_people(n, telegram_every=k)`: n active members of one fund, each linked to a new LINE
  chat, every k-th linked to a Telegram chat as well.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count

import pytest

from bot.app import create_app, senders
from bot.channels.telegram import close_app
from messaging.sender import Sender
from messaging.values import Reply, Text
from models import ChatAccount, Member, MemberStatus
from scheduler.clock import ManualClock
from services import outbox
from tests.conftest import BANGKOK, line_config
from tests.fakes import line_webhook as wh
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_updates import WEBHOOK_SECRET

START = datetime(2026, 12, 1, 10, 0, tzinfo=BANGKOK)


@dataclass(frozen=True)
class Person:
    member_id: int
    line: str  # the LINE user id of their chat
    telegram: str | None = None  # their Telegram chat id, when they linked one


@pytest.fixture
def delivery_clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def delivery_app(database_url: str, clean_db, delivery_clock: ManualClock, fake_line, fake_telegram):
    config = dataclasses.replace(line_config(database_url, fake_line.url), telegram_bot_token=TOKEN,
                                 telegram_webhook_secret=WEBHOOK_SECRET,
                                 telegram_api_base_url=fake_telegram.url)
    app = create_app(config, clock=delivery_clock)
    app.testing = True
    yield app
    close_app(app)
    app.extensions["line"].client.close()
    app.extensions["kongtun"].engine.dispose()


@pytest.fixture
def delivery_db(delivery_app):
    return delivery_app.extensions["kongtun"].Session


@pytest.fixture
def delivery_senders(delivery_app) -> dict[str, Sender]:
    return senders(delivery_app)


@pytest.fixture
def linked_people(delivery_db) -> Callable[..., list[Person]]:
    from tests.factories import make_fund  # imports conftest: not at the top

    serial = count(1)
    funds: list[int] = []

    def make(n: int, *, telegram_every: int = 0) -> list[Person]:
        with delivery_db() as s, s.begin():
            if not funds:
                funds.append(make_fund(s, "PKTCITY", name_th="เทศบาลนครภูเก็ต").id)
            members = []
            for _ in range(n):
                i = next(serial)
                members.append(Member(
                    fund_id=funds[0], member_no=f"{i:05d}", first_name=f"สมาชิก{i}", last_name="ทดสอบ",
                    national_id_hash=f"{i:064d}", national_id_last4=f"{i % 10000:04d}",
                    birth_date=date(1970, 1, 1), phone=None, joined_on=date(2020, 1, 1),
                    status=MemberStatus.ACTIVE))
            s.add_all(members)
            s.flush()
            found: list[Person] = []
            for j, member in enumerate(members):
                on_telegram = bool(telegram_every) and j % telegram_every == 0
                telegram = str(7_000_000_000 + member.id) if on_telegram else None
                found.append(Person(member.id, wh.user_id(), telegram))
            s.add_all([ChatAccount(channel="line", external_user_id=p.line, member_id=p.member_id,
                                   locale="th", linked_at=START) for p in found])
            s.add_all([ChatAccount(channel="telegram", external_user_id=p.telegram, member_id=p.member_id,
                                   locale="th", linked_at=START) for p in found if p.telegram])
        return found

    return make


def dues_text(person: Person) -> str:
    return f"แจ้งเตือนค่าสัจจะเดือนธันวาคม 2569 ของสมาชิกเลขที่ {person.member_id} ค่ะ"


def enqueue_for(delivery_db, rows: Sequence[tuple[Person, str, Sequence[Reply] | None]], *,
                content_key: str | None = None, source: str | None = None, channel: str = "line") -> int:
    """Outbox rows (person, kind, replies) on each person's LINE chat, in one transaction; the default
    replies are a dues reminder naming the member. Rows written."""
    written = 0
    with delivery_db() as s, s.begin():
        for person, kind, replies in rows:
            written += outbox.enqueue(
                s, key=f"{kind}:{person.member_id}:2026-12" + (f":{content_key}" if content_key else ""),
                channel=channel, user_id=person.line if channel == "line" else person.telegram,
                member_id=person.member_id, kind=kind, replies=replies or [Text(dues_text(person))],
                content_key=content_key, source=source)
    return written


@pytest.fixture
def delivery_rounds(delivery_clock: ManualClock) -> Callable[..., Iterator[int]]:
    """Round numbers, moving the clock `minutes` on before each one after the first."""

    def make(limit: int, minutes: float = 10) -> Iterator[int]:
        for i in range(limit):
            if i:
                delivery_clock.advance(minutes=minutes)
            yield i

    return make

