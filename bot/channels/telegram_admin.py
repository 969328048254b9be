"""`kongtun telegram ...` commands (being written)."""

import click


@click.group("telegram", help="Telegram channel set-up.")
def telegram_cli() -> None:
    pass
