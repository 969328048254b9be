"""`kongtun outbox status` and `kongtun outbox retry-failed`: what waits, what went, what failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click

from bot.cli_jobs import sessions
from bot.config import Config
from messaging.sender import Quota

STATES = ("pending", "sending", "retry", "held", "sent", "failed", "unreachable", "expired", "unconfirmed")


@click.group("outbox", help="The outbox: the messages the bot sends by itself.")
def outbox_cli() -> None:
    pass


def line_quota(config: Config) -> Quota | None:
    """This month's LINE quota as LINE reports it, when LINE is configured (None otherwise, or
    when LINE does not answer)."""
    if not config.line_channel_access_token:
        return None
    from bot.channels.line_client import LineClient
    from bot.channels.line_sender import LineSender

    client = LineClient(config)
    try:
        return LineSender(client).quota()
    finally:
        client.close()


def age(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    return f"{hours // 24} days"


def table(counts: dict[str, dict[str, int]]) -> list[str]:
    """Rows per channel (lines) and state (columns, only the states that occur), with totals."""
    channels = sorted(counts)
    found = {state for states in counts.values() for state in states}
    states = [s for s in STATES if s in found] + sorted(found - set(STATES))
    first = max(len(c) for c in [*channels, "channel", "total"]) + 2
    widths = [max(len(s), 5) + 2 for s in states]

    def line(name: str, values: list[int | str]) -> str:
        pairs = zip(values, widths, strict=True)
        cells = "".join(f"{v:>{w}}" if isinstance(v, str) else f"{v:>{w},}" for v, w in pairs)
        return f"{name:<{first}}{cells}"

    lines = [line("channel", [*states]) + f"{'total':>9}"]
    for channel in channels:
        row = [counts[channel].get(s, 0) for s in states]
        lines.append(line(channel, [*row]) + f"{sum(row):>9,}")
    totals = [sum(counts[c].get(s, 0) for c in channels) for s in states]
    lines.append(line("total", [*totals]) + f"{sum(totals):>9,}")
    return lines


@outbox_cli.command("status", help="Counts per channel and state, the oldest waiting message, and "
                                   "the LINE quota used and left this month.")
def outbox_status() -> None:
    from scheduler.outbox_report import recent_outcomes, status

    config = Config.from_env()
    tz = ZoneInfo(config.timezone)
    now = datetime.now(UTC)
    quota = line_quota(config)
    with sessions(config) as Session, Session() as session:
        report = status(session, now, tz, line_quota=quota)
        recent = recent_outcomes(session, tz)
    if not report.counts:
        click.echo("The outbox is empty.")
    else:
        for line in table(report.counts):
            click.echo(line)
    if report.oldest_waiting is not None and report.oldest_age is not None:
        click.echo(f"Oldest waiting: since {report.oldest_waiting:%Y-%m-%d %H:%M} "
                   f"({age(report.oldest_age)} ago).")
    else:
        click.echo("Nothing waits.")
    for channel, until in sorted(report.holds.items()):
        click.echo(f"{channel}: held until {until:%Y-%m-%d %H:%M} (the month's quota is used up).")
    if config.line_channel_access_token or report.line_quota is not None:
        line = quota_line(report.line_quota)
        if report.line_quota is not None and report.quota_read_at is not None:
            line += f" (as the last delivery read it, at {report.quota_read_at:%Y-%m-%d %H:%M})"
        click.echo(line)
    if recent:
        click.echo("Recent runs and announcements:")
        for item in recent:
            click.echo(f"  {item.at:%Y-%m-%d %H:%M}  {item.label}: {outcome_line(item.counts)}")


def outcome_line(counts: dict[str, int]) -> str:
    """"412 decided: 400 sent (390 push, 10 telegram), 10 held, 2 failed"."""
    decided = sum(n for state, n in counts.items() if not state.startswith("sent_"))
    parts = []
    for state in ("sent", *(s for s in STATES if s != "sent")):
        if counts.get(state):
            part = f"{counts[state]:,} {state}"
            if state == "sent":
                vias = [f"{n:,} {k.removeprefix('sent_')}" for k, n in sorted(counts.items())
                        if k.startswith("sent_")]
                part += f" ({', '.join(vias)})" if vias else ""
            parts.append(part)
    return f"{decided:,} decided: " + ", ".join(parts)


def quota_line(quota: Quota | None) -> str:
    if quota is None:
        return "LINE quota: LINE did not say (nothing is pushed on a guess until it does)."
    if quota.limit is None:
        return f"LINE quota this month: {quota.used:,} used, no limit."
    return f"LINE quota this month: {quota.used:,} used, {quota.left:,} left of {quota.limit:,}."


@outbox_cli.command("retry-failed", help="Put failed messages back to pending, attempts counted "
                                         "afresh (unreachable ones stay).")
def outbox_retry_failed() -> None:
    from scheduler.outbox_report import retry_failed

    config = Config.from_env()
    with sessions(config) as Session, Session() as session, session.begin():
        n = retry_failed(session, datetime.now(UTC))
    click.echo(f"{n:,} failed message(s) put back to pending." if n else "No failed messages.")
