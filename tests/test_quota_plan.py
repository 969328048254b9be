"""Planning LINE pushes within the month's quota (scheduler.quota), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.quota import MAX_RECIPIENTS, Waiting, plan_line, reserve_units

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def row(row_id: int, chat: str, priority: int = 3, messages: int = 1, content_key: str | None = None,
        group: str | None = None, minutes: int = 0) -> Waiting:
    return Waiting(row_id, chat, priority, messages, T0 + timedelta(minutes=minutes), content_key, group)


def pushed_rows(plan) -> set[int]:
    ids = {i for _, rows in plan.pushes for i in rows}
    ids |= {i for _, rows in plan.multicasts for i in rows}
    return ids | {i for rows in plan.retries for i in rows}


def test_reserve_is_a_share_of_the_limit_or_a_number():
    assert reserve_units("10%", 300) == 30
    assert reserve_units("12.5%", 300) == 38  # rounded up: the reserve is never short
    assert reserve_units("25", 300) == 25
    assert reserve_units("10%", None) == 0  # an unlimited plan keeps nothing back
    with pytest.raises(ValueError):
        reserve_units("lots", 300)


def test_what_one_member_has_waiting_goes_as_one_push():
    plan = plan_line([row(1, "U1"), row(2, "U1", priority=4), row(3, "U2")], left=100, reserve=0)
    assert sorted(plan.pushes) == [("U1", [1, 2]), ("U2", [3])]
    assert plan.units == 2 and plan.held == []


def test_a_push_carries_at_most_five_messages_most_urgent_first():
    rows = [row(i, "U1", priority=4 if i < 4 else 2, messages=2) for i in range(1, 7)]
    plan = plan_line(rows, left=100, reserve=0)
    assert plan.units == 3
    first = plan.pushes[0][1]
    assert set(first) == {4, 5}  # the two meeting reminders (priority 2) lead, 4 messages
    assert all(sum(2 for _ in ids) <= 5 for _, ids in plan.pushes)


def test_pushes_stop_at_what_is_left_less_the_reserve_by_priority():
    waiting = [row(i, f"U{i}", priority=3, minutes=i) for i in range(1, 1001)]
    waiting += [row(2000 + i, f"W{i}", priority=1) for i in range(5)]  # lapse warnings
    plan = plan_line(waiting, left=300, reserve=30)
    assert plan.units <= 300
    sent = pushed_rows(plan)
    assert {2000 + i for i in range(5)} <= sent  # urgent first
    assert len(sent) == 270  # 5 urgent + 265 reminders: the reminders leave the reserve alone
    assert {1, 2, 3} <= sent and 1000 in plan.held  # oldest reminders first
    assert len(plan.held) == 1005 - 270


def test_urgent_rows_may_spend_the_reserve_but_never_more_than_is_left():
    waiting = [row(i, f"U{i}", priority=1) for i in range(1, 41)]
    plan = plan_line(waiting, left=30, reserve=30)
    assert plan.units == 30 and len(plan.held) == 10


def test_nothing_left_holds_everything():
    plan = plan_line([row(1, "U1", priority=0), row(2, "U2")], left=0, reserve=0)
    assert plan.units == 0 and sorted(plan.held) == [1, 2]


def test_identical_content_alone_in_a_chat_goes_by_multicast_in_chunks_of_500():
    waiting = [row(i, f"U{i}", priority=4, content_key="announcement:1:th") for i in range(1200)]
    plan = plan_line(waiting, left=None, reserve=0)
    assert [len(chats) for chats, _ in plan.multicasts] == [MAX_RECIPIENTS, MAX_RECIPIENTS, 200]
    assert plan.pushes == [] and plan.units == 1200  # multicast saves requests, not quota


def test_shared_content_rides_in_a_members_push_when_they_have_more_waiting():
    waiting = [row(1, "U1", priority=4, content_key="a:1"), row(2, "U1", priority=3),
               row(3, "U2", priority=4, content_key="a:1"), row(4, "U3", priority=4, content_key="a:1")]
    plan = plan_line(waiting, left=None, reserve=0)
    assert ("U1", [2, 1]) in plan.pushes
    assert plan.multicasts == [(["U2", "U3"], [3, 4])]


def test_an_earlier_request_goes_again_exactly_as_it_was():
    waiting = [row(1, "U1", group="k1"), row(2, "U1", group="k1"), row(3, "U1"),
               row(4, "U2", content_key="a", group="k2"), row(5, "U3", content_key="a", group="k2")]
    plan = plan_line(waiting, left=None, reserve=0)
    assert sorted(map(sorted, plan.retries)) == [[1, 2], [4, 5]]
    assert plan.pushes == [("U1", [3])]  # the new row is not slipped into the earlier request
    assert plan.units == 1 + 2 + 1


def test_a_row_longer_than_five_messages_costs_a_unit_per_request():
    plan = plan_line([row(1, "U1", messages=7)], left=1, reserve=0)
    assert plan.held == [1]
    assert plan_line([row(1, "U1", messages=7)], left=2, reserve=0).units == 2
