"""The channel-neutral core: one event in, replies out, inside one database transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

import handlers
from bot import inbound
from bot.config import Config
from handlers.base import Context
from handlers.router import Router
from locales import translate
from messaging.sender import Delivery, Outcome
from messaging.values import Incoming, Reply, Text
from models import (
    ChatAccount,
    DialogState,
    Member,
    OutboxMessage,
    ProcessedEvent,
    make_engine,
    make_sessionmaker,
    utcnow,
)
from services import accounts, held, outbox

log = logging.getLogger(__name__)

# Statements of the per-message path, built once: building them costs about as much as running them.
_UPSERT = {
    name: insert(ProcessedEvent)
    .values(channel=bindparam("channel"), event_id=bindparam("event_id"), processed_at=bindparam("at"))
    .on_conflict_do_nothing(index_elements=["channel", "event_id"])
    .returning(ProcessedEvent.id)
    for name, insert in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_ACCOUNT_AND_STATE = (
    select(ChatAccount, DialogState)
    .outerjoin(DialogState, and_(DialogState.channel == ChatAccount.channel,
                                 DialogState.external_user_id == ChatAccount.external_user_id))
    .options(joinedload(ChatAccount.member).joinedload(Member.fund))
    .where(ChatAccount.channel == bindparam("channel"), ChatAccount.external_user_id == bindparam("user"))
)


class Core:
    """Holds what one process shares: the engine, the router, the clock."""

    def __init__(self, config: Config, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.tz = ZoneInfo(config.timezone)
        self.engine = make_engine(config.database_url)
        self.Session = make_sessionmaker(self.engine)
        self.router = Router(handlers.MODULES)
        self._clock = clock
        # Per channel: whether an answer fits the one reply it allows (LINE registers its own).
        self.reply_fits: dict[str, held.Fits] = {}

    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock().astimezone(self.tz)
        return datetime.now(self.tz)

    def handle(self, incoming: Incoming) -> list[Reply] | None:
        """Replies for one event, or None when the event was already processed.

        An event whose values cannot be stored (`bot.inbound`) gets no reply and changes nothing.
        """
        try:
            incoming = inbound.checked(incoming)
        except inbound.Refused as exc:
            log.info("%s event %s ignored: %s", incoming.channel, inbound.event_id(incoming.event_id), exc)
            return []
        try:
            with self.Session() as session, session.begin():
                if incoming.event_id and not _first_time(session, incoming):
                    return None
                ctx = self._context(session, incoming)
                more = incoming.postback == held.MORE and _may_get_held(incoming, ctx)
                replies = [] if more else self.router.dispatch(incoming, ctx)
                return self._with_held(session, incoming, ctx, replies, more=more)
        except Exception:
            # The member still gets an answer; the event is recorded so a retry is not replayed.
            log.exception("handler failed on %s event", incoming.channel)
            with self.Session() as session, session.begin():
                if incoming.event_id:
                    _first_time(session, incoming)
                locale = _locale_of(session, incoming)
            return [Text(translate(locale, "menu.error"))]

    def _with_held(self, session: Session, incoming: Incoming, ctx: Context, replies: list[Reply], *,
                   more: bool) -> list[Reply]:
        """The answer with the chat's held messages after it, as many as fit one reply (`services.held`).

        Only in a linked member's private chat: held messages are personal. A failure here costs
        the member the held messages for now, never the answer."""
        if not (replies or more) or not _may_get_held(incoming, ctx):
            return replies
        assert ctx.account.member_id is not None
        rows = held.waiting(session, incoming.channel, incoming.user_id, ctx.account.member_id, ctx.now)
        if not rows and not more:
            return replies
        fits = self.reply_fits.get(incoming.channel, _at_most_five)
        try:
            with session.begin_nested():
                return held.with_held(session, rows, locale=ctx.account.locale, answer=replies,
                                      now=ctx.now, fits=fits, more=more)
        except Exception:  # noqa: BLE001 - the answer goes without them; they stay held
            log.exception("held messages could not be added to a %s answer", incoming.channel)
            return replies

    def set_reachable(self, channel: str, user_id: str, reachable: bool) -> None:
        """A user blocked or unblocked the bot (LINE unfollow/follow, Telegram my_chat_member).

        Nothing is pushed to an unreachable account; the flag is idempotent, so redeliveries are
        harmless and need no event id.
        """
        if not inbound.user_id_fits(user_id):
            log.info("%s reachability of a user id that cannot be stored: ignored", channel)
            return
        with self.Session() as session, session.begin():
            accounts.set_reachable(session, channel, user_id, reachable, at=self.now())

    def is_reachable(self, channel: str, user_id: str) -> bool:
        if not inbound.user_id_fits(user_id):
            return False  # never stored, so never answered: nothing to push to
        with self.Session() as session:
            return accounts.is_reachable(session, channel, user_id)

    def delivered(self, incoming: Incoming, delivery: Delivery) -> None:
        """What became of the answer to `incoming`: a person who blocked the bot is marked so."""
        if delivery.outcome is Outcome.BLOCKED and not incoming.in_group:
            self.set_reachable(incoming.channel, incoming.user_id, False)
        elif not delivery.ok:
            log.warning("%s answer to event %s: %s after %d sent (%s)", incoming.channel,
                        incoming.event_id, delivery.outcome, delivery.sent, delivery.reason)

    def record_push_fallback(self, channel: str, user_id: str, **detail: object) -> None:
        """Bookkeeping of a paid push in place of a free reply; never breaks delivery."""
        if not inbound.user_id_fits(user_id):
            return
        detail["event_id"] = inbound.event_id(detail.get("event_id"))  # type: ignore[arg-type]
        try:
            with self.Session() as session, session.begin():
                accounts.record_push_fallback(session, channel, user_id, **detail)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - bookkeeping must not break delivery
            log.exception("could not record a %s push in the audit log", channel)

    answer_key = staticmethod(outbox.answer_key)

    def keep_answer(self, channel: str, to: str, replies: Sequence[Reply], *, event_id: str,
                    reason: str, uncertain: bool = False, retry_key: str | None = None) -> bool:
        """An answer to chat `to` that could not be delivered now, kept as an outbox row of kind
        "answer" (the key from the event, so a repeat writes nothing).

        A row the platform surely did not deliver is `pending`, for the dispatcher to send. One that
        may have arrived (`uncertain`: a timeout or a server error after the request went out) is
        kept `unconfirmed`: recorded with its reason, not sent again by itself, since a member who
        got it would get it twice. False when nothing was written (kept already, or the database
        failed: then the error is logged). `retry_key` is the idempotency key the failed push
        carried (LINE's X-Line-Retry-Key): stored on the row, the dispatcher's pushes reuse it.
        """
        if not inbound.user_id_fits(to):
            log.info("a %s answer to a chat id that cannot be stored was not kept", channel)
            return False
        try:
            with self.Session() as session, session.begin():
                account = accounts.find_account(session, channel, to)  # none for a group
                written = outbox.enqueue(
                    session, key=outbox.answer_key(channel, event_id), channel=channel, user_id=to,
                    replies=replies, member_id=account.member_id if account else None, kind="answer",
                    reason=reason[:200], status=outbox.UNCONFIRMED if uncertain else "pending")
                if written and retry_key:
                    key = outbox.answer_key(channel, event_id)
                    session.execute(update(OutboxMessage).where(OutboxMessage.key == key)
                                    .values(retry_key=retry_key))
        except Exception:  # noqa: BLE001 - the webhook still answers; the log says what was lost
            log.exception("a %s answer could not be kept in the outbox (%s)", channel, reason)
            return False
        log.warning("a %s answer was kept in the outbox as %s: %s", channel,
                    "unconfirmed" if uncertain else "pending", reason)
        return written

    def _context(self, session: Session, incoming: Incoming) -> Context:
        # One query for the account, its member and fund, and any open dialog: this runs for
        # every message, and each round trip costs more than the work the handler then does.
        row = session.execute(
            _ACCOUNT_AND_STATE, {"channel": incoming.channel, "user": incoming.user_id}
        ).first()
        if row is None:
            account = accounts.get_or_create_account(session, incoming.channel, incoming.user_id)
            state = session.get(DialogState, (incoming.channel, incoming.user_id))
        else:
            account, state = row
        if incoming.display_name and account.display_name != incoming.display_name:
            account.display_name = incoming.display_name
        now = self.now()
        timeout = timedelta(minutes=self.config.dialog_timeout_minutes)
        extras: dict[str, object] = {"id_key": self.config.secret_key,
                                     "timeout": self.config.dialog_timeout_minutes,
                                     "in_group": incoming.in_group,
                                     # what an announcement's preview says of quiet hours and the quota
                                     "quiet_hours": self.config.quiet_hours,
                                     "line_quota_reserve": self.config.line_quota_reserve}
        if state is not None and now - state.updated_at > timeout:
            # An abandoned dialog: start afresh, but let the answer say so rather than puzzle.
            extras["expired_dialog"] = state.state
            session.delete(state)
            state = None
        return Context(
            session=session,
            account=account,
            now=now,
            state=state,
            extras=extras,
        )


def _first_time(session: Session, incoming: Incoming) -> bool:
    """Record the event id; False if another delivery (or worker) already did."""
    dialect = session.get_bind().dialect.name
    if dialect in _UPSERT:
        # One statement: the unique key decides, with no savepoint around a failing insert.
        inserted = session.connection().execute(
            _UPSERT[dialect],
            {"channel": incoming.channel, "event_id": incoming.event_id, "at": utcnow()},
        )
        return inserted.first() is not None  # no row back: the key was there already
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(channel=incoming.channel, event_id=incoming.event_id))
        return True
    except IntegrityError:
        return False


def _may_get_held(incoming: Incoming, ctx: Context) -> bool:
    return not incoming.in_group and ctx.account.member_id is not None


def _at_most_five(replies: Sequence[Reply]) -> bool:
    return len(replies) <= 5


def _locale_of(session: Session, incoming: Incoming) -> str:
    account = accounts.find_account(session, incoming.channel, incoming.user_id)
    return account.locale if account else "th"
