"""Fixtures for the scheduler's jobs: the test database's sessionmaker, members with chats, and
reading what the jobs wrote to the outbox (in the recipient's own words)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ChatAccount, Fund, JobRun, Member, OutboxMessage, make_sessionmaker
from tests.conftest import BANGKOK
from tests.factories import make_member

_users = count(1)


@pytest.fixture
def jobs_db(engine, clean_db) -> sessionmaker:
    """A sessionmaker on the emptied test database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
    return make_sessionmaker(engine)


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    """A Bangkok moment."""
    return datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


def member_with_chat(session: Session, fund: Fund, *, channels: tuple[str, ...] = ("line",),
                     locale: str = "th", unreachable: tuple[str, ...] = (), **kwargs) -> Member:
    """A member of `fund` linked on `channels` (each a new chat user id)."""
    member = make_member(session, fund, **kwargs)
    for channel in channels:
        n = next(_users)
        session.add(ChatAccount(channel=channel, external_user_id=f"{channel}-user-{n}", member_id=member.id,
                                locale=locale, linked_at=datetime(2026, 1, 1, tzinfo=BANGKOK),
                                unreachable_at=datetime(2026, 2, 1, tzinfo=BANGKOK)
                                if channel in unreachable else None))
    session.flush()
    return member


def outbox(Session: sessionmaker, **where) -> list[OutboxMessage]:
    with Session() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(s.scalars(query))


def text_of(row: OutboxMessage) -> str:
    return "\n".join(reply["text"] for reply in row.payload)


def job_runs(Session: sessionmaker, job: str | None = None) -> list[JobRun]:
    with Session() as s:
        query = select(JobRun).order_by(JobRun.id)
        return list(s.scalars(query.where(JobRun.job == job) if job else query))


JOINED = date(2026, 1, 10)  # months owed from January 2026
