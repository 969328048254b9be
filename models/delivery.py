"""Delivery state shared by every dispatcher: channel holds, send pacing, and job runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base, utcnow


class ChannelHold(Base):
    """Nothing is pushed on this channel until `until`: LINE said the month's quota is used up."""

    __tablename__ = "channel_holds"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    until: Mapped[datetime] = mapped_column(AwareDateTime)
    since: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class SendPace(Base):
    """The next free send slot of one rate limit ("telegram", "telegram:<chat>", "line:push"),
    reserved with one atomic UPDATE, so the rate holds for all dispatchers together."""

    __tablename__ = "send_pacing"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch


class JobRun(Base):
    """One run of a job that decided something; its outbox rows carry `source = "run:<id>"`."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime)  # the moment the job decided for
    started_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
