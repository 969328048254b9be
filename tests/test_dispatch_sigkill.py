"""A dispatcher killed with SIGKILL mid-batch, and another started after its lease ran out: every
recipient gets each message exactly once, counted on the fake LINE's side."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services import outbox
from tests.dispatch_fixtures import add_row, rows_by_key
from tests.dispatch_worker import LEASE_SECONDS

ROOT = Path(__file__).resolve().parents[1]
RECIPIENTS = [f"U{i:032x}" for i in range(1, 13)]


def _worker(database_url: str, api_url: str, start: datetime, owner: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.dispatch_worker", database_url, api_url,
                             start.isoformat(), owner], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the dispatcher made no progress"
        time.sleep(0.002)


def test_a_dispatcher_killed_mid_batch_loses_none_and_doubles_none(outbox_db, database_url, fake_line):
    for i, user in enumerate(RECIPIENTS):
        add_row(outbox_db, f"dues:{i}", user=user, kind="dues_reminder", texts=(f"ค่าสมาชิกเดือนนี้ค่ะ {i}",))
        if i % 3 == 0:  # a second message to some
            add_row(outbox_db, f"meeting:{i}", user=user, kind="meeting_reminder", texts=(f"ประชุมค่ะ {i}",))
    # Each push is taken by LINE at once but answered late: killed after a push was taken, the
    # dispatcher never learned it went.
    fake_line.answer_late("pushMessage", 0.1, times=100)
    start = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)

    first = _worker(database_url, fake_line.url, start, "first")
    try:
        _wait_for(lambda: fake_line.counts["pushMessage"] >= 5)
        first.send_signal(signal.SIGKILL)
    finally:
        first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    left = Counter(r.status for r in rows_by_key(outbox_db).values())
    assert left[outbox.SENDING] > 0, f"killed mid-batch, with rows still leased: {left}"

    restart = start + timedelta(seconds=LEASE_SECONDS + 1)
    second = _worker(database_url, fake_line.url, restart, "second")
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    fake_line.settle()

    rows = rows_by_key(outbox_db).values()
    assert {r.status for r in rows} == {outbox.SENT}, Counter(r.status for r in rows)
    received = Counter()
    for call in fake_line.calls("pushMessage"):
        if call.status == 200:
            for message in call.json["messages"]:
                received[(call.json["to"], message["text"])] += 1
    expected = {(r.external_user_id, r.payload[0]["text"]) for r in rows}
    assert set(received) == expected and set(received.values()) == {1}
    statuses = {c.status for c in fake_line.calls("pushMessage")}
    assert 409 in statuses, "the push LINE took was sent again with its key"
    assert json.loads(out)["sent"] > 0
