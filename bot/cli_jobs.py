"""`kongtun jobs run`, `kongtun scheduler` and `kongtun worker`: deciding what is due and
delivering the outbox, once (catching up, cron-only hosts, tests) or for as long as the process runs.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from sqlalchemy.orm import sessionmaker

from bot.config import Config
from models import own_sessions

if TYPE_CHECKING:
    from scheduler.dispatcher import DeliveryReport

log = logging.getLogger(__name__)

WORKER_IDLE_SECONDS = 5.0


@contextmanager
def sessions(config: Config) -> Iterator[sessionmaker]:
    """A Session factory on the command's own engine, disposed of when the command ends."""
    with own_sessions(config.database_url) as Session:
        yield Session


FUTURE_SLACK = timedelta(minutes=10)  # a cron host's clock a little ahead is not "the future"


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """`--at`: an ISO moment; without an offset it is read in KONGTUN_TIMEZONE."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a moment like 2026-12-01T09:00+07:00 (or "
                                 "2026-12-01T09:00, read in KONGTUN_TIMEZONE)", param_hint="--at") from None
    return at.replace(tzinfo=tz) if at.tzinfo is None else at


def owner_name(role: str) -> str:
    """Who holds a lease, for the operator reading the outbox: host, process and role."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}"


def on_terminal() -> bool:
    return sys.stdout.isatty()


def progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A click progress bar fed by `Dispatcher.deliver(progress=...)`, made on the first report
    (the total is known only then); and a function that closes it."""
    state: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label="Delivering", show_pos=True)
            bar.__enter__()
            state["bar"] = bar
        bar.length = max(total, 1)  # type: ignore[attr-defined]
        bar.update(max(done - bar.pos, 0))  # type: ignore[attr-defined]

    def close() -> None:
        bar = state.pop("bar", None)
        if bar is not None:
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]

    return progress, close


@click.group("jobs", help="The scheduled jobs: reminders, announcements, status upkeep, purge.")
def jobs_cli() -> None:
    pass


@jobs_cli.command("run", help="Run every job due at a moment (now by default), deliver the outbox, "
                              "print what happened and exit.")
@click.option("--at", "at_text", metavar="MOMENT",
              help="e.g. 2026-12-01T09:00+07:00; without an offset, in KONGTUN_TIMEZONE. Leases, retry "
                   "times and quiet hours read the same clock, started at this moment.")
@click.option("--allow-future", is_flag=True,
              help="Accept a moment ahead of now. The jobs then act as if it had come: they send its "
                   "reminders and mark lapsed who would have lapsed by then. For a test database.")
def jobs_run(at_text: str | None, allow_future: bool) -> None:
    from bot.senders import open_senders
    from scheduler.clock import StartingAt
    from scheduler.dispatcher import DeliverySettings, Dispatcher
    from scheduler.jobs import JOBS, run_due

    config = Config.from_env()
    tz = ZoneInfo(config.timezone)
    at = parse_moment(at_text, tz) if at_text else datetime.now(tz)
    if at - datetime.now(tz) > FUTURE_SLACK and not allow_future:
        # Not a preview: the jobs write what they decide (reminders, lapsed members, purges).
        raise click.BadParameter(
            f"{at.astimezone(tz):%Y-%m-%d %H:%M} is in the future. The jobs would act as if it had "
            "come: send its reminders and mark lapsed the members who would have lapsed by then. "
            "Add --allow-future to do that (on a test database).", param_hint="--at")
    clock = StartingAt(at.astimezone(tz))
    trouble = False
    with sessions(config) as Session:
        try:
            failed: set[str] = set()
            decided = run_due(Session, clock(), tz, failed)
        except Exception as exc:  # noqa: BLE001 - said in one line; the exit status tells cron
            raise click.ClickException(f"the jobs could not run: {_one_line(exc)}") from exc
        click.echo(f"Decided at {at.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key}):")
        names = [job.name for job in JOBS] + sorted(set(decided) - {job.name for job in JOBS})
        width = max(len(n) for n in [*names, "in all"]) + 2
        for name in names:
            if name in failed:
                trouble = True
                click.echo(f"  {name:<{width}}{'failed':>8}  (see the log)")
            else:
                click.echo(f"  {name:<{width}}{decided.get(name, 0):>8,}")
        click.echo(f"  {'in all':<{width}}{sum(decided.values()):>8,}")
        settings = DeliverySettings.from_config(config)
        with open_senders(config, Session, clock=clock) as senders:
            dispatcher = Dispatcher(Session, senders, settings, clock=clock, owner=owner_name("jobs-run"))
            progress, close_bar = progress_bar() if on_terminal() else (None, lambda: None)
            try:
                report = dispatcher.deliver(progress=progress)
            except Exception as exc:  # noqa: BLE001
                raise click.ClickException(f"the outbox could not be delivered: {_one_line(exc)}") from exc
            finally:
                close_bar()
        stranded = waiting_without_sender(Session, set(senders))
    click.echo(delivery_line(report))
    for channel, n in sorted(stranded.items()):
        hint = " (KONGTUN_SIMULATOR=1 delivers to its inbox)" if channel == "simulator" else ""
        click.echo(f"{n:,} message(s) wait for {channel}, which is not configured here{hint}.")
    if trouble:
        sys.exit(1)


def waiting_without_sender(Session: sessionmaker, channels: set[str]) -> dict[str, int]:
    """Rows still to go on a channel this process cannot deliver to: nothing here will send them."""
    from sqlalchemy import func, select

    from models import OutboxMessage
    from services.outbox import WAITING

    with Session() as session:
        rows = session.execute(select(OutboxMessage.channel, func.count()).where(
            OutboxMessage.status.in_(WAITING), OutboxMessage.channel.not_in(channels or {""}))
            .group_by(OutboxMessage.channel))
        return {channel: n for channel, n in rows}


def delivery_line(report: DeliveryReport) -> str:
    counts = [(report.sent, "sent"), (report.retried, "retried"), (report.held, "held"),
              (report.failed, "failed"), (report.unreachable, "unreachable"), (report.expired, "expired")]
    line = "Delivered: " + ", ".join(f"{n:,} {label}" for n, label in counts)
    if report.waiting_quiet:
        line += f"; {report.waiting_quiet:,} waiting for quiet hours to end"
    return line + "."


def _one_line(exc: BaseException) -> str:
    from scheduler.clock_process import one_line

    return one_line(exc)


@click.command("scheduler", help="The clock: every job on its schedule and the dispatcher every 30 s, "
                                 "until SIGTERM or Ctrl-C (the Procfile's clock: process).")
def scheduler_cmd() -> None:
    from bot.senders import open_senders
    from scheduler.clock import system_clock
    from scheduler.clock_process import build_scheduler, serve
    from scheduler.dispatcher import DeliverySettings

    config = Config.from_env()
    settings = DeliverySettings.from_config(config)
    with sessions(config) as Session, open_senders(config, Session, clock=system_clock) as senders:
        scheduler = build_scheduler(Session, senders, settings, owner=owner_name("clock"))
        click.echo(f"Kongtun clock in {config.timezone}: {len(scheduler.get_jobs()) - 1} job(s), "
                   f"delivering to {', '.join(sorted(senders)) or 'no channel'}; quiet hours "
                   f"{config.quiet_hours or 'off'}.")
        serve(scheduler)  # type: ignore[arg-type]
    click.echo("Kongtun clock stopped.")


@click.command("worker", help="An extra dispatcher: delivers the outbox, waits a few seconds, again, "
                              "until SIGTERM or Ctrl-C. Run any number of them.")
@click.option("--idle", "idle_seconds", type=click.FloatRange(min=0.1), default=WORKER_IDLE_SECONDS,
              show_default=True, help="seconds to wait after each round")
def worker_cmd(idle_seconds: float) -> None:
    from bot.senders import open_senders
    from scheduler.clock import system_clock
    from scheduler.clock_process import stop_on_signals, worker_loop
    from scheduler.dispatcher import DeliverySettings, Dispatcher

    config = Config.from_env()
    settings = DeliverySettings.from_config(config)
    stop = threading.Event()
    restore = stop_on_signals(stop.set)
    try:
        with sessions(config) as Session, open_senders(config, Session, clock=system_clock) as senders:
            dispatcher = Dispatcher(Session, senders, settings, owner=owner_name("worker"))
            click.echo(f"Kongtun worker delivering to {', '.join(sorted(senders)) or 'no channel'}.")
            rounds = worker_loop(dispatcher.deliver, stop, idle_seconds)
    finally:
        restore()
    click.echo(f"Kongtun worker stopped after {rounds} round(s).")
