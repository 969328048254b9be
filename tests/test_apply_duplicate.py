"""An application with a national ID already on a roster: an application of its own (what the
applicant typed, linked to their chat), never a link to the member the ID names, whatever was typed
and even while that ID is locked. It counts as a failed attempt on the ID and the committees of the
fund holding the record and of the fund applied to are told. Imports and deleting a chat's data go on
as for any application; the committee confirms no link while an ID is locked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.imports import import_file
from domain.identity import hash_national_id
from models import AuditLog, ChatAccount, CommitteeRole, Fund, LinkFailure, LinkLock, Member, MemberStatus
from services import linking
from services.errors import Locked
from services.pending import confirm_link, pending_links
from tests.conftest import SECRET
from tests.factories import link_chat, make_member
from tests.linking import COMMITTEE_LINE, add_phoneless, build_linking_roster, fail_from_many_chats, outbox
from tests.registration import (
    NEW_ID,
    PHONE,
    ROSTER_ID,
    account,
    build_roster,
    give_details,
    start_link,
    walk_apply,
)
from tests.test_imports import MEMBER, TODAY, write_csv

SAKHU_LINE = "U-sakhu-committee"


@pytest.fixture
def roster(db):
    return build_linking_roster(db)


def apply_with(chat, national_id: str = ROSTER_ID, birth: str = "2/3/2520", phone: str = "089-111-2222",
               fund: str = "ทต.ป่าคลอก") -> None:
    walk_apply(chat, "reg.apply.id")  # as นาง สมหญิง รักดี
    chat.say(national_id)
    chat.say(birth)
    chat.say(phone)
    chat.tap("ถลาง")
    chat.tap(fund)
    chat.tap("ยืนยัน")
    assert "ส่งใบสมัครเรียบร้อย" in chat.text


def own_application(db, user: str) -> Member:
    with db() as s:
        acct = s.scalar(select(ChatAccount).where(ChatAccount.external_user_id == user))
        assert acct.pending_member_id is None
        return s.get(Member, acct.member_id)


def test_a_stranger_applying_with_a_roster_id_never_reaches_the_member(app, db, roster, new_chat, run):
    stranger = new_chat("U-stranger")
    apply_with(stranger)  # Somsri's ID, a wrong birth date, the stranger's phone
    own = own_application(db, "U-stranger")
    assert own.id != roster.member_id and own.status == MemberStatus.PENDING
    assert (own.full_name, own.birth_date, own.phone) == ("สมหญิง รักดี", date(1977, 3, 2), "+66891112222")
    listing = run("links", "pending")
    assert listing.exit_code == 0 and "No link is waiting" in listing.output
    confirmed = run("links", "confirm", str(account(db, "U-stranger").id))
    assert confirmed.exit_code != 0 and "no link waiting" in confirmed.output
    stranger.press("acct")
    assert "สมศรี" not in stranger.text and "2510" not in stranger.text
    with db() as s:
        assert s.get(Member, roster.member_id).first_name == "สมศรี"  # the record on the roster untouched
        (apply_row,) = s.scalars(select(AuditLog).where(AuditLog.action == "member.apply")).all()
        assert apply_row.detail["duplicate_of"] == roster.member_id
        assert ROSTER_ID not in str(apply_row.detail) and "0891112222" not in str(apply_row.detail)

    # What the stranger typed is no key to anything: linking with it finds nothing...
    again = new_chat("U-stranger-again")
    start_link(again)
    give_details(again, ROSTER_ID, birth="2/3/2520", phone="089-111-2222")
    assert "ไม่พบข้อมูลสมาชิก" in again.text and account(db, "U-stranger-again").member_id is None
    # ...and Somsri, with her own details, links to her own record.
    somsri = new_chat("U-somsri-new")
    start_link(somsri)
    give_details(somsri)
    assert account(db, "U-somsri-new").member_id == roster.member_id


def test_a_duplicate_with_the_right_birth_date_is_not_matched_either(app, db, roster, new_chat):
    apply_with(new_chat("U-knows-the-birth"), birth="15/1/2510")  # Somsri's own birth date
    dup = own_application(db, "U-knows-the-birth")
    with db() as s:
        records = linking.on_roster(s, hash_national_id(SECRET, ROSTER_ID))
        assert [m.id for m in records] == [roster.member_id, dup.id]
        found = linking.find_member(s, hash_national_id(SECRET, ROSTER_ID), date(1967, 1, 15))
        assert found.id == roster.member_id
        s.get(Member, roster.member_id).status = MemberStatus.RESIGNED  # even when the record left
        s.flush()
        found = linking.find_member(s, hash_national_id(SECRET, ROSTER_ID), date(1967, 1, 15))
        assert found.id == roster.member_id


def test_applying_while_the_id_is_locked_is_still_just_an_application(app, db, roster, new_chat):
    fail_from_many_chats(app, new_chat, ROSTER_ID, "lock")
    with db() as s:
        assert s.get(LinkLock, hash_national_id(SECRET, ROSTER_ID)) is not None
    apply_with(new_chat("U-while-locked"), birth="15/1/2510", phone=PHONE)  # even Somsri's own details
    own = own_application(db, "U-while-locked")
    assert own.id != roster.member_id and own.status == MemberStatus.PENDING
    with db() as s:
        assert s.scalar(select(LinkFailure).where(
            LinkFailure.chat_account_id == account(db, "U-while-locked").id)) is not None


def test_both_committees_are_told_and_the_typed_details_are_kept(app, db, roster, new_chat):
    with db() as s, s.begin():
        sakhu = s.scalar(select(Fund).where(Fund.code == "SAKHU"))
        boss = make_member(s, sakhu, first_name="ประธาน", last_name="สาคู", member_no="00001",
                           national_id=NEW_ID)
        s.add(CommitteeRole(member_id=boss.id, fund_id=sakhu.id, role="committee"))
        link_chat(s, SAKHU_LINE, boss, channel="line")
    apply_with(new_chat("U-to-sakhu"), fund="อบต.สาคู")
    notices = [r for r in outbox(db) if r.key.startswith("apply-duplicate:")]
    assert sorted(r.external_user_id for r in notices) == sorted([COMMITTEE_LINE, SAKHU_LINE])
    for notice in notices:
        text = notice.payload[0]["text"]
        assert "00017" in text and "สาคู" in text and "สมหญิง รักดี, 089-111-2222" in text
        assert ROSTER_ID not in text and ROSTER_ID[-4:] not in text


def test_with_no_committee_chat_the_application_still_holds_what_was_typed(app, db, new_chat):
    bare = build_roster(db)  # Pa Khlok has no committee chat here
    apply_with(new_chat("U-nobody-told"))
    assert [r for r in outbox(db) if r.key.startswith("apply-duplicate:")] == []
    own = own_application(db, "U-nobody-told")
    assert (own.full_name, own.phone, own.fund_id) == ("สมหญิง รักดี", "+66891112222", bare.pakhlok_id)


def test_imports_go_on_when_a_pending_duplicate_exists(app, db, roster, new_chat, tmp_path):
    apply_with(new_chat("U-dup-sakhu"), fund="อบต.สาคู")
    row = {**MEMBER, "national_id": ROSTER_ID, "member_no": "00100"}
    with db() as s:
        sakhu_file = write_csv(tmp_path / "sakhu.csv", [{**row, "fund_code": "SAKHU"}])
        into_sakhu = import_file(s, "members", sakhu_file, id_key=SECRET, actor="test", today=TODAY)
        s.commit()
        assert into_sakhu.errors == [] and into_sakhu.written == 1
        into_pakhlok = import_file(s, "members", write_csv(tmp_path / "pk.csv", [row]), id_key=SECRET,
                                   actor="test", today=TODAY)
        assert "already in fund PAKHLOK" in into_pakhlok.errors[0].reason  # the real record is


def test_deleting_the_chats_data_deletes_its_own_duplicate_application(app, db, roster, new_chat):
    stranger = new_chat("U-forgets")
    apply_with(stranger)
    dup = own_application(db, "U-forgets")
    stranger.press("del")
    stranger.press("del:yes")
    assert account(db, "U-forgets") is None
    with db() as s:
        assert s.get(Member, dup.id) is None and s.get(Member, roster.member_id) is not None


# --- the committee confirms nothing while an ID is locked, and sees the failed attempts ------------

def test_a_waiting_link_is_not_confirmed_while_its_id_is_locked(app, db, roster, chat, new_chat, clock):
    manee = add_phoneless(db, roster)
    start_link(chat)
    give_details(chat, NEW_ID, "1/5/2523")  # waits for the committee
    assert account(db).pending_member_id == manee
    with db() as s:
        (row,) = pending_links(s, at=clock.now)
        assert row.failures == 0 and row.locked_until is None
    fail_from_many_chats(app, new_chat, NEW_ID, "guess")
    with db() as s, s.begin():
        (row,) = pending_links(s, at=clock.now)
        assert row.failures == linking.MAX_TARGET_FAILURES and row.locked_until is not None
        with pytest.raises(Locked, match="locked until"):
            confirm_link(s, account(db).id, actor="cli", at=clock.now)
    assert account(db).member_id is None
    with db() as s, s.begin():
        later = clock.now + linking.TARGET_LOCK + timedelta(minutes=1)
        confirm_link(s, account(db).id, actor="cli", at=later)
    assert account(db).member_id == manee


def test_the_cli_refuses_a_locked_id_and_lists_the_failed_attempts(app, db, roster, chat, run):
    manee = add_phoneless(db, roster)
    start_link(chat)
    give_details(chat, NEW_ID, "1/5/2523")
    digest = hash_national_id(SECRET, NEW_ID)
    now = datetime.now(UTC)  # the commands read the wall clock: the rows are placed around it
    with db() as s, s.begin():
        s.add_all(LinkFailure(channel="line", id_hash=digest, at=now - timedelta(minutes=i))
                  for i in range(5))
        s.add(LinkLock(id_hash=digest, locked_at=now, locked_until=now + linking.TARGET_LOCK, failures=5))
    listing = run("links", "pending")
    assert listing.exit_code == 0, listing.output
    assert "failed (24 h)" in listing.output and "LOCKED" in listing.output
    line = next(x for x in listing.output.splitlines() if "00099" in x)
    assert "  5  " in line
    refused = run("links", "confirm", str(account(db).id))
    assert refused.exit_code != 0 and "locked until" in refused.output and "in person" in refused.output
    assert NEW_ID not in refused.output and NEW_ID not in listing.output
    with db() as s:
        assert s.get(ChatAccount, account(db).id).member_id is None and manee
