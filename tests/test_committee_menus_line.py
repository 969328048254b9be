"""The committee entry in LINE's own menu: `kongtun line richmenu` makes the default rich menu and
its committee variant, links the variant to the LINE chats of role-holders and unlinks it from
former ones; `kongtun roles grant/revoke` link and unlink at once. Against the fake LINE, which
checks every request against tests/specs/line-messaging-api.yml."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select

from bot.channels import line_richmenu
from bot.cli import main
from handlers import buttons as B
from models import AuditLog, CommitteeRole
from tests.committee_fixtures import refusals, seat
from tests.conftest import SECRET
from tests.factories import link_chat, make_fund, make_member
from tests.fakes.line_webhook import ACCESS_TOKEN, CHANNEL_SECRET

HOLDER, PLAIN, FORMER = "U" + "1" * 32, "U" + "2" * 32, "U" + "3" * 32


@pytest.fixture
def cli(fake_line, database_url, clean_db):
    try:
        line_richmenu.find_font()
    except line_richmenu.FontMissing:
        pytest.skip("no Thai font installed: `make fonts`")
    env = {"KONGTUN_SECRET_KEY": SECRET, "DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
           "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_BASE_URL": fake_line.url}

    def run(*args: str, **extra: str):
        return CliRunner().invoke(main, list(args), env={**env, **extra}, catch_exceptions=False)

    return run


@pytest.fixture
def world(session):
    """Pa Khlok: a committee member, a plain member and a treasurer, each in a LINE chat."""
    fund = make_fund(session)
    seat(session, HOLDER, fund, channel="line").member_no = "00001"
    plain = make_member(session, fund, first_name="สมศรี", member_no="00002")
    link_chat(session, PLAIN, plain, channel="line")
    former = seat(session, FORMER, fund, channel="line", roles=("treasurer",), first_name="มานี")
    former.member_no = "00003"
    session.commit()
    return fund


def menus(fake_line) -> tuple[str, str]:
    """The ids of the default menu and of the committee one."""
    (main_id,) = [i for i, m in fake_line.richmenus.items() if m["name"].startswith("kongtun-main-")]
    (committee_id,) = [i for i, m in fake_line.richmenus.items()
                       if m["name"].startswith("kongtun-committee-")]
    return main_id, committee_id


def test_richmenu_makes_both_menus_and_links_the_committee_one_to_role_holders_only(cli, world, session,
                                                                                    fake_line):
    result = cli("line", "richmenu")
    assert result.exit_code == 0, result.output
    main_id, committee_id = menus(fake_line)
    assert fake_line.default_richmenu == main_id
    assert set(fake_line.richmenu_images) == {main_id, committee_id}
    tiles = [a["action"]["data"] for a in fake_line.richmenus[committee_id]["areas"]]
    assert tiles == [t.data for t in line_richmenu.TILES] + [B.COMMITTEE]
    assert B.COMMITTEE not in [a["action"]["data"] for a in fake_line.richmenus[main_id]["areas"]]
    assert fake_line.user_richmenus == {HOLDER: committee_id, FORMER: committee_id}
    assert "linked to 2 role-holder chat(s), unlinked from 0" in result.output
    assert HOLDER not in result.output  # counts, never user ids

    session.execute(delete(CommitteeRole).where(CommitteeRole.role == "treasurer"))
    session.commit()
    again = cli("line", "richmenu")
    assert again.exit_code == 0, again.output
    assert "exists" in again.output and menus(fake_line) == (main_id, committee_id)
    assert fake_line.user_richmenus == {HOLDER: committee_id}  # the former treasurer sees the default
    assert "linked to 1 role-holder chat(s), unlinked from 1 former one(s)" in again.output
    [unlink] = fake_line.calls("unlinkRichMenuIdFromUsers")
    assert unlink.json == {"userIds": [FORMER]}
    assert PLAIN not in {u for c in fake_line.calls("linkRichMenuIdToUsers") for u in c.json["userIds"]}


def test_a_new_committee_menu_replaces_the_old_one_and_is_linked_again(cli, world, fake_line, monkeypatch):
    assert cli("line", "richmenu").exit_code == 0
    _, old = menus(fake_line)
    tile = line_richmenu.COMMITTEE_TILE
    changed = line_richmenu.Tile(tile.data, tile.label, "Committee tools", tile.colour, tile.icon)
    monkeypatch.setattr(line_richmenu, "COMMITTEE_TILES", (*line_richmenu.TILES, changed))
    from bot.channels import line_admin

    monkeypatch.setattr(line_admin, "COMMITTEE_TILES", (*line_richmenu.TILES, changed))
    result = cli("line", "richmenu")
    assert result.exit_code == 0, result.output
    _, new = menus(fake_line)
    assert new != old and old not in fake_line.richmenus
    assert fake_line.user_richmenus == {HOLDER: new, FORMER: new}


def test_grant_links_at_once_and_revoke_unlinks_at_once(cli, world, session, fake_line):
    assert cli("line", "richmenu").exit_code == 0
    _, committee_id = menus(fake_line)
    granted = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert granted.exit_code == 0 and "warning" not in granted.output, granted.output
    assert fake_line.user_richmenus[PLAIN] == committee_id
    [link] = fake_line.calls("linkRichMenuIdToUser")
    assert link.path == f"/v2/bot/user/{PLAIN}/richmenu/{committee_id}"

    revoked = cli("roles", "revoke", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert revoked.exit_code == 0 and "warning" not in revoked.output, revoked.output
    assert PLAIN not in fake_line.user_richmenus
    assert fake_line.user_richmenus == {HOLDER: committee_id, FORMER: committee_id}
    actions = session.scalars(select(AuditLog.action).where(AuditLog.action.like("menu.committee.%"))
                              .order_by(AuditLog.id)).all()
    assert actions[-2:] == ["menu.committee.on", "menu.committee.off"]


def test_revoking_a_role_never_given_a_menu_calls_nothing(cli, world, fake_line):
    assert cli("roles", "revoke", "00002", "--fund", "PAKHLOK", "--role", "committee").exit_code == 0
    assert fake_line.requests == []


def test_a_line_failure_during_grant_keeps_the_role_and_says_what_to_run(cli, world, session, fake_line):
    assert cli("line", "richmenu").exit_code == 0
    fake_line.fail_next("linkRichMenuIdToUser", 500)
    result = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert result.exit_code == 0, result.output
    assert "has the role committee" in result.output
    assert "warning" in result.output and "run `kongtun line richmenu` later" in result.output
    assert PLAIN not in result.output and PLAIN not in fake_line.user_richmenus
    holders = session.scalars(select(CommitteeRole).where(CommitteeRole.role == "committee")).all()
    assert len(holders) == 2  # the grant stands
    assert cli("line", "richmenu").exit_code == 0  # and the next sync links the chat
    assert PLAIN in fake_line.user_richmenus


def test_grant_before_any_rich_menu_warns(cli, world, fake_line):
    result = cli("roles", "grant", "00002", "--fund", "PAKHLOK", "--role", "committee")
    assert result.exit_code == 0
    assert "no committee rich menu yet" in result.output and "kongtun line richmenu" in result.output


def test_a_lapsed_member_with_a_role_is_not_given_the_menu(cli, world, session, fake_line):
    from models import Member, MemberStatus

    former = session.scalars(select(Member).where(Member.member_no == "00003")).one()
    former.status = MemberStatus.LAPSED
    session.commit()
    assert cli("line", "richmenu").exit_code == 0
    assert set(fake_line.user_richmenus) == {HOLDER}


def test_the_committee_tile_opens_the_committee_menu_for_a_role_holder_and_is_refused_to_others(
        line_app, line_user, fake_line):
    from tests.fakes.line_webhook import LineUser

    (tile,) = [a for a in line_richmenu.areas(line_richmenu.COMMITTEE_TILES)
               if a["action"]["data"] == B.COMMITTEE]
    plain = LineUser(line_app.test_client(), fake_line, PLAIN)
    with line_app.extensions["kongtun"].Session() as s, s.begin():
        fund = make_fund(s, name_th="กองทุนสวัสดิการชุมชนตำบลป่าคลอก")
        seat(s, line_user.user, fund, channel="line")
        link_chat(s, PLAIN, make_member(s, fund, first_name="สมศรี"), channel="line")
    line_user.press(tile["action"]["data"])
    assert "เมนูกรรมการของกองทุนสวัสดิการชุมชนตำบลป่าคลอก" in line_user.text
    plain.press(tile["action"]["data"])
    assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in plain.text
    assert len(refusals(line_app.extensions["kongtun"].Session)) == 1
