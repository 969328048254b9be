"""Declarative base, engine and session helpers shared by every model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AwareDateTime(TypeDecorator):
    """A moment in time, stored as UTC and always read back time-zone aware.

    PostgreSQL keeps the zone itself; SQLite would silently drop it and hand back a naive value,
    which then shifts by the server's zone when shown in Bangkok time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Column default: called per row (never `datetime.now()` evaluated once at import)."""
    return datetime.now(UTC)


def default_database_url() -> str:
    """`DATABASE_URL`, or a SQLite file `kongtun.db` in the working folder (the operator contract)."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'kongtun.db'}"


def normalize_database_url(url: str) -> str:
    """Platforms hand out `postgres://` or `postgresql://` URLs; the driver here is psycopg 3."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def make_engine(url: str) -> Engine:
    url = normalize_database_url(url)
    # Statement parameters (names, birth dates, phones) never appear in an error's text or a log.
    kwargs: dict = {"future": True, "hide_parameters": True}
    if url.startswith("sqlite"):
        # Flask serves from threads; SQLite waits for a busy writer instead of failing at once.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def own_sessions(url: str) -> Iterator[sessionmaker]:
    """A Session factory on an engine of its own, disposed of (every connection closed) at the end:
    for a command that runs once, not for the web app's long-lived engine."""
    engine = make_engine(url)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()
