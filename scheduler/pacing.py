"""Send rates shared by every dispatcher: one `SendPace` row per limit, reserved atomically.

A limit ("telegram", "telegram:<chat>", "line:push") is the next free moment to send, in seconds
since the epoch. Reserving `count` sends is one `UPDATE … SET next_at = max(next_at, now) + count *
interval … RETURNING`, so two dispatchers never get the same slot, whatever process they run in.
Moments come from the injected clock and waits go through the injected `sleep`: a test moves a
ManualClock instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from models import SendPace

TELEGRAM = "telegram"
LINE = "line:push"
PER_CHAT_SECONDS = 1.0  # Telegram: about one message a second in one chat


def chat_limit(chat: str) -> str:
    return f"{TELEGRAM}:{chat}"


class Pacer:
    """Reserves send slots in the shared table and waits for them."""

    def __init__(self, Session: sessionmaker, clock: Callable[[], datetime],
                 sleep: Callable[[float], None]) -> None:
        self.Session = Session
        self.clock = clock
        self.sleep = sleep

    def now(self) -> float:
        return self.clock().timestamp()

    def reserve(self, name: str, interval: float, count: int = 1, earliest: float | None = None) -> float:
        """The moment the first of `count` sends may go (the others follow `interval` apart);
        never before `earliest` nor before now."""
        start = max(self.now(), earliest or 0.0)
        span = interval * count
        with self.Session() as session, session.begin():
            reserved = self._bump(session, name, start, span)
            if reserved is None:
                reserved = self._create(session, name, start + span)
                if reserved is None:  # another dispatcher created it meanwhile
                    reserved = self._bump(session, name, start, span)
        assert reserved is not None
        return reserved - span

    def wait_until(self, moment: float) -> None:
        delay = moment - self.now()
        if delay > 0:
            self.sleep(delay)

    def push_back(self, name: str, until: float) -> None:
        """Nobody sends on this limit before `until` (the platform said to slow down)."""
        with self.Session() as session, session.begin():
            if self._bump(session, name, until, 0.0) is None:
                self._create(session, name, until)

    def forget_idle_chats(self, before: float) -> int:
        """Per-chat limits long past are no use: drop them so the table stays small."""
        with self.Session() as session, session.begin():
            result = session.execute(SendPace.__table__.delete().where(
                SendPace.name.like(f"{TELEGRAM}:%"), SendPace.next_at < before))
            return result.rowcount or 0

    @staticmethod
    def _bump(session: Session, name: str, start: float, span: float) -> float | None:
        larger = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max
        return session.scalar(update(SendPace).where(SendPace.name == name)
                              .values(next_at=larger(SendPace.next_at, start) + span)
                              .returning(SendPace.next_at))

    @staticmethod
    def _create(session: Session, name: str, next_at: float) -> float | None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        return session.scalar(insert(SendPace).values(name=name, next_at=next_at)
                              .on_conflict_do_nothing(index_elements=["name"]).returning(SendPace.next_at))
