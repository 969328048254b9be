"""`kongtun applications`: a fund's pending applications, approved or rejected from the command line
by the same service as the committee's chat (`services.applications`): masked data only, every
decision audited as "cli", and the applicant told through the outbox."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from services.applications import REASONS


@click.group("applications", help="Applications to join a fund, waiting for the committee.")
def applications_cli() -> None:
    pass


def _session():
    from bot.cli import _config, _session

    config = _config()
    return config, _session(config)


@applications_cli.command("list", help="A fund's pending applications, oldest first (masked data only).")
@click.argument("fund_code")
def applications_list(fund_code: str) -> None:
    from sqlalchemy import select

    from domain.thai import mask_national_id, mask_phone
    from locales import channel_name
    from models import Fund
    from services import applications

    _, opened = _session()
    with opened as session:
        fund = session.scalar(select(Fund).where(Fund.code == fund_code))
        if fund is None:
            raise click.ClickException(f"no fund {fund_code}")
        items = applications.pending(session, fund.id, size=10_000)
        if not items:
            click.echo(f"No application is waiting at {fund.code}.")
            return
        click.echo(f"{'id':>7}  {'applied':<10}  {'name':<28}  {'phone':<12}  {'national ID':<17}  channel")
        for item in items:
            m = item.member
            chats = ", ".join(channel_name("en", c.channel) for c in item.chats) or "-"
            flag = "  DUPLICATE: the ID is on a roster already, check in person" if item.duplicate_of else ""
            click.echo(f"{m.id:>7}  {m.joined_on.isoformat():<10}  {m.full_name[:28]:<28}  "
                       f"{mask_phone(m.phone) if m.phone else '-':<12}  "
                       f"{mask_national_id(m.national_id_last4):<17}  {chats}{flag}")
        upcoming = applications.next_member_no(session, fund.id)
        click.echo(f"{len(items)} waiting; the next member number is {upcoming}.")


def _decide(member_id: int, decide) -> str:
    from services import applications
    from services.errors import ServiceError

    config, opened = _session()
    refused: ServiceError | None = None
    with opened as session, session.begin():  # a refusal writes nothing but its audit row: kept
        try:
            member = applications.application(session, member_id)
            result = decide(session, member, datetime.now(ZoneInfo(config.timezone)).date())
        except ServiceError as exc:
            refused = exc
        else:
            done = f"{member.full_name} ({member.fund.code}) {result}"
    if refused is not None:
        raise click.ClickException(str(refused)) from refused
    return done


@applications_cli.command("approve", help="Approve: the next member number; the applicant is told.")
@click.argument("member_id", type=int)
def applications_approve(member_id: int) -> None:
    from services import applications

    done = _decide(member_id, lambda s, m, today: "is member number "
                   + applications.approve(s, m, actor="cli", today=today))
    click.echo(f"{done}; the applicant will be told.")


@applications_cli.command("reject", help="Reject with a reason; the applicant is told and may apply again.")
@click.argument("member_id", type=int)
@click.option("--reason", type=click.Choice(REASONS), required=True)
@click.option("--note", help="With --reason other: the reason as the applicant will read it.")
def applications_reject(member_id: int, reason: str, note: str | None) -> None:
    from services import applications

    if reason == "other" and not (note or "").strip():
        raise click.UsageError("--reason other needs --note (what the applicant will read)")

    def reject(session, member, today) -> str:
        applications.reject(session, member, reason, note=note, actor="cli")
        return "is rejected"

    click.echo(f"{_decide(member_id, reject)}; the applicant will be told.")
