"""A stranger guessing can keep a member's ID locked; a committee member who has seen the member in
person ends the lock (`kongtun links unlock`), and the member links at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.identity import hash_national_id
from models import AuditLog, LinkFailure, LinkLock
from services import linking
from services.errors import NotFound
from services.pending import unlock
from tests.conftest import SECRET
from tests.drivers import CoreChat
from tests.linking import build_linking_roster, fail_from_many_chats, th
from tests.registration import ROSTER_ID, account, give_details, start_link


@pytest.fixture
def roster(db):
    return build_linking_roster(db)


def test_an_unlocked_member_links_at_once_and_the_count_starts_afresh(app, db, roster, new_chat, clock):
    fail_from_many_chats(app, new_chat, ROSTER_ID, "x")
    owner = CoreChat(app, "owner-new-phone", channel="telegram")
    start_link(owner)
    owner.say(ROSTER_ID)
    assert th("register.link_id_locked", when="").splitlines()[0] in owner.text

    with db() as s, s.begin():
        unlock(s, "PAKHLOK", "00017", actor="cli", at=clock.now)
    with db() as s:
        audit = s.scalar(select(AuditLog).where(AuditLog.action == "member.link_unlocked"))
        assert audit.entity_id == str(roster.member_id) and audit.detail["failures"] == 5
        assert ROSTER_ID not in str(audit.detail)

    start_link(owner)
    give_details(owner, ROSTER_ID)
    assert "เชื่อมบัญชีเรียบร้อย" in owner.text
    assert account(db, "owner-new-phone", "telegram").member_id == roster.member_id
    # The five earlier failures count no more: one new failure does not lock again.
    stranger = new_chat("U-late-stranger")
    start_link(stranger)
    give_details(stranger, ROSTER_ID, birth="1/1/2500")
    assert "ไม่พบข้อมูลสมาชิก" in stranger.text


def test_unlocking_what_is_not_locked_or_not_there_says_so(db, roster, clock):
    with db() as s, s.begin(), pytest.raises(NotFound, match="not locked"):
        unlock(s, "PAKHLOK", "00017", actor="cli", at=clock.now)
    with db() as s, s.begin(), pytest.raises(NotFound, match="no member"):
        unlock(s, "PAKHLOK", "99999", actor="cli", at=clock.now)


def test_the_command_ends_the_lock_and_says_so(db, roster, run):
    digest = hash_national_id(SECRET, ROSTER_ID)
    now = datetime.now(UTC)  # the command reads the wall clock: the rows are placed around it
    with db() as s, s.begin():
        s.add_all(LinkFailure(channel="line", id_hash=digest, at=now - timedelta(minutes=m))
                  for m in range(5))
        s.add(LinkLock(id_hash=digest, locked_at=now, locked_until=now + linking.TARGET_LOCK, failures=5))
    done = run("links", "unlock", "00017", "--fund", "PAKHLOK")
    assert done.exit_code == 0, done.output
    assert "open again" in done.output
    with db() as s:
        assert linking.locked_until(s, digest, datetime.now(UTC)) is None
    again = run("links", "unlock", "00017", "--fund", "PAKHLOK")
    assert again.exit_code != 0 and "not locked" in again.output
