"""Meetings and assemblies, of one fund or of the whole network (fund_id is NULL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AwareDateTime, Base, utcnow
from models.fund import Fund


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("funds.id", ondelete="RESTRICT"), index=True
    )
    title_th: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    place_th: Mapped[str] = mapped_column(String(300))
    place_en: Mapped[str] = mapped_column(String(300))
    agenda_th: Mapped[str | None] = mapped_column(Text)
    agenda_en: Mapped[str | None] = mapped_column(Text)
    # scheduled | cancelled; a moved meeting keeps its id, with the time it had before.
    status: Mapped[str] = mapped_column(String(12), default="scheduled", server_default="scheduled")
    previous_starts_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    fund: Mapped[Fund | None] = relationship()

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_th

    def place(self, locale: str) -> str:
        return self.place_en if locale == "en" else self.place_th

    def agenda(self, locale: str) -> str | None:
        return self.agenda_en if locale == "en" else self.agenda_th
