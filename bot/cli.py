"""The `kongtun` command line (operator contract: see the README)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Config
from models import own_sessions


def _config() -> Config:
    return Config.from_env()


@contextmanager
def _session(config: Config) -> Iterator[Session]:
    """A session on its own engine, closed with every connection when the command is done."""
    with own_sessions(config.database_url) as Session, Session() as session:
        yield session


class _Kongtun(click.Group):
    """Whatever command fails on the configuration or the database says so in one line, not a
    traceback an operator has to read to the end."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:  # --help and ctx.exit(): a RuntimeError too, but not an error
            raise
        except RuntimeError as exc:  # Config.from_env: a setting that cannot be used
            raise click.ClickException(str(exc)) from exc
        except (OperationalError, ProgrammingError) as exc:
            first = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0][:200]
            hint = (" Has the schema been created? Run: kongtun db upgrade"
                    if "no such table" in first or "does not exist" in first else "")
            raise click.ClickException(f"the database cannot be used: {first}.{hint}") from exc


@click.group(cls=_Kongtun, help="Kongtun: the community welfare fund bot.")
def main() -> None:
    from bot.log_privacy import configure_logging

    configure_logging()  # IDs, phones and tokens masked in whatever a command logs


@main.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create or migrate the schema to the latest version.")
def db_upgrade() -> None:
    from models.migrate import upgrade

    config = _config()
    upgrade(config.database_url)
    click.echo("Database schema is up to date.")


@main.command("seed-demo", help="Load the 18 Phuket funds with synthetic members (if empty).")
@click.option("--force", is_flag=True, help="Seed even if funds already exist (adds nothing twice).")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder holding phuket_funds.csv and fund_rules_example.toml "
                   "(default: the demo data shipped with the package).")
def seed_demo_cmd(force: bool, data_dir: Path | None) -> None:
    from bot.demo.seed import FUNDS_FILE, RULES_FILE, seed_demo

    if data_dir is not None:
        missing = [name for name in (FUNDS_FILE, RULES_FILE) if not (data_dir / name).is_file()]
        if missing:
            raise click.BadParameter(f"{data_dir} has no {' or '.join(missing)}", param_hint="--data")
    config = _config()
    with _session(config) as session:
        summary = seed_demo(session, id_key=config.secret_key, force=force, data_dir=data_dir)
    click.echo(summary)


@main.command("demo", help="Migrate, seed if empty, and serve the bot with its simulator and an "
                           "in-process scheduler delivering to the simulator inbox.")
@click.option("--host", default="127.0.0.1", show_default=True)
def demo(host: str) -> None:
    from zoneinfo import ZoneInfo

    from bot import app as web
    from bot.demo import live
    from bot.demo.seed import seed_demo
    from models.migrate import upgrade

    config = live.demo_config()
    upgrade(config.database_url)
    tz = ZoneInfo(config.timezone)
    with _session(config) as session:
        click.echo(seed_demo(session, id_key=config.secret_key))
        for line in live.prepare(session, now=datetime.now(tz), tz=tz):
            click.echo(f"Demo: {line}.")
    app = web.create_app(config)
    core = web.get_core(app)
    clock = live.start_clock(core.Session, web.senders(app), config)
    click.echo(live.start_line(config))
    click.echo(f"Reminders arrive in the simulator inbox: choose the user {live.DEMO_CHAT} on the page.")
    click.echo(f"Kongtun simulator: http://{host}:{config.port}/")
    try:
        app.run(host=host, port=config.port, threaded=True)
    finally:
        clock.shutdown(wait=False)


@main.group("import", help="Import a fund's roster or payments from CSV or XLSX.")
def import_group() -> None:
    pass


def _run_import(kind: str, file: Path) -> None:
    from bot.imports import import_file

    config = _config()
    with _session(config) as session:
        result = import_file(session, kind, file, id_key=config.secret_key, actor="cli")
    for error in result.errors:
        click.echo(f"line {error.line}: {error.reason}", err=True)
    if result.errors:
        click.echo(f"Nothing was imported: {len(result.errors)} bad row(s) in {file.name}.", err=True)
        sys.exit(1)
    click.echo(f"Imported {result.written} {kind} from {file.name}.")


