"""A throwaway database for the benchmark: migrated, seeded with the demo, one simulator user linked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from models import ChatAccount, Member, MemberStatus, Payment, make_engine, make_sessionmaker
from models.migrate import upgrade

CHANNEL = "simulator"


@dataclass(frozen=True)
class LinkedUser:
    user: str
    member_id: int
    member_name: str
    members_total: int


def prepare_database(url: str, *, id_key: str, today: date, now: datetime, user: str) -> LinkedUser:
    """Migrate, seed the demo and link `user` (simulator) to the active member with most payments."""
    try:
        from bot.demo.seed import seed_demo
    except ImportError as exc:  # the seeder is part of the app; say plainly what is missing
        raise SystemExit(f"bench: cannot import bot.demo.seed.seed_demo ({exc}); the demo seeder is required"
                         ) from exc

    upgrade(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            seed_demo(session, id_key=id_key, today=today)  # commits what it adds
            session.commit()
        with make_sessionmaker(engine)() as session, session.begin():
            payments = func.count(Payment.id)
            member = session.execute(
                select(Member)
                .join(Payment, Payment.member_id == Member.id)
                .where(Member.status == MemberStatus.ACTIVE)
                .group_by(Member.id)
                .order_by(payments.desc(), Member.id)
                .limit(1)
            ).scalar_one_or_none()
            if member is None:
                raise SystemExit("bench: the demo seed has no active member with payments to link")
            total = session.scalar(select(func.count(Member.id))) or 0
            session.add(ChatAccount(channel=CHANNEL, external_user_id=user, member_id=member.id,
                                    locale="th", linked_at=now))
            return LinkedUser(user, member.id, member.full_name, total)
    finally:
        engine.dispose()
