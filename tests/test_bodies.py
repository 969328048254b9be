"""Odd bodies on every POST route (LINE, Telegram, the simulator): deep nesting is a 400 whatever
the parser raises, and the size cap holds with a Content-Length and without one (chunked)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.channels import line, simulator, telegram
from bot.channels.webhook import MAX_DEPTH, depth_over
from models import ChatAccount, ProcessedEvent
from tests.routes import ROUTES, route_for

CAPS = {"line": line.MAX_BODY, "telegram": telegram.MAX_BODY, "simulator": simulator.MAX_BODY}


@pytest.fixture(params=ROUTES)
def route(request):
    return route_for(request, request.param)


def rows(route) -> int:
    with route.app.extensions["kongtun"].Session() as s:
        return sum(s.scalar(select(func.count()).select_from(m)) for m in (ChatAccount, ProcessedEvent))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 2000])
@pytest.mark.parametrize("shape", ["list", "object"])
def test_deep_nesting_is_400_never_500(route, depth, shape):
    opener, closer = (b"[", b"]") if shape == "list" else (b'{"a":', b"}")
    body = route.wrap(opener * depth + b"1" + closer * depth)
    response = route.post(body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert rows(route) == 0


def test_nesting_as_deep_as_real_bodies_is_read(route):
    body = route.wrap(b"[" * 8 + b"]" * 8)
    assert route.post(body).status_code == 200
    assert not depth_over([[[[]]]], 4) and depth_over([[[[[]]]]], 4)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_cap_is_413_whatever_the_transfer_encoding(route, chunked):
    body = route.wrap(b'"' + b"x" * CAPS[route.name] + b'"')
    response = route.post(body, chunked=chunked)
    assert response.status_code == 413
    assert rows(route) == 0


@pytest.mark.parametrize("size", [5 * 1024 * 1024, 20 * 1024 * 1024])
def test_a_huge_chunked_body_is_413(route, size):
    body = route.wrap(b'"' + b"x" * size + b'"')
    assert route.post(body, chunked=True).status_code == 413


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_just_under_the_cap_is_read(route, chunked):
    padding = CAPS[route.name] - len(route.wrap(b'""'))
    body = route.wrap(b'"' + b"x" * padding + b'"')
    assert len(body) == CAPS[route.name]
    assert route.post(body, chunked=chunked).status_code == 200


def test_the_simulator_cap_leaves_room_for_its_longest_text(app):
    longest = '{"user":"' + "u" * simulator.MAX_USER + '","text":"' + "\u0e01" * simulator.MAX_TEXT + '"}'
    assert len(longest.encode()) <= simulator.MAX_BODY
