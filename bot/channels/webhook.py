"""What every POST route does alike: read a body of bounded size, then parse it as JSON or refuse it.

The size cap holds whatever the transfer encoding: a declared length over the cap is refused before
anything is read, and a body without one (chunked) is read only up to one byte past the cap. The app
also sets Flask's `MAX_CONTENT_LENGTH`, so no route can read more than the largest cap by mistake.
"""

from __future__ import annotations

import json

from flask import request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

# Deeper than any body LINE, Telegram or the simulator sends (about ten levels): a deeper one is not
# theirs, and nesting is what drives a parser (or the code after it) into recursion limits.
MAX_DEPTH = 32
# The largest body any route accepts (LINE and Telegram: 1 MB). One byte more is Flask's
# MAX_CONTENT_LENGTH, a backstop under each route's own cap (which then decides, with its message).
MAX_ANY_BODY = 1024 * 1024
READ_SIZE = 64 * 1024
# Seconds a body may pause between two packets. LINE and Telegram send a webhook's few kilobytes at
# once; a buffering reverse proxy in front (see the README) sends whole bodies too.
BODY_IDLE_TIMEOUT = 10.0


class BadBody(ValueError):
    """A body that is not the JSON a route expects: the route answers 400."""


def read_limited_body(max_bytes: int) -> bytes | None:
    """The raw request body, or None when it is over `max_bytes` (the caller answers 413).

    Read in pieces until the end of the body or one byte past the cap, so a chunked body (no
    Content-Length) is never read further than that, and a short read is never taken for the end.
    Under gunicorn, a client that stops sending for BODY_IDLE_TIMEOUT seconds is given up on (400),
    so a stalled body frees its thread instead of holding it for ever.
    """
    length = request.content_length
    if length is not None and length > max_bytes:
        return None
    sock = request.environ.get("gunicorn.socket")
    previous = sock.gettimeout() if sock is not None else None
    if sock is not None:
        sock.settimeout(BODY_IDLE_TIMEOUT)
    pieces: list[bytes] = []
    total = 0
    while total <= max_bytes:
        try:
            piece = request.stream.read(min(READ_SIZE, max_bytes + 1 - total))
        except RequestEntityTooLarge:  # past the app-wide cap while streaming (the idle timeout
            return None  # stays on: gunicorn's drain of the rest of it gives up on a stalled client)
        except OSError as exc:
            # The client went away or stalled. The timeout stays on the socket, so gunicorn's
            # drain of the rest of the body gives up as quickly and closes the connection.
            raise ClientDisconnected() from exc
        if not piece:
            break
        pieces.append(piece)
        total += len(piece)
    if total > max_bytes:
        return None  # as above: the rest of the body is not waited for without a limit
    if sock is not None:
        sock.settimeout(previous)  # read to its end: the connection goes on as before
    return b"".join(pieces)


def parse_json(body: bytes | str, max_int: int | None = None) -> object:
    """The parsed body; BadBody for anything that is not JSON of a sane depth (and, with `max_int`,
    with no integer beyond ±max_int), whatever the parser raised (a RecursionError on deep nesting,
    a UnicodeDecodeError, a ValueError on a 5,000-digit number, a MemoryError included)."""
    try:
        value = json.loads(body)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the sender's fault: a 400
        raise BadBody(f"body is not JSON ({type(exc).__name__})") from None
    if depth_over(value, MAX_DEPTH):
        raise BadBody(f"body is nested deeper than {MAX_DEPTH} levels")
    if max_int is not None and int_over(value, max_int):
        raise BadBody(f"body has an integer beyond {max_int}")
    return value


def _walk(value: object):
    """Every value inside `value` with its depth; iterative, so never recursion."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        yield item, depth
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def depth_over(value: object, limit: int) -> bool:
    """Whether `value` nests lists and objects deeper than `limit`."""
    return any(depth >= limit and isinstance(item, dict | list) for item, depth in _walk(value))


def int_over(value: object, limit: int) -> bool:
    return any(isinstance(item, int) and abs(item) > limit for item, _ in _walk(value))
