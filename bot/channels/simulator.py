"""The simulator channel: a chat page and a JSON API through the same router as LINE/Telegram,
and a `Sender` whose deliveries land in the simulator's inbox (`GET /simulator/api/inbox`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import sessionmaker

from bot.channels.webhook import BadBody, parse_json, read_limited_body
from bot.core import Core
from messaging.sender import Delivery, Outcome
from messaging.values import Incoming, Reply, reply_to_dict
from models import SimulatorMessage

CHANNEL = "simulator"
MAX_TEXT = 2000
MAX_USER = 64
MAX_BODY = 16 * 1024  # a user, a text of at most MAX_TEXT characters (4 bytes each in UTF-8 at most)

blueprint = Blueprint("simulator", __name__, template_folder="../templates")


class SimulatorSender:
    """Delivers to a simulator user's inbox: the `messaging.sender.Sender` of this channel.

    The inbox row is unique by key, so delivering the same key again stores nothing new. It needs
    only a Session factory and a clock: the web app gives its core's, and the clock process and
    `kongtun jobs run` (no app there) their own, so `--at` dates the inbox too.
    """

    channel = CHANNEL

    def __init__(self, core: Core | None = None, *, session_factory: sessionmaker | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        if core is None and session_factory is None:
            raise ValueError("a SimulatorSender needs a core or a session factory")
        self.Session = session_factory or core.Session  # type: ignore[union-attr]
        self._now = clock or (core.now if core is not None else (lambda: datetime.now(UTC)))

    def deliver(self, to: str, replies: Sequence[Reply], key: str) -> Delivery:
        if not _valid_user(to):
            return Delivery(Outcome.REFUSED, reason="not a simulator user id")
        values = {"key": key, "external_user_id": to, "payload": [reply_to_dict(r) for r in replies],
                  "delivered_at": self._now()}
        with self.Session() as session, session.begin():
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            session.execute(insert(SimulatorMessage).values(**values).on_conflict_do_nothing(
                index_elements=["key"]))
        return Delivery(Outcome.SENT, len(replies))


def _bad_request(message: str):
    return jsonify(error=message), 400


def _valid_user(user: object) -> bool:
    # Printable only: a NUL in an id makes PostgreSQL refuse the query (a 500, not a 400).
    return isinstance(user, str) and bool(user.strip()) and len(user) <= MAX_USER and user.isprintable()


@blueprint.get("/")
def page():
    return render_template("simulator.html")


@blueprint.post("/simulator/api/messages")
def messages():
    hint = "" if request.is_json else " (send Content-Type: application/json)"
    raw = read_limited_body(MAX_BODY)
    if raw is None:
        return jsonify(error=f"a simulator message is at most {MAX_BODY} bytes"), 413
    try:
        body = parse_json(raw) if request.is_json else None
    except BadBody:
        body = None
    if not isinstance(body, dict):
        return _bad_request("body must be a JSON object" + hint)
    user = body.get("user")
    text = body.get("text")
    postback = body.get("postback")
    sticker = body.get("sticker", False)
    if not _valid_user(user):
        return _bad_request(f"'user' must be a non-empty printable string of at most {MAX_USER} characters")
    if not isinstance(sticker, bool):
        return _bad_request("'sticker' must be true or false")
    if [text is not None, postback is not None, sticker].count(True) != 1:
        return _bad_request("send exactly one of 'text', 'postback' or 'sticker': true")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT or "\x00" in text):
        return _bad_request(f"'text' must be a string of at most {MAX_TEXT} characters, without NUL")
    if postback is not None and (not isinstance(postback, str) or not postback.isascii()
                                 or not postback.isprintable() or not 0 < len(postback) <= 64):
        return _bad_request("'postback' must be printable ASCII button data of 1 to 64 characters")
    incoming = Incoming(
        channel=CHANNEL,
        user_id=user.strip(),
        text=text,
        postback=postback,
        event_id=str(uuid.uuid4()),
        sticker=sticker,
    )
    replies = current_app.extensions["kongtun"].handle(incoming) or []
    return jsonify(replies=[reply_to_dict(r) for r in replies])


@blueprint.get("/simulator/api/inbox")
def inbox():
    user = request.args.get("user", "").strip()
    if not _valid_user(user):
        return _bad_request("give ?user=<id>")
    core = current_app.extensions["kongtun"]
    with core.Session() as session:
        rows = session.scalars(
            select(SimulatorMessage)
            .where(SimulatorMessage.external_user_id == user)
            .order_by(SimulatorMessage.delivered_at, SimulatorMessage.id)
        ).all()
        # In the fund's time zone (KONGTUN_TIMEZONE), as every time a member sees; the page shows
        # it in that zone too, not in the browser's.
        messages = [{"key": row.key, "sent_at": row.delivered_at.astimezone(core.tz).isoformat(),
                     "replies": row.payload} for row in rows]
    return jsonify(messages=messages, time_zone=core.config.timezone)
