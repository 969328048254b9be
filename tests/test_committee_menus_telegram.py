"""The committee entry in Telegram's own command menu: `kongtun telegram commands` gives each
role-holder's private chat a list with /committee (BotCommandScopeChat) and deletes it from chats
that lost the role; `kongtun roles grant/revoke` do it for that member at once. Against the fake
Bot API, which checks every call against tests/specs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from bot.channels.telegram_classify import MENU_COMMANDS
from bot.cli import main
from models import AuditLog, CommitteeRole
from tests.committee_fixtures import refusals, seat
from tests.conftest import SECRET
from tests.factories import link_chat, make_fund, make_member
from tests.fakes.telegram_api import TOKEN

HOLDER, PLAIN, FORMER = 5_012_345_678, 5_000_000_002, 5_000_000_003
LANGUAGES = ("", "th")  # the default (English) list and the Thai one, as for everyone


@pytest.fixture
def cli(fake_telegram, database_url, clean_db):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake_telegram.url,
           "KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url}

    def run(*args: str, **extra: str):
        return CliRunner().invoke(main, list(args), env={**env, **extra}, catch_exceptions=False)

    return run


@pytest.fixture
def world(session):
    """Pa Khlok: a committee member, a plain member and a treasurer-to-be, each in a Telegram chat."""
    fund = make_fund(session)
    seat(session, str(HOLDER), fund, channel="telegram").member_no = "00001"
    link_chat(session, str(PLAIN), make_member(session, fund, first_name="สมศรี", member_no="00002"),
              channel="telegram")
    former = seat(session, str(FORMER), fund, channel="telegram", roles=("treasurer",), first_name="มานี")
    former.member_no = "00003"
    session.commit()
    return fund


def scoped(fake_telegram, chat_id: int, language: str = "") -> list[str] | None:
    key = (json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True), language)
    found = fake_telegram.commands.get(key)
    return None if found is None else [c["command"] for c in found]


def described(fake_telegram, chat_id: int, language: str) -> dict[str, str]:
    key = (json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True), language)
    return {c["command"]: c["description"] for c in fake_telegram.commands[key]}


def test_commands_gives_role_holders_committee_and_takes_it_from_former_ones(cli, world, session,
                                                                              fake_telegram):
    first = cli("telegram", "commands")
    assert first.exit_code == 0, first.output
    assert "committee: set in 2 role-holder chat(s), deleted from 0" in first.output
    for chat in (HOLDER, FORMER):
        for language in LANGUAGES:
            assert scoped(fake_telegram, chat, language) == [*MENU_COMMANDS, "committee"]
    assert described(fake_telegram, HOLDER, "th")["committee"] == "เมนูกรรมการ"
    assert described(fake_telegram, HOLDER, "")["committee"] == "Committee menu"
    assert all(scoped(fake_telegram, PLAIN, language) is None for language in LANGUAGES)
    default = fake_telegram.commands[(json.dumps({"type": "default"}), "")]
    assert "committee" not in [c["command"] for c in default]  # never in everyone's list

    session.execute(delete(CommitteeRole).where(CommitteeRole.role == "treasurer"))
    session.commit()
    second = cli("telegram", "commands")
    assert second.exit_code == 0, second.output
    assert "set in 1 role-holder chat(s), deleted from 1 former one(s)" in second.output
    assert all(scoped(fake_telegram, FORMER, language) is None for language in LANGUAGES)
    assert scoped(fake_telegram, HOLDER, "th") == [*MENU_COMMANDS, "committee"]
    deleted = [c for c in fake_telegram.calls_to("deleteMyCommands")]
    assert {c["scope"]["chat_id"] for c in deleted} == {FORMER}
    assert str(FORMER) not in second.output and str(HOLDER) not in second.output  # no ids printed

    third = cli("telegram", "commands")  # the former holder is not asked again
    assert "deleted from 0 former one(s)" in third.output
    assert len(fake_telegram.calls_to("deleteMyCommands")) == len(deleted)


def test_grant_and_revoke_set_and_delete_the_chat_list_at_once(cli, world, fake_telegram):
    granted = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert granted.exit_code == 0, granted.output
    assert "warning" not in granted.output
    assert all(scoped(fake_telegram, PLAIN, language) == [*MENU_COMMANDS, "committee"]
               for language in LANGUAGES)
    assert {c["scope"]["chat_id"] for c in fake_telegram.calls_to("setMyCommands")} == {PLAIN}

    revoked = cli("roles", "revoke", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert revoked.exit_code == 0 and "no longer has the role" in revoked.output
    assert all(scoped(fake_telegram, PLAIN, language) is None for language in LANGUAGES)


def test_revoking_one_of_two_roles_keeps_the_entry(cli, world, fake_telegram):
    assert cli("roles", "grant", "00001", "--fund", "PAKHLOK", "--role", "treasurer").exit_code == 0
    mark = fake_telegram.mark()
    assert cli("roles", "revoke", "00001", "--fund", "PAKHLOK", "--role", "treasurer").exit_code == 0
    assert scoped(fake_telegram, HOLDER, "th") == [*MENU_COMMANDS, "committee"]
    assert "deleteMyCommands" not in [c.method for c in fake_telegram.since(mark)]


def test_a_telegram_failure_during_grant_keeps_the_role_and_says_what_to_run(cli, world, session,
                                                                             fake_telegram):
    fake_telegram.fail_next("setMyCommands", 502, "Bad Gateway")
    result = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert result.exit_code == 0, result.output
    assert "has the role committee" in result.output
    assert "run `kongtun telegram commands` later" in result.output
    assert "warning" in result.output and str(PLAIN) not in result.output
    roles = session.scalars(select(CommitteeRole.role).join(CommitteeRole.member)
                            .where(CommitteeRole.role == "committee")).all()
    assert len(roles) == 2  # the seated holder and the new one: the grant stands
    # Nothing recorded as given, so the next sync gives it.
    assert "set in 3 role-holder chat(s)" in cli("telegram", "commands").output
    assert scoped(fake_telegram, PLAIN, "th") == [*MENU_COMMANDS, "committee"]
    given = session.scalars(select(AuditLog).where(AuditLog.action == "menu.committee.on")).all()
    assert given and all(set(r.detail) == {"channel"} for r in given)


def test_without_a_telegram_token_grant_only_changes_the_role(cli, world, fake_telegram):
    result = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee",
                 TELEGRAM_BOT_TOKEN="")
    assert result.exit_code == 0 and "warning" not in result.output
    assert fake_telegram.calls == []


def test_typed_committee_command_opens_the_committee_menu_for_a_role_holder_only(tg_app, somying,
                                                                                 tg_person):
    with tg_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก")
        seat(s, somying.user, fund, channel="telegram")
        plain = tg_person(PLAIN, "สมศรี")
        link_chat(s, plain.user, make_member(s, fund, first_name="สมศรี"), channel="telegram")
    for typed in ("/committee", "/committee@KongtunTestBot"):
        somying.say(typed)
        assert "เมนูกรรมการของกองทุนสวัสดิการชุมชนตำบลป่าคลอก" in somying.html
        plain.say(typed)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in plain.html
    assert len(refusals(tg_app.extensions["kongtun"].Session)) == 2