@import_group.command("members", help="fund_code,member_no,first_name,last_name,national_id,"
                      "birth_date,phone,joined_on")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_members(file: Path) -> None:
    _run_import("members", file)


@import_group.command("payments", help="fund_code,member_no,paid_on,amount")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_payments(file: Path) -> None:
    _run_import("payments", file)


@main.group(help="Committee roles.")
def roles() -> None:
    pass


@roles.command("grant", help="Give a member a committee role in their fund.")
@click.argument("member_no")
@click.option("--fund", "fund_code", required=True)
@click.option("--role", type=click.Choice(["committee", "treasurer", "admin"]), required=True)
def roles_grant(member_no: str, fund_code: str, role: str) -> None:
    from services import roles as role_service
    from services.errors import ServiceError

    config = _config()
    with _session(config) as session, session.begin():
        try:
            grant = role_service.grant(session, fund_code=fund_code, member_no=member_no, role=role,
                                       actor="cli", at=datetime.now(UTC))
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        name, member_id = grant.member.full_name, grant.member.id
    click.echo(f"{name} ({fund_code} {member_no}) has the role {role}.")
    _sync_committee_menus(config, member_id)


@roles.command("revoke", help="Take a committee role away from a member.")
@click.argument("member_no")
@click.option("--fund", "fund_code", required=True)
@click.option("--role", type=click.Choice(["committee", "treasurer", "admin"]), required=True)
def roles_revoke(member_no: str, fund_code: str, role: str) -> None:
    from services import roles as role_service
    from services.errors import NotFound

    config = _config()
    with _session(config) as session, session.begin():
        try:
            removed = role_service.revoke(session, fund_code=fund_code, member_no=member_no, role=role,
                                          actor="cli")
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
        member_id = _member_id(session, fund_code, member_no)
    click.echo(f"{fund_code} {member_no} " + (f"no longer has the role {role}." if removed
                                             else f"did not have the role {role}; nothing changed."))
    _sync_committee_menus(config, member_id)


def _member_id(session: Session, fund_code: str, member_no: str) -> int:
    from models import Fund, Member

    return session.scalars(select(Member.id).join(Fund, Fund.id == Member.fund_id)
                           .where(Fund.code == fund_code, Member.member_no == member_no)).one()


def _sync_committee_menus(config: Config, member_id: int) -> None:
    """After the commit: the member's LINE rich menu and Telegram commands follow the role at once.
    A platform that fails leaves the role as it is and says what to run later."""
    from bot.channels.committee_menus import sync_member

    with _session(config) as session:
        for warning in sync_member(config, session, member_id):
            click.echo(warning, err=True)


@roles.command("list", help="Who holds which committee role (one fund with --fund).")
@click.option("--fund", "fund_code")
def roles_list(fund_code: str | None) -> None:
    from services import roles as role_service

    config = _config()
    with _session(config) as session:
        holders = role_service.holders(session, fund_code)
    if not holders:
        click.echo("No committee roles" + (f" in {fund_code}." if fund_code else "."))
        return
    click.echo(f"{'fund':<18}{'member':<10}{'role':<11}{'since':<12}name")
    for h in holders:
        click.echo(f"{h.fund:<18}{h.member_no:<10}{h.role:<11}{h.granted_at:%Y-%m-%d}  {h.name}")


def _add_channel_commands() -> None:
    from bot.channels.line_admin import line_cli
    from bot.channels.telegram_admin import telegram_cli
    from bot.cli_applications import applications_cli
    from bot.cli_funds import fund_cli
    from bot.cli_jobs import jobs_cli, scheduler_cmd, worker_cmd
    from bot.cli_links import links_cli
    from bot.cli_outbox import outbox_cli
    from bot.cli_reports import report_cmd, stats_cmd

    main.add_command(line_cli)
    main.add_command(telegram_cli)
    main.add_command(links_cli)
    for command in (jobs_cli, scheduler_cmd, worker_cmd, outbox_cli, stats_cmd, report_cmd):
        main.add_command(command)
    main.add_command(applications_cli)
    main.add_command(fund_cli)


_add_channel_commands()

if __name__ == "__main__":
    main()
