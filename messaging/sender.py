"""One way to send: every channel (LINE, Telegram, the simulator) implements `Sender`.

The outbox dispatcher knows only this interface. A sender delivers replies to one chat with an
idempotency key and says what happened; it decides nothing about who should get what.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from messaging.values import Reply

# Why a LINE push came back 429 matters: the month's quota is gone (hold until next month) or the
# rate limit was hit (slow down). Both are `Outcome.RETRY`; the reason tells them apart.
QUOTA_EXHAUSTED = "quota_exhausted"
RATE_LIMITED = "rate_limited"


class Outcome(enum.StrEnum):
    SENT = "sent"  # delivered (or already delivered under this key)
    RETRY = "retry"  # not now: a transient failure; `retry_after` when the platform says
    BLOCKED = "blocked"  # the person blocked the bot: stop pushing to this chat
    REFUSED = "refused"  # refused for good (bad request, unknown chat): retrying changes nothing


@dataclass(frozen=True)
class Delivery:
    """What became of one delivery. `reason` is short and never holds personal data."""

    outcome: Outcome
    sent: int = 0  # platform requests or messages that did go out before the outcome
    retry_after: float | None = None  # seconds, when the platform gave a figure
    reason: str | None = None
    # The request may have gone through although no success came back (a timeout, a 5xx: LINE says
    # such a message may have been delivered). Sending again may then repeat it.
    uncertain: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SENT


@runtime_checkable
class Sender(Protocol):
    """Deliver replies to one chat of one channel."""

    channel: str

    def deliver(self, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        """Send `replies` to chat `to`. Sending again with the same `key` must not deliver twice
        where the platform allows it (LINE's retry key, the simulator's inbox); Telegram has no
        such key, so there a repeat is possible and the caller keeps track of what was sent."""
        ...


@dataclass(frozen=True)
class Quota:
    """A channel's monthly message quota as the platform reports it; `limit` None means unlimited."""

    limit: int | None
    used: int

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


@runtime_checkable
class Multicaster(Protocol):
    """A sender that can deliver the same replies to many chats in one request (LINE multicast)."""

    max_recipients: int

    def deliver_many(self, to: Sequence[str], replies: Sequence[Reply], key: str) -> Delivery:
        """Send identical `replies` to every chat in `to` (at most `max_recipients`), with one
        idempotency key for the whole request."""
        ...


@runtime_checkable
class QuotaReader(Protocol):
    """A sender whose platform counts pushes against a monthly quota (LINE)."""

    def quota(self) -> Quota | None:
        """The quota now, or None when it cannot be read (then nothing is pushed on a guess)."""
        ...
