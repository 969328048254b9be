"""`kongtun links`: links waiting for a committee member (the ID and birth date matched a member with
no phone on file to check). Shows masked data only, with the failed attempts at each ID in the last
24 hours; every decision is audited and the chat told; nothing is confirmed while the ID is locked."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click


@click.group("links", help="Chat links waiting for a committee member to confirm.")
def links_cli() -> None:
    pass


def _session():
    from bot.cli import _config, _session

    config = _config()
    return config, _session(config)


@links_cli.command("pending", help="List the chats waiting, oldest first (masked data only).")
@click.option("--fund", "fund_code", help="Only this fund's (its code).")
def links_pending(fund_code: str | None) -> None:
    from locales import channel_name
    from services.pending import pending_links

    config, opened = _session()
    zone = ZoneInfo(config.timezone)
    with opened as session:
        rows = pending_links(session, fund_code, at=datetime.now(UTC))
    if not rows:
        click.echo("No link is waiting.")
        return
    click.echo(f"{'chat':>6}  {'since':<16}  {'channel':<9}  {'fund':<12}  {'member no':<10}  "
               f"{'name':<24}  {'national ID':<17}  failed (24 h)")
    for row in rows:
        since = row.since.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.since else "-"
        channel = channel_name("en", row.channel)
        click.echo(f"{row.chat_account_id:>6}  {since:<16}  {channel:<9}  {row.fund:<12}  "
                   f"{row.member_no:<10}  {row.name:<24}  {row.national_id:<17}  {row.failures}"
                   + ("  LOCKED: someone is guessing, check in person" if row.locked_until else ""))
    if any(row.failures for row in rows):
        click.echo("An ID with failed attempts may be someone guessing: check with the member in person "
                   "before confirming.")


def _decide(chat_account_id: int, decide, done: str) -> None:
    from services.errors import ServiceError

    _, opened = _session()
    with opened as session, session.begin():
        try:
            member = decide(session, chat_account_id, actor="cli", at=datetime.now(UTC))
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        label = f"{member.fund.code} {member.member_no or '-'}"
    click.echo(f"Chat {chat_account_id} {done} member {label}; the chat will be told.")


@links_cli.command("confirm", help="Link the chat to the member it asked for (after checking with them).")
@click.argument("chat_account_id", type=int)
def links_confirm(chat_account_id: int) -> None:
    from services.pending import confirm_link

    _decide(chat_account_id, confirm_link, "is now linked to")


@links_cli.command("reject", help="Refuse the link: the chat is told to contact the committee.")
@click.argument("chat_account_id", type=int)
def links_reject(chat_account_id: int) -> None:
    from services.pending import reject_link

    _decide(chat_account_id, reject_link, "is not linked to")


@links_cli.command("unlock", help="End the lock on a member's ID, after checking with them in person.")
@click.argument("member_no")
@click.option("--fund", "fund_code", required=True, help="The member's fund (its code).")
def links_unlock(member_no: str, fund_code: str) -> None:
    from services.errors import ServiceError
    from services.pending import unlock

    _, opened = _session()
    with opened as session, session.begin():
        try:
            unlock(session, fund_code, member_no, actor="cli", at=datetime.now(UTC))
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Linking to member {member_no} of {fund_code} is open again; tries are counted afresh.")
