"""A send that raised instead of answering is an outcome like any other."""

from __future__ import annotations

import logging
from collections.abc import Callable

from messaging.sender import Delivery, Outcome

log = logging.getLogger(__name__)


def guarded(call: Callable[[], Delivery], channel: str) -> Delivery:
    """A sender that raises instead of answering: the row goes again later, and the rest of the
    batch still goes (one bad row must not stop every drain)."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - whatever the SDK raised, the outcome is "not now"
        # Only the type: an SDK's message or traceback may carry a token (Telegram's is in its URLs).
        log.warning("%s sender raised %s: the row goes again later", channel, type(exc).__name__)
        return Delivery(Outcome.RETRY, reason=f"{channel} sender raised {type(exc).__name__}", uncertain=True)
