"""Claiming: each due row goes to one dispatcher; a lease that runs out frees it; order and states."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from datetime import timedelta

import pytest

from models import OutboxMessage, make_engine, make_sessionmaker
from models.migrate import upgrade
from scheduler import claim as claiming
from services import outbox
from tests.dispatch_fixtures import RecordingSender, add_row, rows_by_key

CHANNELS = {"line", "telegram", "simulator"}


@pytest.fixture(params=["test database", "sqlite"])
def any_db(request, tmp_path):
    """The session's test database (PostgreSQL when TEST_DATABASE_URL says so), and a SQLite file."""
    if request.param == "test database":
        return request.getfixturevalue("outbox_db")
    url = f"sqlite:///{tmp_path / 'claim.db'}"
    upgrade(url)
    engine = make_engine(url)
    request.addfinalizer(engine.dispose)
    return make_sessionmaker(engine)


def test_two_dispatchers_claiming_at_once_never_take_one_row_twice(any_db, manual_clock):
    for i in range(120):
        add_row(any_db, f"k{i}", user=f"U{i % 7}")
    barrier = threading.Barrier(2, timeout=10)
    taken: dict[str, list[int]] = {"a": [], "b": []}

    def run(owner: str) -> None:
        with any_db() as session:
            while True:
                # Both claim in every round, so the race is real rather than left to thread timing.
                with contextlib.suppress(threading.BrokenBarrierError):  # the other found nothing left
                    barrier.wait()
                rows = claiming.claim(session, manual_clock(), owner=owner, lease_seconds=60, limit=7,
                                      channels=CHANNELS)
                if not rows:
                    barrier.abort()
                    return
                taken[owner] += [r.id for r in rows]

    threads = [threading.Thread(target=run, args=(o,)) for o in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = taken["a"] + taken["b"]
    assert len(every) == 120 and len(set(every)) == 120
    assert taken["a"] and taken["b"], "both dispatchers got work"
    owners = Counter(r.lease_owner for r in rows_by_key(any_db).values())
    assert owners == {"a": len(taken["a"]), "b": len(taken["b"])}


def test_two_whole_dispatchers_in_threads_send_every_row_exactly_once(any_db, manual_clock):
    from scheduler.dispatcher import Dispatcher
    from tests.dispatch_fixtures import settings

    for i in range(150):
        add_row(any_db, f"n{i}", channel="simulator", user=f"s{i}")
    sender = RecordingSender("simulator", manual_clock)
    dispatchers = [Dispatcher(any_db, {"simulator": sender}, settings(batch_size=10), clock=manual_clock,
                              sleep=manual_clock.sleep, owner=name) for name in ("a", "b")]
    reports = []
    threads = [threading.Thread(target=lambda d=d: reports.append(d.deliver())) for d in dispatchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(Counter(c.key for c in sender.calls).values()) == [1] * 150
    assert sum(r.sent for r in reports) == 150
    assert {r.status for r in rows_by_key(any_db).values()} == {outbox.SENT}


def test_a_lease_that_runs_out_makes_the_row_claimable_again(outbox_db, manual_clock):
    add_row(outbox_db, "k")
    with outbox_db() as session:
        first = claiming.claim(session, manual_clock(), owner="killed", lease_seconds=120, limit=10,
                               channels=CHANNELS)
        assert [r.key for r in first] == ["k"]
        assert claiming.claim(session, manual_clock() + timedelta(seconds=119), owner="next",
                              lease_seconds=120, limit=10, channels=CHANNELS) == []
        again = claiming.claim(session, manual_clock() + timedelta(seconds=121), owner="next",
                               lease_seconds=120, limit=10, channels=CHANNELS)
    assert [(r.key, r.lease_owner) for r in again] == [("k", "next")]


def test_rows_come_by_priority_then_age_and_unconfirmed_or_future_retries_never(outbox_db, manual_clock):
    now = manual_clock()
    add_row(outbox_db, "old-announcement", kind="announcement", created_at=now - timedelta(hours=3))
    add_row(outbox_db, "dues", kind="dues_reminder", created_at=now - timedelta(hours=1))
    add_row(outbox_db, "answer", kind="answer", created_at=now)
    add_row(outbox_db, "older-dues", kind="dues_reminder", created_at=now - timedelta(hours=2))
    add_row(outbox_db, "unconfirmed", kind="answer", status=outbox.UNCONFIRMED)
    later = add_row(outbox_db, "later", status=outbox.RETRY)
    with outbox_db() as session:
        session.get(OutboxMessage, later).next_attempt_at = now + timedelta(minutes=5)
        session.commit()
        rows = claiming.claim(session, now, owner="d", lease_seconds=60, limit=10, channels=CHANNELS)
    assert [r.key for r in rows] == ["answer", "older-dues", "dues", "old-announcement"]


def test_rows_past_their_moment_expire_instead_of_going(outbox_db, manual_clock):
    now = manual_clock()
    add_row(outbox_db, "meeting-begun", expires_at=now - timedelta(minutes=1))
    add_row(outbox_db, "still-good", expires_at=now + timedelta(hours=1))
    with outbox_db() as session:
        assert claiming.expire(session, now) == 1
        rows = claiming.claim(session, now, owner="d", lease_seconds=60, limit=10, channels=CHANNELS)
    assert [r.key for r in rows] == ["still-good"]
    assert rows_by_key(outbox_db)["meeting-begun"].status == outbox.EXPIRED


def test_rows_of_an_earlier_request_are_claimed_together_even_past_the_limit(outbox_db, manual_clock):
    ids = [add_row(outbox_db, f"m{i}", user=f"U{i}", kind="announcement") for i in range(5)]
    with outbox_db() as session:
        for i in ids:
            row = session.get(OutboxMessage, i)
            row.retry_key, row.status = "0b6f0a52-6a43-4d7e-9f6a-000000000001", outbox.RETRY
        session.commit()
        rows = claiming.claim(session, manual_clock(), owner="d", lease_seconds=60, limit=2,
                              channels=CHANNELS)
    assert sorted(r.id for r in rows) == ids


def test_a_channel_without_a_sender_is_left_alone(outbox_db, manual_clock):
    add_row(outbox_db, "tg", channel="telegram", user="42")
    with outbox_db() as session:
        assert claiming.claim(session, manual_clock(), owner="d", lease_seconds=60, limit=10,
                              channels={"line"}) == []


def test_a_claim_takes_several_multicasts_worth_of_one_announcement_and_only_of_it(outbox_db, manual_clock):
    now = manual_clock()
    for i in range(6):
        add_row(outbox_db, f"news:{i}", user=f"U{i}", kind="announcement", content_key="announcement:1")
    add_row(outbox_db, "other-news", user="U9", kind="announcement", content_key="announcement:2")
    add_row(outbox_db, "tg-news", channel="telegram", user="42", kind="announcement",
            content_key="announcement:1")
    with outbox_db() as session:
        rows = claiming.claim(session, now, owner="d", lease_seconds=60, limit=2, channels=CHANNELS,
                              fanout=("line", 5))
        assert [r.key for r in rows] == [f"news:{i}" for i in range(5)], "five in all, of one content"
        rest = claiming.claim(session, now, owner="e", lease_seconds=60, limit=10, channels=CHANNELS)
    assert sorted(r.key for r in rest) == ["news:5", "other-news", "tg-news"]
    assert {r.lease_owner for r in rows_by_key(outbox_db).values()} == {"d", "e"}
