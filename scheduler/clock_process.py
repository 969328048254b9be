"""The clock: one APScheduler 3 scheduler that runs every job on its cron and the dispatcher every
few seconds (`kongtun scheduler`, and in-process in `kongtun demo`).

The jobs hold no state of their own: each decides from the database, under unique keys, so a
rerun, a catch-up after a restart or a second clock by mistake decides nothing new. That is why the
job store is the default in-memory one: nothing needs to survive a restart but the database.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import sessionmaker

from messaging.sender import Sender
from scheduler.clock import Clock, system_clock
from scheduler.dispatcher import DeliverySettings, Dispatcher
from scheduler.jobs import JOBS, Job

log = logging.getLogger(__name__)

DISPATCH_SECONDS = 30.0  # the clock's own dispatcher; `kongtun worker` adds more
DEMO_DISPATCH_SECONDS = 10.0
# APScheduler's default grace is 1 s: a job due while the clock restarts would be skipped silently.
# A reminder due during a restart must still go, so a run late by up to six hours still runs (and
# `coalesce` makes several missed runs one).
MISFIRE_GRACE_SECONDS = 6 * 3600
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1,
                                "misfire_grace_time": MISFIRE_GRACE_SECONDS}
DISPATCHER_ID = "dispatcher"
# The jobs and the dispatcher run side by side; a few threads are plenty, and on SQLite fewer
# writers at once wait less for each other.
WORKER_THREADS = 4


def one_line(exc: BaseException) -> str:
    """An exception as one short line for the log: a database or API outage is expected, and the
    next tick tries again, so a traceback every 30 seconds would only bury the first one."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__


def guarded(name: str, body: Callable[[], object]) -> Callable[[], object]:
    """`body`, with any exception logged in one line instead of raised: the scheduler goes on."""

    def run() -> object:
        try:
            return body()
        except Exception as exc:  # noqa: BLE001 - survive an outage; the next tick retries
            log.error("%s failed, tried again at its next run: %s", name, one_line(exc))
            return None

    run.__name__ = "run_" + name.replace(" ", "_")
    return run


def job_body(job: Job, Session: sessionmaker, settings: DeliverySettings, clock: Clock) -> Callable[[], int]:
    """One job's run at the clock's moment, in the fund's zone."""

    def run() -> int:
        written = job.run(Session, clock().astimezone(settings.tz), settings.tz)
        if written:
            log.info("job %s decided %d outbox row(s)", job.name, written)
        return written

    return run


def dispatch_body(dispatcher: Dispatcher) -> Callable[[], object]:
    def run() -> object:
        return dispatcher.deliver()  # it logs what became of the rows itself

    return run


def build_scheduler(Session: sessionmaker, senders: Mapping[str, Sender], settings: DeliverySettings, *,
                    background: bool = False, jobs: Iterable[Job] = JOBS,
                    dispatch_seconds: float = DISPATCH_SECONDS, clock: Clock = system_clock,
                    sleep: Callable[[float], None] = time.sleep, owner: str | None = None,
                    jobs_at_start: bool = True, dispatch_at_start: bool = True) -> BaseScheduler:
    """A scheduler (blocking for `kongtun scheduler`, background for the demo) in the fund's zone:
    every job on its cron trigger, the dispatcher every `dispatch_seconds`. Not started.

    At start every job runs once (the in-memory job store remembers no missed run, so this is what
    catches up after a restart; the jobs decide from the database, so it decides nothing twice)
    and the dispatcher delivers what waits; then each goes by its trigger."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not two INFO lines every tick
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(timezone=settings.tz, job_defaults=dict(JOB_DEFAULTS),
                     executors={"default": ThreadPoolExecutor(WORKER_THREADS)})
    now = datetime.now(settings.tz)
    for job in jobs:
        first = {"next_run_time": now} if jobs_at_start else {}
        scheduler.add_job(guarded(f"job {job.name}", job_body(job, Session, settings, clock)),
                          CronTrigger(timezone=settings.tz, **job.cron), id=job.name, name=job.name, **first)
    dispatcher = Dispatcher(Session, senders, settings, clock=clock, sleep=sleep, owner=owner)
    first = {"next_run_time": now} if dispatch_at_start else {}
    scheduler.add_job(guarded("the dispatcher", dispatch_body(dispatcher)),
                      IntervalTrigger(seconds=dispatch_seconds, timezone=settings.tz),
                      id=DISPATCHER_ID, name=DISPATCHER_ID, **first)
    return scheduler


def stop_on_signals(stop: Callable[[], None]) -> Callable[[], None]:
    """Call `stop` on SIGTERM (the platform's restart) and SIGINT (Ctrl-C); returns a function that
    puts the previous handlers back."""

    def handler(signum: int, _frame: object) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore


def serve(scheduler: BlockingScheduler) -> None:
    """Run until SIGTERM or SIGINT. No new run starts after the signal; the runs in progress go on
    to their end (a delivery commits each row as it goes), then this returns. A platform's SIGKILL
    after its grace period loses nothing either: leased rows go to another dispatcher when their
    lease ends, under the retry keys stored before each LINE request."""

    def shutdown() -> None:
        with contextlib.suppress(SchedulerNotRunningError):  # a second signal, or stopped already
            scheduler.shutdown(wait=True)

    # Not from the handler itself: it runs in the main thread, which may be inside the scheduler's
    # own loop holding its (re-entrant) job store lock; shutting down there empties the job store
    # under the loop's feet (JobLookupError). Another thread waits for the lock instead.
    restore = stop_on_signals(lambda: threading.Thread(target=shutdown, name="clock-stop").start())
    try:
        scheduler.start()
    finally:
        restore()


def worker_loop(deliver: Callable[[], object], stop: threading.Event, idle_seconds: float) -> int:
    """`kongtun worker`: deliver what is due, wait `idle_seconds` (cut short by `stop`), again, until
    `stop` is set. An outage is logged in one line and tried again. Returns the rounds run."""
    rounds = 0
    body = guarded("the dispatcher", deliver)
    while not stop.is_set():
        body()
        rounds += 1
        stop.wait(idle_seconds)
    return rounds
