"""The simulator's inbox: what was pushed to a simulator user (reminders, announcements)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AwareDateTime, Base, utcnow


class SimulatorMessage(Base):
    """One delivery to a simulator user; unique by its key, so a repeated delivery is stored once."""

    __tablename__ = "simulator_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    external_user_id: Mapped[str] = mapped_column(String(100), index=True)
    payload: Mapped[list] = mapped_column(JSON)  # the replies, as the simulator API shows them
    delivered_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
