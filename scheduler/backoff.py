"""When a row that failed for a while goes again: exponential backoff with jitter.

Doubling spreads a platform outage's retries out instead of hammering it; the jitter keeps a
thousand rows that failed in the same second from all coming back in the same second. The longest
wait is an hour, so eight attempts span about two hours: well inside LINE's 24-hour retry key.
"""

from __future__ import annotations

import random

BASE_SECONDS = 30.0
MAX_SECONDS = 3600.0
# A row that could not be tried at all (the LINE quota could not be read) looks again this soon.
NOT_TRIED_SECONDS = 60.0


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """The wait after the `attempts`-th failed attempt (1 for the first): between half and all of
    BASE * 2^(attempts-1), at most MAX_SECONDS ("equal jitter")."""
    ceiling = min(BASE_SECONDS * 2 ** max(attempts - 1, 0), MAX_SECONDS)
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
