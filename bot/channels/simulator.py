"""The simulator channel: a chat page and a JSON API through the same router as LINE/Telegram."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import select

from handlers.base import Incoming, reply_to_dict
from models import OutboxMessage

CHANNEL = "simulator"
MAX_TEXT = 2000
MAX_USER = 64

blueprint = Blueprint("simulator", __name__, template_folder="../templates")


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
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        hint = "" if request.is_json else " (send Content-Type: application/json)"
        return _bad_request("body must be a JSON object" + hint)
    user = body.get("user")
    text = body.get("text")
    postback = body.get("postback")
    if not _valid_user(user):
        return _bad_request(f"'user' must be a non-empty printable string of at most {MAX_USER} characters")
    if (text is None) == (postback is None):
        return _bad_request("send exactly one of 'text' or 'postback'")
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
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.external_user_id == user,
                OutboxMessage.status == "sent",
            )
            .order_by(OutboxMessage.sent_at, OutboxMessage.id)
        ).all()
        messages = [
            {"key": row.key, "sent_at": row.sent_at.isoformat() if row.sent_at else None,
             "replies": row.payload}
            for row in rows
        ]
    return jsonify(messages=messages)
