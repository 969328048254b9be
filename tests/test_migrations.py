"""Alembic migrations (models/migrations) against empty databases: SQLite always, PostgreSQL when
TEST_DATABASE_URL is set. The PostgreSQL cases use a separate, freshly created database on the same
server, never the TEST_DATABASE_URL database itself (other tests use its tables)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine

import models
from models.base import make_engine
from models.migrate import alembic_config, downgrade, upgrade

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
MODEL_TABLES = set(models.Base.metadata.tables)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to test the migrations on")
    server = make_url(TEST_DATABASE_URL)
    if server.get_backend_name() != "postgresql":
        pytest.skip(f"TEST_DATABASE_URL is {server.get_backend_name()}, not PostgreSQL")
    name = f"kongtun_migration_test_{os.getpid()}"
    assert name != server.database  # never the shared test database
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def engine_for(empty_url) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def schema_differences(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, models.Base.metadata)


def test_migrations_have_a_single_head(sqlite_url):
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"  # the base


def test_the_database_starts_empty(empty_url, engine_for):
    assert table_names(engine_for) == set()
    assert current_revision(engine_for) is None


def test_upgrade_creates_every_table_of_the_models(empty_url, engine_for):
    upgrade(empty_url)
    assert table_names(engine_for) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(engine_for) == head_revision(empty_url) is not None


def test_upgrade_twice_is_a_no_op(empty_url, engine_for):
    upgrade(empty_url)
    upgrade(empty_url)
    assert table_names(engine_for) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(engine_for) == head_revision(empty_url)


def test_models_and_migrations_agree(empty_url, engine_for):
    upgrade(empty_url)
    assert schema_differences(engine_for) == []


def test_the_comparison_would_see_a_drift(sqlite_url):
    """Guards the test above: a model change the migration lacks must show up as a difference."""
    upgrade(sqlite_url)
    drifted = MetaData(naming_convention=models.Base.metadata.naming_convention)
    for table in models.Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["funds"].append_column(Column("motto", String(100)))
    drifted.tables["members"].c.first_name.type = String(50)
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, drifted)
    finally:
        engine.dispose()
    assert diffs[0][:3] == ("add_column", None, "funds")
    assert diffs[1][0][0] == "modify_type" and diffs[1][0][2:4] == ("members", "first_name")


def test_downgrade_to_base_then_upgrade_again(empty_url, engine_for):
    upgrade(empty_url)
    downgrade(empty_url, "base")
    assert table_names(engine_for) - {"alembic_version"} == set()
    assert current_revision(engine_for) is None
    upgrade(empty_url)
    assert table_names(engine_for) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(engine_for) == head_revision(empty_url)
    assert schema_differences(engine_for) == []


def test_migrated_schema_keeps_the_constraints(empty_url, engine_for):
    """Spot checks that matter to the data: unique keys, the cascade of a member's beneficiaries."""
    upgrade(empty_url)
    insp = inspect(engine_for)
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("members")}
    assert ("fund_id", "member_no") in uniques
    assert ("channel", "event_id") in {tuple(u["column_names"])
                                       for u in insp.get_unique_constraints("processed_events")}
    fks = {fk["referred_table"]: fk for fk in insp.get_foreign_keys("beneficiaries")}
    assert fks["members"]["options"].get("ondelete") == "CASCADE"
    assert "ix_members_national_id_hash" in {ix["name"] for ix in insp.get_indexes("members")}


def test_offline_sql_creates_every_table():
    # Offline SQL is for an operator to review before a PostgreSQL upgrade; SQLite's batch
    # migrations need a live database to copy tables, so they have no offline form.
    cfg = alembic_config("postgresql+psycopg://reviewer@localhost/kongtun")
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "head", sql=True)
    sql = cfg.output_buffer.getvalue()
    for table in MODEL_TABLES:
        assert f"CREATE TABLE {table} " in sql
