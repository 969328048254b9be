"""One clock for everything the scheduler decides: due jobs, leases, retry times, quiet hours.

`kongtun jobs run --at` and the tests start the clock at a chosen moment; it then runs on in real
time, so a batch that takes a minute also moves its leases a minute on.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class StartingAt:
    """A clock that reads `at` now and runs on from there."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("the starting moment needs a time zone")
        self._at = at
        self._start = _time.monotonic()

    def __call__(self) -> datetime:
        return self._at + timedelta(seconds=_time.monotonic() - self._start)


class ManualClock:
    """A clock a test moves by hand; `sleep` moves it instead of waiting."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=max(seconds, 0))


@dataclass(frozen=True)
class QuietHours:
    """A local time window with no pushes; it may span midnight (21:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """"21:00-08:00"; "" or "off" for none. Raises ValueError for anything else."""
        text = text.strip().lower()
        if text in ("", "off", "none"):
            return None
        try:
            first, second = (part.strip() for part in text.split("-"))
            return cls(time.fromisoformat(first), time.fromisoformat(second))
        except ValueError:
            raise ValueError(f"KONGTUN_QUIET_HOURS must look like 21:00-08:00, not {text!r}") from None

    def contains(self, local: datetime) -> bool:
        now = local.timetz().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def ends_after(self, local: datetime) -> datetime:
        """The first moment at or after `local` outside the window (`local` itself if outside)."""
        if not self.contains(local):
            return local
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end > local else end + timedelta(days=1)
