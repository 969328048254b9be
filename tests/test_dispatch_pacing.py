"""Send rates shared by every dispatcher (the SendPace table), on the manual clock's timeline."""

from __future__ import annotations

import threading
from collections import defaultdict

from scheduler.pacing import Pacer
from tests.dispatch_fixtures import RecordingSender, add_row


def _at(call, start) -> float:
    return (call.at - start).total_seconds()


def test_telegram_goes_at_one_message_a_second_per_chat_and_the_overall_rate(
        outbox_db, manual_clock, make_dispatcher):
    for i in range(5):
        add_row(outbox_db, f"same-chat-{i}", channel="telegram", user="42")
    for i in range(40):
        add_row(outbox_db, f"chat-{i}", channel="telegram", user=f"{1000 + i}")
    sender = RecordingSender("telegram", manual_clock)
    start = manual_clock()
    assert make_dispatcher({"telegram": sender}, telegram_rate=10.0).deliver().sent == 45
    times = defaultdict(list)
    for call in sender.calls:
        times[call.to[0]].append(_at(call, start))
    same = times["42"]
    assert all(b - a >= 1.0 - 1e-4 for a, b in zip(same, same[1:], strict=False))
    every = sorted(_at(c, start) for c in sender.calls)
    # At most 10 in any one-second window, and the whole run is paced, not a burst.
    assert all(every[i + 10] - every[i] >= 1.0 - 1e-4 for i in range(len(every) - 10))
    assert 4.4 - 1e-4 <= every[-1] < 5.0  # 45 messages at 10/s, not chat 42 one by one first


def test_two_dispatchers_share_one_rate(outbox_db, manual_clock, make_dispatcher):
    for i in range(20):
        add_row(outbox_db, f"k{i}", channel="telegram", user=f"{i}")
    sender = RecordingSender("telegram", manual_clock)
    first = make_dispatcher({"telegram": sender}, owner="a", telegram_rate=5.0, batch_size=5)
    second = make_dispatcher({"telegram": sender}, owner="b", telegram_rate=5.0, batch_size=5)
    start = manual_clock()
    # Interleaved: each sends one batch in turn, both reserving slots in the same table.
    first.deliver()
    second.deliver()
    every = sorted(_at(c, start) for c in sender.calls)
    assert len(every) == 20
    assert all(b - a >= 0.2 - 1e-4 for a, b in zip(every, every[1:], strict=False))


def test_reserving_slots_from_many_threads_never_gives_one_slot_twice(outbox_db, manual_clock):
    pacer = Pacer(outbox_db, manual_clock, manual_clock.sleep)
    slots: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        for _ in range(25):
            slot = pacer.reserve("line:push", 0.01)
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=reserve) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots.sort()
    assert len(slots) == 100
    assert all(b - a >= 0.01 - 1e-4 for a, b in zip(slots, slots[1:], strict=False))


def test_line_requests_keep_the_line_rate(outbox_db, manual_clock, make_dispatcher):
    from tests.dispatch_fixtures import QuotaLineSender

    for i in range(30):
        add_row(outbox_db, f"k{i}", user=f"U{i}")
    sender = QuotaLineSender(manual_clock, limit=None)
    start = manual_clock()
    make_dispatcher({"line": sender}, line_rate=20.0).deliver()
    every = sorted(_at(c, start) for c in sender.calls)
    assert len(every) == 30
    assert all(b - a >= 0.05 - 1e-4 for a, b in zip(every, every[1:], strict=False))
