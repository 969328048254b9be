"""LINE rows of one batch: planned within the month's quota, sent with stored retry keys.

The quota is read (`QuotaReader.quota`) when a drain starts, and again before a batch only when
that batch could need more than this dispatcher knows to be left (or the last reading is a minute
old): what every dispatcher spends goes through one shared month counter, taken before each request
within the limit (`take`), so a figure read earlier never lets the quota be exceeded. If it cannot
be read nothing is pushed on a guess. `scheduler.quota.plan_line` spends what is left by priority,
keeps the reserve for urgent rows and bundles what one chat has waiting into one push. Every
request gets a new retry key, stored on its rows and committed before the call: a dispatcher
killed mid-call is followed by one that sends the same request with the same key, which LINE
answers 409 (sent) if it went through.

What the quota cannot carry is held: sent on Telegram instead when the member has a reachable
Telegram chat, otherwise it waits (the member's next reply carries it for free, or the quota comes
back). A 429 "monthly limit" holds the whole channel until LINE's month turns (Tokyo time).
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from messaging.sender import (
    QUOTA_EXHAUSTED,
    RATE_LIMITED,
    Delivery,
    Multicaster,
    Outcome,
    Quota,
    QuotaReader,
)
from models import ChannelHold, OutboxMessage
from scheduler.backoff import NOT_TRIED_SECONDS
from scheduler.claim import Claimed, HeldRoom
from scheduler.fallback import fallback_chats, with_own_copy
from scheduler.guard import guarded
from scheduler.outcomes import Recorder, replies_of
from scheduler.pacing import LINE as LINE_PACE
from scheduler.quota import URGENT, Plan, Waiting, plan_line, reserve_units
from scheduler.quota_memory import give_back, remember_quota, sync_spent, take_units
from services import outbox
from services.accounts import set_reachable

if TYPE_CHECKING:
    from scheduler.dispatcher import Dispatcher

log = logging.getLogger(__name__)

LINE = "line"
FALLBACK = "telegram"
LINE_MONTH = ZoneInfo("Asia/Tokyo")  # LINE's monthly quota turns at midnight Japan time
HELD_LOOK_AGAIN = timedelta(minutes=15)  # held rows are planned again this often
QUOTA_READ_AGAIN = timedelta(minutes=1)  # pushes made elsewhere (another tool) show up within this
MONTHLY_LIMIT = "monthly_limit"
TABLE = OutboxMessage.__table__  # set-based writes by id go through Core, not the ORM's UPDATE


def line_month(now: datetime) -> str:
    return now.astimezone(LINE_MONTH).strftime("%Y-%m")


def next_line_month(now: datetime) -> datetime:
    """The first moment of the next month in Tokyo, when LINE's quota starts again."""
    local = now.astimezone(LINE_MONTH)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


@dataclass
class Request:
    """One push (one chat) or one multicast (many chats, identical content)."""

    rows: list[Claimed]
    chats: list[str]
    multicast: bool
    key: str | None
    fresh: bool  # its retry key is new in this batch (never sent before)

    @property
    def cost(self) -> int:
        messages = sum(len(r.payload) for r in self.rows) if not self.multicast else len(self.rows[0].payload)
        return len(self.chats) * max(math.ceil(messages / 5), 1)

    @property
    def order(self) -> tuple[int, datetime, int]:
        return min((r.priority, r.created_at, r.id) for r in self.rows)


