"""Purge what is no longer needed: finished dialogs, link failures past their counting window,
event ids past any redelivery, and delivered or expired outbox rows past the committee's reports."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from models import DialogState, LinkFailure, OutboxMessage, ProcessedEvent
from scheduler.jobs.recording import RunRecord
from services import outbox
from services.linking import FAILURE_WINDOW

log = logging.getLogger(__name__)

DIALOGS = timedelta(days=1)  # a dialog times out after 30 minutes; a day is plenty
# Failed link attempts count only within the linking window (services.linking.FAILURE_WINDOW).
LINK_FAILURES = FAILURE_WINDOW
EVENTS = timedelta(days=7)  # LINE and Telegram redeliver within hours, not a week
OUTBOX = timedelta(days=90)  # kept for the committee's delivery counts of a quarter


def decide(Session: sessionmaker, at: datetime, tz: ZoneInfo, record: RunRecord) -> int:
    with Session() as session, session.begin():
        counts = {
            "dialogs": session.execute(delete(DialogState).where(DialogState.updated_at < at - DIALOGS)),
            "link_failures": session.execute(delete(LinkFailure).where(LinkFailure.at < at - LINK_FAILURES)),
            "events": session.execute(delete(ProcessedEvent).where(
                ProcessedEvent.processed_at < at - EVENTS)),
            "outbox": session.execute(delete(OutboxMessage).where(
                OutboxMessage.status.in_((outbox.SENT, outbox.EXPIRED)),
                OutboxMessage.created_at < at - OUTBOX)),
        }
    removed = {name: result.rowcount for name, result in counts.items()}
    if any(removed.values()):
        log.info("purged %s", ", ".join(f"{n} {name}" for name, n in removed.items()))
    return 0  # writes no outbox rows
