"""The paid side of the fake LINE: push, multicast and the monthly quota, as LINE keeps them.

- An `X-Line-Retry-Key` (a UUID) seen on an accepted request is answered 409 with
  `X-Line-Accepted-Request-Id`: the request was accepted before, nothing is delivered again.
- The quota: `quota_limit` units a month (None: no limit, LINE's type `none`); an accepted push costs
  one unit, a multicast one per recipient; a request that does not fit what is left is refused whole,
  429 "You have reached your monthly limit.". `GET /v2/bot/message/quota` and `/quota/consumption`
  report it.
- What each person received: `delivered(user)` counts the accepted requests that named them (once per
  request, whatever the retries and 409s), `received(user)` lists their messages in order.
- Chaos (`chaos(seed=...)`): a seeded share of send calls answered 500, some after the request was
  accepted (delivered, but the answer lost), some before; and bursts of 429 "The API rate limit has
  been exceeded. Try again later.".

A mixin of `line_server.FakeLine`: it uses the fake's lock and `validate`.
"""

from __future__ import annotations

import random
import re
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.line_server import Recorded

MONTHLY_LIMIT = "You have reached your monthly limit."
RATE_LIMIT = "The API rate limit has been exceeded. Try again later."
ACCEPTED_BEFORE = "The retry key is already accepted"
CHAT_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
USER_ID = re.compile(r"^U[0-9a-f]{32}$")  # a multicast goes to users only, not groups or rooms
SEND_OPERATIONS = ("pushMessage", "multicast")

Answer = tuple[int, dict[str, str], Any]


@dataclass
class Chaos:
    """How unreliable the fake's send operations are; every draw comes from one seeded generator."""

    rng: random.Random
    error_rate: float = 0.3  # share of send calls answered 500
    accepted_share: float = 0.5  # of those, the share LINE had acted on before failing
    burst_rate: float = 0.03  # share of calls that start a burst of rate-limit 429s
    burst_length: int = 4  # calls answered 429 in a burst
    retry_after: int | None = None  # a Retry-After header on those 429s (LINE sends none)
    left_in_burst: int = 0
    failed_before: int = 0
    failed_after: int = 0
    rate_limited: int = 0

    def draw(self) -> str:
        """What becomes of one call: "ok", "rate" (429), "before" (500, not acted on) or "after"
        (acted on, then answered 500)."""
        if self.left_in_burst or self.rng.random() < self.burst_rate:
            self.left_in_burst = (self.left_in_burst or self.burst_length) - 1
            self.rate_limited += 1
            return "rate"
        if self.rng.random() < self.error_rate:
            if self.rng.random() < self.accepted_share:
                return "after"  # counted in `failed_after` once the fake has acted on the call
            self.failed_before += 1
            return "before"
        return "ok"


