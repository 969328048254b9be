"""A command that fails on the configuration or the database says so in one line, with a hint."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli import main
from tests.conftest import SECRET


def kongtun(*args: str, **env: str):
    return CliRunner().invoke(main, list(args), env={"KONGTUN_SECRET_KEY": SECRET, **env})


def test_a_database_without_the_schema_says_to_upgrade(tmp_path):
    result = kongtun("outbox", "status", DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    assert result.exit_code == 1
    assert "no such table" in result.output and "kongtun db upgrade" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line():
    result = kongtun("outbox", "retry-failed", DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/x")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the database cannot be used:")
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_mistyped_setting_is_one_line(tmp_path):
    result = kongtun("outbox", "status", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
                     KONGTUN_QUIET_HOURS="25:00-08:00")
    assert result.exit_code == 1
    assert "KONGTUN_QUIET_HOURS must look like 21:00-08:00" in result.output
    assert "Traceback" not in result.output


def test_help_of_a_subcommand_is_help_not_an_error(run):
    result = run("roles", "grant", "--help")
    assert result.exit_code == 0 and "--fund" in result.output and "Error" not in result.output
