"""`kongtun line ...` commands (being written)."""

import click


@click.group("line", help="LINE channel set-up.")
def line_cli() -> None:
    pass