class Deliveries:
    _lock: threading.Lock
    validate: bool
    _api: Any  # the Messaging API's OpenAPI document (tests.fakes.openapi), None without validation

    def _init_deliveries(self) -> None:
        self.retry_keys: set[str] = set()
        self.quota_limit: int | None = None
        self.consumption = 0
        self.inbox: dict[str, list[list[dict]]] = defaultdict(list)  # user -> accepted message arrays
        self._chaos: Chaos | None = None
        self._fates: dict[str, deque[str]] = defaultdict(deque)

    # --- scripting -------------------------------------------------------------------------------
    def chaos(self, seed: int = 0, **settings: Any) -> Chaos:
        """Make push and multicast unreliable (see `Chaos`); the returned object counts what it did."""
        self._chaos = Chaos(random.Random(seed), **settings)
        return self._chaos

    def calm(self) -> None:
        self._chaos = None

    def script(self, operation: str, *fates: str) -> None:
        """The fates of the next calls of a send operation, before any chaos: "ok", "rate" (429),
        "before" (500, not acted on) or "after" (acted on, then answered 500)."""
        assert set(fates) <= {"ok", "rate", "before", "after"}, fates
        with self._lock:
            self._fates[operation].extend(fates)

    def set_quota(self, limit: int | None, used: int = 0) -> None:
        """This month's limit (None: unlimited) and what is used of it already."""
        with self._lock:
            self.quota_limit, self.consumption = limit, used

    @property
    def quota_left(self) -> int | None:
        return None if self.quota_limit is None else max(self.quota_limit - self.consumption, 0)

    # --- what people received --------------------------------------------------------------------
    def delivered(self, user: str) -> int:
        """Accepted push and multicast requests that named `user`: each counted once."""
        with self._lock:
            return len(self.inbox.get(user, ()))

    def received(self, user: str) -> list[dict]:
        """Every message `user` received by push or multicast, in order."""
        with self._lock:
            return [m for messages in self.inbox.get(user, ()) for m in messages]

    def recipients(self) -> set[str]:
        with self._lock:
            return {user for user, got in self.inbox.items() if got}

    # --- operations ------------------------------------------------------------------------------
    def op_pushMessage(self, rec: Recorded, _t: str) -> Answer:
        to = rec.json["to"]
        if self.validate and not CHAT_ID.match(to):
            rec.errors.append(f"to={to!r} is not a LINE user, group or room id")
            return 400, {}, {"message": "The property, 'to', in the request body is invalid"}
        return self._send(rec, [to])

    def op_multicast(self, rec: Recorded, _t: str) -> Answer:
        to = rec.json["to"]
        if self.validate:
            wrong = [t for t in to if not isinstance(t, str) or not USER_ID.match(t)]
            if wrong:
                rec.errors.append(f"to: {len(wrong)} ids are not LINE user ids (e.g. {wrong[0]!r})")
                return 400, {}, {"message": "The property, 'to', in the request body is invalid"}
            if len(set(to)) != len(to):
                rec.errors.append("to: the same user id twice in one multicast")
                return 400, {}, {"message": "The property, 'to', in the request body is invalid"}
        return self._send(rec, list(to))

    def op_getMessageQuota(self, rec: Recorded, _t: str) -> Answer:
        with self._lock:
            limit = self.quota_limit
        return self._answer(rec, {"type": "none"} if limit is None else {"type": "limited", "value": limit})

    def op_getMessageQuotaConsumption(self, rec: Recorded, _t: str) -> Answer:
        with self._lock:
            used = self.consumption
        return self._answer(rec, {"totalUsage": used})

    def _answer(self, rec: Recorded, payload: dict) -> Answer:
        """A 200 answer, itself checked against the operation's response schema: the bot must be
        tested against what LINE really answers, not what the fake happens to say."""
        if self._api is not None:
            _template, op = self._api.operation(rec.method, rec.path)
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            rec.errors += [f"the fake's own answer: {e}" for e in self._api.errors(schema, payload)]
        return 200, {}, payload

    def _send(self, rec: Recorded, to: list[str]) -> Answer:
        key = rec.headers.get("x-line-retry-key")
        if key is not None:
            try:
                uuid.UUID(key)
            except ValueError:
                rec.errors.append(f"X-Line-Retry-Key {key!r} is not a UUID")
                return 400, {}, {"message": "The retry key is invalid"}
        with self._lock:
            chaos = self._chaos
            scripted = self._fates.get(rec.operation or "")
            drawn = not scripted and chaos is not None
            fate = scripted.popleft() if scripted else chaos.draw() if chaos is not None else "ok"
            if fate == "rate":
                wait = chaos.retry_after if drawn and chaos is not None else None
                return 429, {"Retry-After": str(wait)} if wait is not None else {}, {"message": RATE_LIMIT}
            if fate == "before":
                return 500, {}, {"message": "Internal server error"}
            if key is not None and key in self.retry_keys:
                return 409, {"x-line-accepted-request-id": key}, {"message": ACCEPTED_BEFORE}
            if self.quota_limit is not None and self.consumption + len(to) > self.quota_limit:
                return 429, {}, {"message": MONTHLY_LIMIT}
            if key is not None:
                self.retry_keys.add(key)
            self.consumption += len(to)
            messages = rec.json["messages"]
            for user in to:
                self.inbox[user].append(messages)
            if fate == "after":  # LINE acted on it, but the answer is an error
                if drawn and chaos is not None:
                    chaos.failed_after += 1
                return 500, {}, {"message": "Internal server error"}
        if rec.operation == "multicast":
            return self._answer(rec, {})
        sent = [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex}
                for _ in rec.json["messages"]]
        return self._answer(rec, {"sentMessages": sent})

