"""What every webhook does alike: read a body of bounded size."""

from __future__ import annotations

from flask import request


def read_limited_body(max_bytes: int) -> bytes | None:
    """The raw request body, or None when it is over `max_bytes` (the caller answers 413).

    A declared length over the limit is refused before anything is read; a body without one
    (chunked) is read only up to one byte past the limit.
    """
    length = request.content_length
    if length is not None and length > max_bytes:
        return None
    data = request.stream.read(max_bytes + 1)
    return None if len(data) > max_bytes else data
