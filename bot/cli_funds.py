"""`kongtun fund paying FUND_CODE [...]`: a fund's payment channels and contact, shown or set by the
same service as the committee's chat (services.fund_paying): every value checked before anything
is written, the change audited as "cli" without the values."""

from __future__ import annotations

import click

from services.fund_paying import FIELDS

# (option, field key, help)
OPTIONS = (
    ("--meeting-th", "meeting_th", "when and where dues are taken at the monthly meeting, in Thai"),
    ("--meeting-en", "meeting_en", "the same in English (Thai is shown to English readers without it)"),
    ("--bank-name", "bank_name", "the bank, e.g. 'ธ.ก.ส. สาขาถลาง'"),
    ("--bank-account", "bank_account", "the account number: 10 to 12 digits, dashes allowed"),
    ("--bank-account-name", "bank_account_name", "the account's name as the passbook has it"),
    ("--promptpay", "promptpay", "a 10-digit mobile number or a 13-digit ID or tax number"),
    ("--treasurer-name", "treasurer_name", "the treasurer's name as members see it"),
    ("--treasurer-phone", "treasurer_phone", "the treasurer's phone (a mobile or an office line)"),
    ("--contact-name", "contact_name", "whom members call with questions"),
    ("--contact-phone", "contact_phone", "their phone"),
    ("--notes-th", "notes_th", "other notes on paying, in Thai"),
    ("--notes-en", "notes_en", "other notes on paying, in English"),
)


@click.group("fund", help="A fund's own settings.")
def fund_cli() -> None:
    pass


def _paying_command(func):
    for option, key, text in reversed(OPTIONS):
        func = click.option(option, key, metavar="TEXT", help=text)(func)
    return func


@fund_cli.command("paying", help="Show the fund's payment channels and contact, or set them. "
                  "Members see them under their arrears, in dues reminders and when they ask how to pay.")
@click.argument("fund_code")
@_paying_command
@click.option("--clear", "clear", multiple=True, type=click.Choice([f.key for f in FIELDS]),
              metavar="FIELD", help="clear a field (repeatable): " + ", ".join(f.key for f in FIELDS))
def fund_paying_cmd(fund_code: str, clear: tuple[str, ...], **values: str | None) -> None:
    from sqlalchemy import select

    from bot.cli import _config, _session
    from models import Fund
    from services import fund_paying

    fund_code = fund_code.strip().upper()  # codes are upper-case ("PAKHLOK"); "pakhlok" is the same
    changes: dict[str, str | None] = {key: value for key, value in values.items() if value is not None}
    both = sorted(set(changes) & set(clear))
    if both:
        raise click.UsageError(f"{', '.join(both)}: set and cleared at once")
    for key, value in changes.items():  # checked before the database is opened: exit 2, nothing written
        try:
            fund_paying.parse(fund_paying.field(key), value or "")
        except fund_paying.InvalidValue as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[1],
                                     param_hint=f"--{key.replace('_', '-')}") from exc
    changes.update(dict.fromkeys(clear))
    config = _config()
    with _session(config) as session, session.begin():
        fund = session.scalar(select(Fund).where(Fund.code == fund_code))
        if fund is None:
            raise click.ClickException(f"no fund {fund_code}")
        changed = fund_paying.set_fields(session, fund, changes, actor="cli") if changes else []
        lines = [(f.key, fund_paying.shown(f, getattr(fund, f.column))) for f in FIELDS]
    if changes:
        click.echo(f"{fund_code}: " + (f"changed {', '.join(changed)}." if changed else "nothing changed."))
    width = max(len(key) for key, _ in lines)
    for key, shown in lines:
        click.echo(f"{key:<{width}}  {shown if shown is not None else '-'}")
