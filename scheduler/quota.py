"""Planning LINE pushes within the month's quota: pure, no session and no clock.

LINE counts every push and multicast once per recipient, whatever the number of message objects up
to five; replies are free. So what one chat has waiting goes as one push of up to five messages,
the most urgent first; multicast saves requests, not quota, and is used only where a chat's push
would carry exactly one message shared by many (an announcement).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

MAX_MESSAGES = 5  # message objects in one push or multicast
MAX_RECIPIENTS = 500  # chats in one multicast
URGENT = 1  # a bundle of this priority or lower may spend the reserve (services.outbox.URGENT)


@dataclass(frozen=True)
class Waiting:
    """One outbox row that could be pushed on LINE now."""

    row_id: int
    chat: str
    priority: int
    messages: int  # LINE message objects it renders to
    created_at: datetime
    content_key: str | None = None  # identical content shares this key
    group: str | None = None  # the retry key of an earlier attempt: it goes again exactly as before


@dataclass
class Plan:
    pushes: list[tuple[str, list[int]]] = field(default_factory=list)  # (chat, row ids): one push
    multicasts: list[tuple[list[str], list[int]]] = field(default_factory=list)  # (chats, row ids)
    retries: list[list[int]] = field(default_factory=list)  # earlier requests, sent again as they were
    held: list[int] = field(default_factory=list)
    units: int = 0  # quota units the plan spends


def reserve_units(setting: str, limit: int | None) -> int:
    """LINE_QUOTA_RESERVE as units: "10%" of the month's limit, or a plain number."""
    text = setting.strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text)
    if match:
        return 0 if limit is None else math.ceil(limit * float(match.group(1)) / 100)
    if text.isdigit():
        return int(text)
    raise ValueError(f"LINE_QUOTA_RESERVE must be a number or a percentage, not {setting!r}")


@dataclass
class _Unit:
    """Rows that go in one request (or one earlier request's rows), with what they cost."""

    rows: list[Waiting]
    cost: int
    retry: bool = False

    @cached_property  # sorting 100,000 units of an announcement asks it often; rows never change
    def order(self) -> tuple[int, datetime, int]:
        first = self.rows[0]
        return (min(r.priority for r in self.rows), first.created_at, first.row_id)


def _bundles(rows: list[Waiting]) -> list[_Unit]:
    """One chat's waiting rows, most urgent first, packed into pushes of up to five messages."""
    if len(rows) == 1 and rows[0].messages <= MAX_MESSAGES:  # most chats of an announcement
        return [_Unit(rows, 1)]
    units: list[_Unit] = []
    current: list[Waiting] = []
    size = 0
    for row in sorted(rows, key=lambda r: (r.priority, r.created_at, r.row_id)):
        if row.messages > MAX_MESSAGES:  # goes alone, as several requests
            units.append(_Unit([row], math.ceil(row.messages / MAX_MESSAGES)))
            continue
        if current and size + row.messages > MAX_MESSAGES:
            units.append(_Unit(current, 1))
            current, size = [], 0
        current.append(row)
        size += row.messages
    if current:
        units.append(_Unit(current, 1))
    return units


def plan_line(waiting: Sequence[Waiting], *, left: int | None, reserve: int) -> Plan:
    """Which rows to push now and how, within `left` units (None: no limit), keeping `reserve`
    units for urgent rows; the rest are held."""
    units: list[_Unit] = []
    by_chat: dict[str, list[Waiting]] = defaultdict(list)
    groups: dict[str, list[Waiting]] = defaultdict(list)
    for row in waiting:
        (groups[row.group] if row.group else by_chat[row.chat]).append(row)
    for rows in groups.values():
        units.append(_Unit(rows, len({r.chat for r in rows}), retry=True))
    for rows in by_chat.values():
        units.extend(_bundles(rows))
    units.sort(key=lambda u: u.order)

    plan = Plan()
    budget = math.inf if left is None else left
    chosen: list[_Unit] = []
    for unit in units:
        priority = unit.order[0]
        room = budget if priority <= URGENT else budget - reserve
        if unit.cost <= room:
            budget -= unit.cost
            plan.units += unit.cost
            chosen.append(unit)
        else:
            plan.held.extend(r.row_id for r in unit.rows)

    shared: dict[str, list[Waiting]] = defaultdict(list)
    for unit in chosen:
        if unit.retry:
            plan.retries.append([r.row_id for r in unit.rows])
        elif len(unit.rows) == 1 and unit.rows[0].content_key:
            shared[unit.rows[0].content_key].append(unit.rows[0])
        else:
            plan.pushes.append((unit.rows[0].chat, [r.row_id for r in unit.rows]))
    for rows in shared.values():
        if len(rows) == 1:
            plan.pushes.append((rows[0].chat, [rows[0].row_id]))
            continue
        for i in range(0, len(rows), MAX_RECIPIENTS):
            chunk = rows[i:i + MAX_RECIPIENTS]
            plan.multicasts.append(([r.chat for r in chunk], [r.row_id for r in chunk]))
    return plan
