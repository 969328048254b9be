"""Who gets the committee entry in each platform's own menu (LINE's committee rich menu, Telegram's
chat-scoped `/committee` command), and who was given it.

A role-holder is an ACTIVE member holding a role in their own fund (as `services.roles.powers_of`
decides). Which chats were given the entry is kept in the audit log ("menu.committee.on"/"off" on
the chat account, no user id in it), so that a sync takes it away from exactly the chats that had
it and no longer hold a role, without asking the platform about every member's chat.

`sync_member` is what `kongtun roles grant/revoke` call after their commit: the member's own chats
at once, on each configured platform; a platform error is a warning, never an undone role.
A chat linked later gets the entry at the next `kongtun line richmenu` / `kongtun telegram commands`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.config import Config
from models import (
    AuditLog,
    ChatAccount,
    CommitteeRole,
    Member,
    MemberStatus,
    audit,
    own_sessions,
)

GIVEN, TAKEN = "menu.committee.on", "menu.committee.off"
ENTITY = "chat_account"
PLATFORMS = ("line", "telegram")
RERUN = {"line": "kongtun line richmenu", "telegram": "kongtun telegram commands"}


@contextmanager
def open_session(config: Config) -> Iterator[Session]:
    """A session on its own engine, for one admin command, disposed with it."""
    with own_sessions(config.database_url) as Session, Session() as session:
        yield session


def holder_chats(session: Session, channel: str) -> list[ChatAccount]:
    """The chats on `channel` of active members who hold a role in their own fund."""
    holds = exists().where(CommitteeRole.member_id == Member.id, CommitteeRole.fund_id == Member.fund_id)
    return list(session.scalars(
        select(ChatAccount).join(Member, Member.id == ChatAccount.member_id)
        .where(ChatAccount.channel == channel, Member.status == MemberStatus.ACTIVE, holds)
        .order_by(ChatAccount.id)))


def given_chats(session: Session, channel: str) -> list[ChatAccount]:
    """The chats on `channel` whose last committee-menu change gave them the entry."""
    last: dict[str, str] = {}
    for entity_id, action in session.execute(
            select(AuditLog.entity_id, AuditLog.action)
            .where(AuditLog.entity == ENTITY, AuditLog.action.in_((GIVEN, TAKEN)))
            .order_by(AuditLog.id)):
        last[entity_id] = action
    ids = [int(i) for i, action in last.items() if action == GIVEN]
    if not ids:
        return []
    return list(session.scalars(select(ChatAccount).where(ChatAccount.id.in_(ids),
                                                          ChatAccount.channel == channel)
                                .order_by(ChatAccount.id)))


@dataclass(frozen=True)
class Chat:
    """What a sync needs of a chat account, read once (the platform calls run outside the session)."""

    id: int
    channel: str
    external_user_id: str


def _chats(accounts: Iterable[ChatAccount]) -> list[Chat]:
    return [Chat(a.id, a.channel, a.external_user_id) for a in accounts]


def record(session: Session, chats: Iterable[Chat], *, given: bool, actor: str) -> None:
    for chat in chats:
        audit(session, actor, GIVEN if given else TAKEN, ENTITY, chat.id, channel=chat.channel)


@dataclass(frozen=True)
class Plan:
    """One channel's sync: give the entry to `give`, take it from `take` (former holders)."""

    give: list[Chat]
    take: list[Chat]


def plan(session: Session, channel: str) -> Plan:
    holders = holder_chats(session, channel)
    holding = {c.id for c in holders}
    return Plan(_chats(holders), _chats(c for c in given_chats(session, channel) if c.id not in holding))


def read_plan(config: Config, channel: str) -> Plan:
    """`plan` in a command's own session (read before any platform call: a database that cannot
    be used stops the command before it changes anything on the platform)."""
    with open_session(config) as session, session.begin():
        return plan(session, channel)


def record_done(config: Config, give: Iterable[Chat], take: Iterable[Chat], actor: str = "cli") -> None:
    with open_session(config) as session, session.begin():
        record(session, give, given=True, actor=actor)
        record(session, take, given=False, actor=actor)


def member_plan(session: Session, member_id: int, channel: str) -> Plan:
    """The same for one member's chat on `channel`: give it if they hold a role, else take it if given."""
    chats = session.scalars(select(ChatAccount).where(ChatAccount.member_id == member_id,
                                                      ChatAccount.channel == channel)).all()
    holding = {c.id for c in holder_chats(session, channel)}
    given = {c.id for c in given_chats(session, channel)}
    return Plan(_chats(c for c in chats if c.id in holding),
                _chats(c for c in chats if c.id not in holding and c.id in given))


def configured(config: Config, channel: str) -> bool:
    return bool(config.line_channel_access_token if channel == "line" else config.telegram_bot_token)


def sync_member(config: Config, session: Session, member_id: int, actor: str = "cli") -> list[str]:
    """Give or take the member's committee entry on every configured platform, now. Returns one
    line per platform that failed, saying what to run later; what succeeded is audited."""
    from bot.channels import line_admin, telegram_admin

    sync = {"line": line_admin.sync_chats, "telegram": telegram_admin.sync_chats}
    warnings = []
    for channel in PLATFORMS:
        if not configured(config, channel):
            continue
        with session.begin():
            todo = member_plan(session, member_id, channel)
        if not todo.give and not todo.take:
            continue
        try:
            sync[channel](config, todo)
        except SyncFailed as exc:
            warnings.append(f"warning: the {channel.upper() if channel == 'line' else 'Telegram'} menu "
                            f"was not updated ({exc}); run `{RERUN[channel]}` later")
            continue
        with session.begin():
            record(session, todo.give, given=True, actor=actor)
            record(session, todo.take, given=False, actor=actor)
    return warnings


class SyncFailed(Exception):
    """The platform refused or could not be reached; the message is one line, with no ids."""
