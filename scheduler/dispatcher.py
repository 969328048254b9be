"""The outbox dispatcher: delivers what is due now through each channel's `Sender`.

`Dispatcher.deliver()` drains: it claims a batch of due rows (`scheduler.claim`, leased to this
dispatcher), sends them, writes each request's outcome right after its call (`scheduler.outcomes`)
and claims again until nothing is due. Any number of dispatchers may run against one database:
claims never overlap, and the send rates are shared through the `SendPace` table
(`scheduler.pacing`). LINE rows are planned within the month's quota (`scheduler.line_delivery`);
Telegram goes at `telegram_rate` overall and one message a second per chat; the simulator's inbox
has neither quota nor pace.

Quiet hours: while the local time is inside them nothing is pushed, except answers (`kind
"answer"`): a member asked a question and the reply to it failed; they are waiting for it now, so
it goes at once, as a reply would have. Everything else waits, and the report says how much.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from messaging.sender import RATE_LIMITED, Delivery, Outcome, Sender
from messaging.values import Reply
from models import ChannelHold
from scheduler import claim as claiming
from scheduler.clock import QuietHours, system_clock
from scheduler.guard import guarded
from scheduler.line_delivery import LINE, LineDelivery
from scheduler.outcomes import DeliveryReport, Recorder, replies_of
from scheduler.pacing import PER_CHAT_SECONDS, TELEGRAM, Pacer, chat_limit

log = logging.getLogger(__name__)

BATCH = 500  # rows per claim: one LINE multicast's worth; short enough for one lease
FANOUT = 5000  # rows of one announcement per claim: ten multicasts, a second or two of sending
IDLE_CHAT_SECONDS = 3600.0  # per-chat pace rows older than this are dropped after a drain


class DeliveryConfig(Protocol):
    """What `DeliverySettings.from_config` reads (`bot.config.Config` has it)."""

    timezone: str
    quiet_hours: str
    line_quota_reserve: str
    telegram_rate: float
    line_rate: float


@dataclass(frozen=True)
class DeliverySettings:
    tz: ZoneInfo
    quiet_hours: QuietHours | None
    line_quota_reserve: str = "10%"
    telegram_rate: float = 25.0  # messages per second, all dispatchers together
    line_rate: float = 100.0  # LINE requests per second, all dispatchers together
    lease_seconds: float = 120.0
    max_attempts: int = 8
    batch_size: int = BATCH
    fanout_size: int = FANOUT

    @classmethod
    def from_config(cls, config: DeliveryConfig) -> DeliverySettings:
        return cls(tz=ZoneInfo(config.timezone), quiet_hours=QuietHours.parse(config.quiet_hours),
                   line_quota_reserve=config.line_quota_reserve, telegram_rate=config.telegram_rate,
                   line_rate=config.line_rate)


def default_owner() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    def __init__(self, Session: sessionmaker, senders: Mapping[str, Sender], settings: DeliverySettings,
                 *, clock: Callable[[], datetime] = system_clock,
                 sleep: Callable[[float], None] = time.sleep, owner: str | None = None,
                 rng: random.Random | None = None) -> None:
        self.Session = Session
        self.senders = dict(senders)
        self.settings = settings
        self.clock = clock
        self.owner = (owner or default_owner())[:64]
        self.rng = rng or random.Random()
        self.pacer = Pacer(Session, clock, sleep)
        self.line = LineDelivery(self)
        self._renew_at: datetime | None = None

    # --- the drain -------------------------------------------------------------------------------
    def deliver(self, progress: Callable[[int, int], None] | None = None) -> DeliveryReport:
        """Send everything deliverable now; returns what became of the rows."""
        report = DeliveryReport()
        start = self.clock()
        channels = set(self.senders)
        with self.Session() as session:
            self.line.start_drain(session)
            report.expired = claiming.expire(session, start)
            quiet = self.quiet(start)
            total = claiming.count_due(session, start, channels, answers_only=quiet,
                                       held=self.line.held_rooms(session, start), ready_by=start)
            done = 0

            def advance(n: int) -> None:
                nonlocal done, total
                done += n
                total = max(total, done)
                if progress is not None:
                    progress(done, total)

            recorder = Recorder(session, report, owner=self.owner, clock=self.clock,
                                max_attempts=self.settings.max_attempts, rng=self.rng, done=advance)
            while True:
                now = self.clock()
                quiet = self.quiet(now)
                rows = claiming.claim(session, now, owner=self.owner, limit=self.settings.batch_size,
                                      lease_seconds=self.settings.lease_seconds, channels=channels,
                                      answers_only=quiet, held=self.line.held_rooms(session, now),
                                      ready_by=start, fanout=self.line.fanout())
                if not rows:
                    break
                self._renew_at = now + timedelta(seconds=self.settings.lease_seconds / 3)
                self._send_batch(session, rows, recorder)
                session.expunge_all()  # a drain of 100,000 rows keeps no batch but the current one
            if quiet:
                report.waiting_quiet = claiming.count_due(session, self.clock(), channels, ready_by=start)
        self.pacer.forget_idle_chats(self.pacer.now() - IDLE_CHAT_SECONDS)
        if report.total or report.waiting_quiet:
            log.info("outbox: %s", ", ".join(f"{k} {v}" for k, v in report.as_dict().items() if v))
        return report

    def quiet(self, now: datetime) -> bool:
        hours = self.settings.quiet_hours
        return hours is not None and hours.contains(now.astimezone(self.settings.tz))

    def _send_batch(self, session: Session, rows: Sequence[claiming.Claimed], recorder: Recorder) -> None:
        line_rows = [r for r in rows if r.channel == LINE]
        if line_rows:
            self.line.deliver(session, line_rows, recorder)
        # In the order they can go: a chat's k-th row not before k seconds (one a second in a chat),
        # so a chat with five rows waiting does not hold up forty other chats for five seconds.
        rank: Counter[tuple[str, str]] = Counter()
        ordered = []
        rate = self.settings.telegram_rate
        for row in rows:
            if row.channel == LINE:
                continue
            chat = (row.channel, row.external_user_id)
            ordered.append((max(rank[chat] * PER_CHAT_SECONDS, len(ordered) / rate), len(ordered), row))
            rank[chat] += 1
        for _, _, row in sorted(ordered, key=lambda item: item[:2]):
            delivery = self.send(row.channel, row.external_user_id, replies_of(row), row.key)
            recorder.record([row], delivery, via="push")
            self.keep_lease(session)

    # --- one send, paced -------------------------------------------------------------------------
    def send(self, channel: str, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        """One delivery to one chat, at the channel's shared pace (Telegram's overall and per-chat
        limits; the simulator has none)."""
        sender = self.senders[channel]
        if channel == TELEGRAM:
            messages = max(len(replies), 1)
            in_chat = self.pacer.reserve(chat_limit(to), PER_CHAT_SECONDS, messages)
            at = self.pacer.reserve(TELEGRAM, 1.0 / self.settings.telegram_rate, messages, earliest=in_chat)
            if (later := self.too_long_a_wait(at)) is not None:
                return later
            self.pacer.wait_until(at)
            # The overall pace may have made it later than the chat's slot: the chat's next slot
            # counts from when it really goes.
            self.pacer.push_back(chat_limit(to), self.pacer.now() + PER_CHAT_SECONDS * messages)
        delivery = guarded(lambda: sender.deliver(to, replies, key), channel)
        if channel == TELEGRAM and delivery.reason == RATE_LIMITED:
            self.pacer.push_back(TELEGRAM, self.pacer.now() + (delivery.retry_after or 1.0))
        return delivery

    def too_long_a_wait(self, at: float) -> Delivery | None:
        """A slot further off than a third of the lease (a long flood wait from Telegram) is not
        slept for while holding rows another dispatcher would take when the lease ran out: the
        row goes back, to be sent at that moment, at no cost of an attempt."""
        wait = at - self.pacer.now()
        if wait <= self.settings.lease_seconds / 3:
            return None
        return Delivery(Outcome.RETRY, retry_after=wait, reason=RATE_LIMITED)

    def keep_lease(self, session: Session) -> None:
        """A batch that takes long (a slow chat, a rate limit) keeps its rows leased."""
        now = self.clock()
        if self._renew_at is not None and now >= self._renew_at:
            claiming.renew(session, now, owner=self.owner, lease_seconds=self.settings.lease_seconds)
            self._renew_at = now + timedelta(seconds=self.settings.lease_seconds / 3)

    def line_hold(self, session: Session, now: datetime) -> ChannelHold | None:
        hold = session.get(ChannelHold, LINE, populate_existing=True)
        return hold if hold is not None and hold.until > now else None


__all__ = ["DeliveryReport", "DeliverySettings", "Dispatcher", "replies_of"]