class LineDelivery:
    def __init__(self, dispatcher: Dispatcher) -> None:
        self.d = dispatcher
        self.first_left: int | None = None  # quota left at the first read of this drain
        self.spent = 0  # units spent since: LINE's consumption count may lag behind
        self.quota: Quota | None = None
        self.reserve = 0
        self.read_at: datetime | None = None  # when the quota was last read
        self.slots: list[float] = []  # LINE send moments reserved and not used yet
        self.pending = 1

    def start_drain(self, session: Session) -> None:
        """Where the quota stands before the first claim, so held rows are looked at again only
        if it has room for them (read only when LINE has rows to go)."""
        self.first_left, self.spent, self.quota, self.read_at = None, 0, None, None
        self.slots: list[float] = []
        self.pending = 1  # requests still to send in this batch: no more slots are reserved
        if LINE in self.d.senders and session.scalar(select(OutboxMessage.id).where(
                OutboxMessage.channel == LINE, OutboxMessage.status.in_(outbox.WAITING)).limit(1)):
            self.read_quota(session)

    def fanout(self) -> tuple[str, int] | None:
        """Claim several multicasts' worth of one announcement at once, where LINE multicasts."""
        if isinstance(self.d.senders.get(LINE), Multicaster) and self.d.settings.fanout_size > 0:
            return LINE, self.d.settings.fanout_size
        return None

    # --- which held rows to look at again ----------------------------------------------------
    def held_rooms(self, session: Session, now: datetime) -> list[HeldRoom]:
        if LINE not in self.d.senders:
            return []
        fallback = FALLBACK if FALLBACK in self.d.senders else None
        if self.d.line_hold(session, now) is not None:
            return [HeldRoom(LINE, -1, fallback)]
        left = self.left()
        if left is None:
            return [HeldRoom(LINE, None, fallback)]
        room = -1 if left <= 0 else URGENT if left <= self.reserve else None
        return [HeldRoom(LINE, room, fallback)]

    def left(self) -> int | None:
        if self.quota is None or self.quota.left is None:
            return None
        return min(self.quota.left, (self.first_left or 0) - self.spent)

    def read_quota(self, session: Session) -> bool:
        """Where the month stands; False when LINE could not say."""
        sender = self.d.senders[LINE]
        if not isinstance(sender, QuotaReader):
            self.quota, self.reserve = Quota(None, 0), 0
            return True
        try:
            quota = sender.quota()
        except Exception as exc:  # noqa: BLE001 - unread is unread: nothing is pushed on a guess
            log.warning("the LINE quota could not be read: %s", type(exc).__name__)
            quota = None
        if quota is None:
            return False
        self.quota, self.read_at = quota, self.d.clock()
        self.reserve = reserve_units(self.d.settings.line_quota_reserve, quota.limit)
        if self.first_left is None:
            self.first_left = quota.left
        remember_quota(session, LINE, quota, self.d.clock())
        if quota.limit is not None:
            sync_spent(session, LINE, line_month(self.d.clock()), quota.used)
        session.commit()  # no write stays open while the pacer (its own transaction) reserves a slot
        return True

    def must_read(self, rows: list[Claimed]) -> bool:
        """Whether the quota is read again before this batch: never read (or unreadable), a minute
        old, or the batch could cost more than is left beyond the reserve (then the plan holds
        rows, and should do so on LINE's latest figure). At most one unit a recipient per five
        messages: bundling only makes it less."""
        if self.quota is None or self.read_at is None or self.d.clock() - self.read_at >= QUOTA_READ_AGAIN:
            return True
        left = self.left()
        if left is None:  # unlimited
            return False
        most = sum(max(math.ceil(len(r.payload) / 5), 1) for r in rows)
        return most > left - self.reserve

    # --- one batch ---------------------------------------------------------------------------
    def deliver(self, session: Session, rows: list[Claimed], recorder: Recorder) -> None:
        by_id = {r.id: r for r in rows}
        if self.d.line_hold(session, self.d.clock()) is not None:
            self.hold(session, rows, recorder)
            return
        if self.must_read(rows) and not self.read_quota(session):
            recorder.not_tried(list(by_id), NOT_TRIED_SECONDS, "the LINE quota could not be read")
            return
        plan = plan_line([Waiting(r.id, r.external_user_id, r.priority, max(len(r.payload), 1), r.created_at,
                                  r.content_key, r.retry_key) for r in rows],
                         left=self.left(), reserve=self.reserve)
        requests = self.requests(plan, by_id)
        self.pending, self.slots = max(len(requests), 1), []  # slots of a batch before are stale
        self.store_keys(session, requests)
        self.hold(session, [by_id[i] for i in plan.held], recorder)
        for n, request in enumerate(requests):
            month = line_month(self.d.clock())
            if not self.take(request, month):  # other dispatchers spent what this one planned on
                self.hold(session, request.rows, recorder, keep_key=not request.fresh)
                continue
            delivery = self.send(request)
            if delivery.ok or delivery.uncertain:
                self.spent += request.cost
            elif delivery.sent == 0 and self.quota is not None and self.quota.limit is not None:
                with self.d.Session() as shared, shared.begin():
                    give_back(shared, LINE, month, request.cost)
            via = "multicast" if request.multicast else "push"
            outcome = recorder.record(request.rows, delivery, via=via)
            if outcome == QUOTA_EXHAUSTED:
                self.month_used_up(session, request, delivery, requests[n + 1:], recorder)
                return
            if outcome == RATE_LIMITED:  # everyone slows down, not only this dispatcher
                self.d.pacer.push_back(LINE_PACE, self.d.pacer.now() + (delivery.retry_after or 1.0))
            self.d.keep_lease(session)

    def take(self, request: Request, month: str) -> bool:
        """The request's units from the month's counter shared by all dispatchers, within the
        limit (urgent rows) or the limit less the reserve (the rest)."""
        if self.quota is None or self.quota.limit is None:
            return True
        cap = self.quota.limit - (0 if request.order[0] <= URGENT else self.reserve)
        with self.d.Session() as shared, shared.begin():
            return take_units(shared, LINE, month, request.cost, cap)

    def requests(self, plan: Plan, by_id: dict[int, Claimed]) -> list[Request]:
        sender = self.d.senders[LINE]
        can_multicast = isinstance(sender, Multicaster)
        found: list[Request] = []
        for chat, ids in plan.pushes:
            found.append(Request([by_id[i] for i in ids], [chat], False, None, True))
        for chats, ids in plan.multicasts:
            if can_multicast:
                found.append(Request([by_id[i] for i in ids], chats, True, None, True))
            else:
                found.extend(Request([by_id[i]], [by_id[i].external_user_id], False, None, True) for i in ids)
        for ids in plan.retries:  # an earlier request again, exactly as it was
            group = sorted((by_id[i] for i in ids), key=lambda r: (r.priority, r.created_at, r.id))
            chats = sorted({r.external_user_id for r in group})
            found.append(Request(group, chats, len(chats) > 1, group[0].retry_key, False))
        return sorted(found, key=lambda r: r.order)

    def store_keys(self, session: Session, requests: list[Request]) -> None:
        """A new retry key on every row of each new request, committed before any call."""
        singles = []
        for request in requests:
            if not request.fresh:
                continue
            request.key = str(uuid.uuid4())
            if len(request.rows) > 1:  # a multicast or a bundle: one statement for its rows
                ids = [r.id for r in request.rows]
                session.execute(update(TABLE).where(TABLE.c.id.in_(ids)).values(retry_key=request.key))
            else:
                singles.append({"id": request.rows[0].id, "retry_key": request.key})
        if singles:
            session.execute(update(OutboxMessage), singles)
        session.commit()

    def next_slot(self) -> float:
        """The moment the next request may go. Slots are reserved a second's worth at a time (one
        statement, not one per request); a slot left unused when the drain ends is simply lost."""
        if not self.slots:
            interval = 1.0 / self.d.settings.line_rate
            count = max(1, min(int(self.d.settings.line_rate), self.pending))
            first = self.d.pacer.reserve(LINE_PACE, interval, count)
            self.slots = [first + i * interval for i in range(count)]
        self.pending = max(self.pending - 1, 1)
        return self.slots.pop(0)

    def send(self, request: Request) -> Delivery:
        sender = self.d.senders[LINE]
        at = self.next_slot()
        if (later := self.d.too_long_a_wait(at)) is not None:
            return later
        self.d.pacer.wait_until(at)
        assert request.key is not None
        key = request.key
        if request.multicast:
            assert isinstance(sender, Multicaster)
            return guarded(lambda: sender.deliver_many(request.chats, replies_of(request.rows[0]), key), LINE)
        replies = [reply for row in request.rows for reply in replies_of(row)]
        return guarded(lambda: sender.deliver(request.chats[0], replies, key), LINE)

    # --- holding -------------------------------------------------------------------------------
    def month_used_up(self, session: Session, request: Request, delivery: Delivery,
                      rest: list[Request], recorder: Recorder) -> None:
        """LINE says the month's quota is gone: nothing more is pushed until the month turns."""
        now = self.d.clock()
        session.merge(ChannelHold(channel=LINE, reason=MONTHLY_LIMIT, until=next_line_month(now), since=now))
        # Rows no dispatcher holds now wait too; looked at again at once for a Telegram fallback.
        session.execute(update(OutboxMessage).where(
            OutboxMessage.channel == LINE, OutboxMessage.status.in_((outbox.PENDING, outbox.RETRY)))
            .values(status=outbox.HELD, next_attempt_at=None),
            execution_options={"synchronize_session": False})
        session.commit()
        self.hold(session, request.rows, recorder,
                  keep_key=not request.fresh or delivery.sent > 0 or delivery.uncertain)
        for later in rest:
            self.hold(session, later.rows, recorder, keep_key=not later.fresh)

    def hold(self, session: Session, rows: list[Claimed], recorder: Recorder, *,
             keep_key: bool = True) -> None:
        """Rows the quota cannot carry: on Telegram where the member has it (and the notice is not
        on its way there already), else held."""
        if not rows:
            return
        chats = fallback_chats(session, rows, FALLBACK) if FALLBACK in self.d.senders else {}
        copied = with_own_copy(session, rows, FALLBACK) if chats else set()
        waiting: list[int] = []
        for row in rows:
            chat = chats.get(row.member_id) if row.member_id is not None else None
            if chat is None or row.id in copied:
                waiting.append(row.id)
                continue
            delivery = self.d.send(FALLBACK, chat, replies_of(row), f"{row.key}:{FALLBACK}")
            if delivery.ok:
                recorder.sent([row.id], via=FALLBACK)
                continue
            if delivery.outcome is Outcome.BLOCKED:
                set_reachable(session, FALLBACK, chat, False, at=self.d.clock())
                session.commit()
            waiting.append(row.id)
        recorder.held(waiting, look_again=self.d.clock() + HELD_LOOK_AGAIN, keep_key=keep_key)
