"""LINE webhook channel (being written)."""

from flask import Flask


def init_app(app: Flask) -> None:
    raise NotImplementedError("the LINE channel is not built yet")
