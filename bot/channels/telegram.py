"""Telegram webhook channel (being written)."""

from flask import Flask


def init_app(app: Flask) -> None:
    raise NotImplementedError("the Telegram channel is not built yet")
