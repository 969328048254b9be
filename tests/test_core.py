"""The neutral core: event dedupe, reachability, errors answered rather than raised."""

from sqlalchemy import select

from handlers.base import Incoming
from models import ChatAccount, ProcessedEvent


def test_same_event_id_is_processed_once(app):
    core = app.extensions["kongtun"]
    first = core.handle(Incoming(channel="line", user_id="U1", text="สวัสดี", event_id="evt-1"))
    second = core.handle(Incoming(channel="line", user_id="U1", text="สวัสดี", event_id="evt-1"))
    assert first and second is None
    other_channel = core.handle(Incoming(channel="telegram", user_id="U1", text="hi", event_id="evt-1"))
    assert other_channel
    with core.Session() as s:
        assert len(s.scalars(select(ProcessedEvent)).all()) == 2


def test_reachability_round_trip(app):
    core = app.extensions["kongtun"]
    core.set_reachable("line", "U9", False)
    core.set_reachable("line", "U9", False)
    with core.Session() as s:
        first = s.scalars(select(ChatAccount)).one().unreachable_at
    assert first is not None
    core.set_reachable("line", "U9", True)
    with core.Session() as s:
        assert s.scalars(select(ChatAccount)).one().unreachable_at is None


def test_a_failing_handler_still_answers_and_marks_the_event(app, monkeypatch):
    core = app.extensions["kongtun"]

    def boom(incoming, ctx):
        raise RuntimeError("bug")

    monkeypatch.setitem(core.router.intents, "menu", core.router.intents["menu"].__class__(boom))
    replies = core.handle(Incoming(channel="line", user_id="U2", text="เมนู", event_id="evt-9"))
    assert "ขัดข้อง" in replies[0].text
    assert core.handle(Incoming(channel="line", user_id="U2", text="เมนู", event_id="evt-9")) is None
