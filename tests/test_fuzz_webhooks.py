"""Property-based: mutated bodies, correctly signed (LINE) or with the secret header (Telegram), and
simulator requests: deep nesting, huge numbers, long and odd strings, wrong types, missing or extra
fields, and odd encodings. Whatever comes in: never a 5xx, never a partial write (a refused body
changes nothing; an accepted one only what one event may change), never a national ID or phone
number in the captured log. Deterministic (`derandomize`) and kept small, so it runs in every suite.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import (
    AuditLog,
    ChatAccount,
    DialogState,
    LinkFailure,
    Member,
    OutboxMessage,
    Payment,
    ProcessedEvent,
)
from tests.fakes import line_webhook as wh
from tests.fakes.telegram_updates import Updates
from tests.routes import route_for

NATIONAL_ID = "1-2345-67890-12-1"
PHONE = "081-234-5678"
PERSONAL_TEXT = f"เลขบัตร {NATIONAL_ID} โทร {PHONE}"
# What one event may write: its id, the chat account, a dialog, an audit row, a failed link attempt.
MAY_CHANGE = {"ProcessedEvent", "ChatAccount", "DialogState", "AuditLog", "LinkFailure", "OutboxMessage"}
MODELS = (ProcessedEvent, ChatAccount, DialogState, AuditLog, LinkFailure, OutboxMessage, Member, Payment)

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


ODD_STRINGS = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\ud800", "\udfff\ud800", "\u202e", "\r\n", "🙏" * 50, "ก" * 301,
    "x" * 5001, PERSONAL_TEXT, "/start", "/start " + "x" * 300, "menu", "reg:fund:" + "X" * 300,
    "U" + "f" * 32, "U" + "a" * 300, "E" * 300, "1" * 120, "null", "<b>&amp;</b>",
])
ODD_VALUES = st.one_of(
    ODD_STRINGS,
    st.sampled_from([None, True, False, 0, -1, 1.5, 1e308, -1e308, 2**31, 2**53, 2**63, 10**120, -(10**120)]),
    st.builds(lambda pick: [[], {}, [None], {"": None}][pick], st.integers(0, 3)),  # fresh each time
    st.builds(deep, st.sampled_from([40, 1000])),
    st.text(max_size=40),
    st.integers(),
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the tree down to ten levels: the keys and indexes that lead to it."""
    found = [prefix]
    if len(prefix) >= 10:
        return found
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += paths(child, (*prefix, i))
    return found


def mutate(body: Any, data: st.DataObject) -> Any:
    body = copy.deepcopy(body)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        where = data.draw(st.sampled_from(paths(body)), label="path")
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if not where:
            if action == "replace":
                body = data.draw(ODD_VALUES, label="body")
            continue
        parent = body
        for key in where[:-1]:
            parent = parent[key]
        last = where[-1]
        if action == "replace":
            parent[last] = data.draw(ODD_VALUES, label="value")
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[data.draw(ODD_STRINGS, label="key")] = data.draw(ODD_VALUES, label="value")
        if not isinstance(body, dict | list) or not paths(body)[1:]:
            break
    return body


def encode(body: Any, data: st.DataObject) -> bytes:
    how = data.draw(st.sampled_from(["utf-8", "ascii-escapes", "utf-16", "bom", "latin-1", "truncated"]),
                    label="encoding")
    text = json.dumps(body, ensure_ascii=how == "ascii-escapes")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "latin-1":
        return text.encode("utf-8", "surrogatepass").replace(b"\xe0", b"\xe0\xff")
    if how == "truncated":
        return text.encode("utf-8", "surrogatepass")[: max(1, len(text) // 2)]
    return text.encode("utf-8", "surrogatepass")


def line_body(data: st.DataObject) -> dict:
    user = wh.user_id()
    kind = data.draw(st.sampled_from(["text", "postback", "follow", "unfollow", "group"]), label="event")
    if kind == "text":
        event = wh.event("message", user, message=wh.text_message(PERSONAL_TEXT))
    elif kind == "postback":
        event = wh.event("postback", user, postback={"data": "menu"})
    elif kind == "follow":
        event = wh.event("follow", user, follow={"isUnblocked": False})
    elif kind == "unfollow":
        event = wh.event("unfollow", user)
    else:
        mention = wh.text_message("สวัสดี", mention_self=True)
        event = wh.event("message", user, group=wh.group_id(), message=mention)
    return {"destination": wh.DESTINATION, "events": [event]}


def telegram_body(data: st.DataObject, updates: Updates) -> dict:
    user = updates.user(5_100_000_000 + data.draw(st.integers(0, 10**6), label="user"), "สมศรี")
    kind = data.draw(st.sampled_from(["text", "command", "button", "contact", "blocked"]), label="update")
    if kind == "text":
        return updates.message(user, text=PERSONAL_TEXT)
    if kind == "command":
        return updates.message(user, text="/balance")
    if kind == "button":
        return updates.callback(user, "menu")
    if kind == "contact":
        return updates.message(user, contact={"phone_number": "66812345678", "first_name": "สมศรี",
                                              "user_id": user["id"]})
    return updates.my_chat_member(user, "member", "kicked")


def simulator_body(data: st.DataObject) -> dict:
    user = f"U-fuzz-{data.draw(st.integers(0, 10**6), label='user')}"
    if data.draw(st.booleans(), label="postback"):
        return {"user": user, "postback": "menu"}
    return {"user": user, "text": PERSONAL_TEXT}


def counts(app) -> dict[str, int]:
    with app.extensions["kongtun"].Session() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in MODELS}


def check(route, body: bytes, caplog, fake=None) -> None:
    before = counts(route.app)
    caplog.clear()
    response = route.post(body)
    after = counts(route.app)
    assert response.status_code < 500, (response.status_code, body[:300])
    changed = {name for name in after if after[name] != before[name]}
    if response.status_code >= 400:
        assert not changed, f"a refused body ({response.status_code}) wrote {changed}"
    assert changed <= MAY_CHANGE, f"one event changed {changed - MAY_CHANGE}"
    assert after["ProcessedEvent"] - before["ProcessedEvent"] <= 1
    if fake is not None:  # every call the bot made is one the platform takes
        assert not fake.errors, f"the platform would have refused: {fake.errors}"
    logged = caplog.text + "".join(r.getMessage() for r in caplog.records)
    for secret in (NATIONAL_ID, PHONE, "0812345678", "66812345678", "1234567890121"):
        assert secret not in logged, f"{secret} in the log:\n{logged[-2000:]}"


@pytest.fixture
def line_route(request):
    return route_for(request, "line")


@pytest.fixture
def telegram_route(request):
    return route_for(request, "telegram")


@pytest.fixture
def simulator_route(request):
    return route_for(request, "simulator")


@FUZZ
@given(data=st.data())
def test_mutated_signed_line_bodies(line_route, fake_line, caplog, data):
    check(line_route, encode(mutate(line_body(data), data), data), caplog, fake_line)


@FUZZ
@given(data=st.data())
def test_mutated_telegram_updates(telegram_route, fake_telegram, updates, caplog, data):
    check(telegram_route, encode(mutate(telegram_body(data, updates), data), data), caplog, fake_telegram)


@FUZZ
@given(data=st.data())
def test_mutated_simulator_requests(simulator_route, caplog, data):
    check(simulator_route, encode(mutate(simulator_body(data), data), data), caplog)
