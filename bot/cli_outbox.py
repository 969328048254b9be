"""`kongtun outbox status` and `kongtun outbox retry-failed`: what waits, what went, what failed."""

from __future__ import annotations

import click

outbox_cli = click.Group("outbox", help="The outbox: messages the bot sends by itself.")
