"""The clock process (`scheduler.clock_process`): APScheduler set up as the issue asks (the zone,
coalescing, one instance, a misfire grace of hours), one scheduler job per job on its cron, the
dispatcher every 30 s; outages survived in one log line; SIGTERM stops it; the worker loop."""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from bot.channels.simulator import SimulatorSender
from messaging.values import Text
from models import SimulatorMessage, make_engine, make_sessionmaker
from scheduler.clock import ManualClock, QuietHours
from scheduler.clock_process import (
    DISPATCHER_ID,
    MISFIRE_GRACE_SECONDS,
    build_scheduler,
    guarded,
    serve,
    worker_loop,
)
from scheduler.dispatcher import DeliverySettings, Dispatcher
from scheduler.jobs import JOBS
from services.outbox import enqueue

BANGKOK = ZoneInfo("Asia/Bangkok")
WAIT = 30  # seconds a test waits for the scheduler's thread, at most; nothing sleeps


@pytest.fixture
def Session(engine, clean_db):
    return make_sessionmaker(engine)


@pytest.fixture
def at() -> ManualClock:
    return ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=BANGKOK))


@pytest.fixture
def settings() -> DeliverySettings:
    return DeliverySettings(tz=BANGKOK, quiet_hours=QuietHours.parse("21:00-08:00"))


def waiting_reminder(Session, user: str = "sim-clock") -> None:
    with Session() as session, session.begin():
        enqueue(session, key=f"meeting:{user}", channel="simulator", user_id=user, kind="meeting_reminder",
                replies=[Text("พรุ่งนี้มีประชุมประจำเดือน เวลา 09:30 น. ค่ะ")])


def inbox(Session, user: str = "sim-clock") -> list[SimulatorMessage]:
    with Session() as session:
        return list(session.scalars(select(SimulatorMessage).where(
            SimulatorMessage.external_user_id == user)))


def test_the_scheduler_runs_in_the_zone_coalescing_one_at_a_time_with_hours_of_grace(Session, settings, at):
    sender = SimulatorSender(session_factory=Session, clock=at)
    scheduler = build_scheduler(Session, {"simulator": sender}, settings, background=True, clock=at,
                                jobs_at_start=False, dispatch_at_start=False)
    assert scheduler.timezone == BANGKOK
    scheduler.start(paused=True)  # the jobs get their defaults when added to the store
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {job.name for job in JOBS} | {DISPATCHER_ID}
        for job in jobs.values():
            assert (job.coalesce, job.max_instances) == (True, 1)
            assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS >= 3600
        for job in JOBS:
            trigger = jobs[job.name].trigger
            assert isinstance(trigger, CronTrigger) and trigger.timezone == BANGKOK
            assert str(trigger) == str(CronTrigger(timezone=BANGKOK, **job.cron))
        dispatcher = jobs[DISPATCHER_ID].trigger
        assert isinstance(dispatcher, IntervalTrigger) and dispatcher.interval.total_seconds() == 30
    finally:
        scheduler.shutdown(wait=False)


def test_at_start_every_job_runs_once_and_the_dispatcher_delivers_what_waits(Session, settings, at):
    waiting_reminder(Session)
    sender = SimulatorSender(session_factory=Session, clock=at)
    scheduler = build_scheduler(Session, {"simulator": sender}, settings, background=True, clock=at,
                                sleep=at.sleep)
    ran: dict[str, object] = {}
    all_ran = threading.Event()

    def listen(event) -> None:
        ran[event.job_id] = event.retval if event.code == EVENT_JOB_EXECUTED else event.exception
        if len(ran) == len(JOBS) + 1:
            all_ran.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert all_ran.wait(WAIT), f"only {sorted(ran)} ran at start"
    finally:
        scheduler.shutdown(wait=True)
    assert all(isinstance(ran[job.name], int) for job in JOBS), ran  # nothing raised
    (message,) = inbox(Session)
    assert "09:30" in message.payload[0]["text"]
    assert message.delivered_at == at()  # the clock the process was given dates the delivery


def test_an_outage_is_one_log_line_and_the_next_run_tries_again(tmp_path, settings, caplog):
    # A database that is not there: every run fails the way an outage does, for real.
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'kongtun.db'}")
    Session = make_sessionmaker(engine)
    at = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=BANGKOK))
    scheduler = build_scheduler(Session, {}, settings, background=True, clock=at,
                                jobs_at_start=False, dispatch_at_start=False)
    dispatch = scheduler.get_job(DISPATCHER_ID).func
    dues = scheduler.get_job(JOBS[0].name).func
    with caplog.at_level(logging.ERROR, logger="scheduler.clock_process"):
        assert dispatch() is None and dues() is None  # nothing raised into APScheduler
        assert dispatch() is None
    lines = [r for r in caplog.records if r.name == "scheduler.clock_process"]
    assert len(lines) == 3 and all(r.exc_info is None for r in lines)  # one line each, no traceback
    assert "the dispatcher failed, tried again at its next run: OperationalError" in lines[0].getMessage()
    assert f"job {JOBS[0].name} failed" in lines[1].getMessage()
    assert "\n" not in lines[0].getMessage()
    engine.dispose()


def test_guarded_passes_a_result_through_and_keeps_the_exception_type():
    assert guarded("x", lambda: 7)() == 7
    assert guarded("x", lambda: 1 / 0)() is None


def test_sigterm_stops_the_blocking_clock(Session, settings, at):
    sender = SimulatorSender(session_factory=Session, clock=at)
    scheduler = build_scheduler(Session, {"simulator": sender}, settings, clock=at, sleep=at.sleep,
                                jobs_at_start=False)
    before = signal.getsignal(signal.SIGTERM)

    def platform_stops_us(event) -> None:  # once the clock is running: its dispatcher ran
        if event.job_id == DISPATCHER_ID:
            os.kill(os.getpid(), signal.SIGTERM)

    scheduler.add_listener(platform_stops_us, EVENT_JOB_EXECUTED)
    watchdog = threading.Timer(WAIT, lambda: scheduler.shutdown(wait=False))  # never hang the suite
    watchdog.start()
    try:
        serve(scheduler)  # returns once SIGTERM has stopped it
    finally:
        watchdog.cancel()
    assert scheduler.state == STATE_STOPPED
    assert signal.getsignal(signal.SIGTERM) is before  # the previous handler is back


def test_the_worker_loop_delivers_and_stops_when_told(Session, settings, at):
    waiting_reminder(Session, "sim-worker")
    sender = SimulatorSender(session_factory=Session, clock=at)
    dispatcher = Dispatcher(Session, {"simulator": sender}, settings, clock=at, sleep=at.sleep)
    stop = threading.Event()

    def deliver():
        report = dispatcher.deliver()
        stop.set()  # SIGTERM arrives during the first round
        return report

    assert worker_loop(deliver, stop, idle_seconds=60) == 1  # stopped without waiting out the idle
    assert len(inbox(Session, "sim-worker")) == 1


def test_the_worker_loop_survives_a_failing_round(caplog):
    stop = threading.Event()
    rounds = []

    def deliver():
        rounds.append(1)
        if len(rounds) == 1:
            raise ConnectionError("database unreachable")
        stop.set()

    with caplog.at_level(logging.ERROR, logger="scheduler.clock_process"):
        assert worker_loop(deliver, stop, idle_seconds=0) == 2
    assert "ConnectionError: database unreachable" in caplog.text
