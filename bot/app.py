"""Flask application factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, jsonify
from sqlalchemy import text

from bot.channels.webhook import MAX_ANY_BODY
from bot.config import Config
from bot.core import Core
from bot.log_privacy import configure_logging
from domain.understanding import words as understanding_words
from messaging.sender import Sender


def create_app(config: Config | None = None, clock: Callable[[], datetime] | None = None) -> Flask:
    config = config or Config.from_env()
    configure_logging()  # before anything logs: IDs, phones and tokens masked in every record
    app = Flask(__name__)
    app.config["KONGTUN"] = config
    # No route reads more than this, whatever the transfer encoding; each POST route has its own cap.
    app.config["MAX_CONTENT_LENGTH"] = MAX_ANY_BODY + 1
    core = Core(config, clock=clock)
    app.extensions["kongtun"] = core
    # The Thai dictionary takes about half a second to load: at start-up, not at a member's message.
    understanding_words.warm()

    @app.get("/healthz")
    def healthz():
        try:
            with core.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    # A channel without credentials is simply not served: its webhook answers 404.
    if config.line_enabled:
        from bot.channels import line

        line.init_app(app)
    if config.telegram_enabled:
        from bot.channels import telegram

        telegram.init_app(app)
    if config.simulator:
        from bot.channels.simulator import SimulatorSender
        from bot.channels.simulator import blueprint as simulator

        app.register_blueprint(simulator)
        app.extensions["simulator"] = SimulatorSender(core)

    return app


def get_core(app: Flask) -> Core:
    return app.extensions["kongtun"]


def senders(app: Flask) -> dict[str, Sender]:
    """One `Sender` per channel this app serves, by channel name: what the outbox dispatcher uses."""
    found: dict[str, Sender] = {}
    for name in ("line", "telegram"):
        if name in app.extensions:
            found[name] = app.extensions[name].sender
    if "simulator" in app.extensions:
        found["simulator"] = app.extensions["simulator"]
    return found
