"""App wiring: health check, configuration, the router's refusal of double claims."""

import types

import pytest

from bot.app import create_app
from bot.config import DEV_SECRET_KEY, Config
from handlers.base import handles
from handlers.router import RouteConflict, Router


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path):
    config = Config.from_env(env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                                  "KONGTUN_SECRET_KEY": "x"})
    app = create_app(config)
    assert app.test_client().get("/healthz").status_code == 503
    app.extensions["kongtun"].engine.dispose()


def test_webhooks_are_not_served_without_credentials(client):
    assert client.post("/webhooks/line", data=b"{}").status_code == 404
    assert client.post("/webhooks/telegram", data=b"{}").status_code == 404


def test_config_defaults_and_production_key():
    config = Config.from_env(env={})
    assert config.secret_key == DEV_SECRET_KEY
    assert config.timezone == "Asia/Bangkok"
    assert config.database_url.endswith("kongtun.db")
    assert not config.line_enabled and not config.telegram_enabled
    with pytest.raises(RuntimeError):
        Config.from_env(env={"KONGTUN_ENV": "production"})
    assert Config.from_env(env={"PORT": "8080", "LINE_API_BASE_URL": "http://x/"}).line_api_base_url == "http://x"


def test_router_refuses_two_claims_on_one_button():
    first = types.ModuleType("first")
    second = types.ModuleType("second")

    def a(incoming, ctx):
        return []

    def b(incoming, ctx):
        return []

    a.__module__, b.__module__ = "first", "second"
    first.a = handles(postbacks=("acct",))(a)
    second.b = handles(postbacks=("acct",))(b)
    with pytest.raises(RouteConflict):
        Router([first, second])


def test_a_platforms_postgres_url_is_read_with_the_psycopg_driver():
    from models.base import normalize_database_url

    assert normalize_database_url("postgres://u:p@db:5432/k") == "postgresql+psycopg://u:p@db:5432/k"
    assert normalize_database_url("postgresql://u@db/k") == "postgresql+psycopg://u@db/k"
    assert normalize_database_url("postgresql+psycopg://u@db/k") == "postgresql+psycopg://u@db/k"
    assert normalize_database_url("sqlite:///k.db") == "sqlite:///k.db"
