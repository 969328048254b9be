"""Dues reminders: decided at 09:00 on a fund's reminder days for exactly the members who owe, once,
on one chat each, in that chat's language, with the month in Buddhist Era."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from models import Fund, Member, MemberStatus
from scheduler.jobs import JOBS, run_due
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_member, pay
from tests.jobs_fixtures import JOINED, at, job_runs, member_with_chat, outbox, text_of

DUES = next(job for job in JOBS if job.name == "dues")


def _roster(Session) -> dict[str, int]:
    """Members of one fund joined in January 2026 (30 baht a month), each paid a different way."""
    with Session() as s, s.begin():
        fund = make_fund(s, "PAKHLOK", name_th="เทศบาลตำบลป่าคลอก")
        people = {
            "paid_up": member_with_chat(s, fund, joined_on=JOINED, months_paid=12),
            "owes_december": member_with_chat(s, fund, joined_on=JOINED, months_paid=11),
            "one_behind": member_with_chat(s, fund, joined_on=JOINED, months_paid=10),
            "two_behind": member_with_chat(s, fund, joined_on=JOINED, months_paid=9),
            "opted_out": member_with_chat(s, fund, joined_on=JOINED, months_paid=11),
            "no_chat": make_member(s, fund, joined_on=JOINED, months_paid=11),
            "two_chats": member_with_chat(s, fund, channels=("telegram", "line"), joined_on=JOINED,
                                          months_paid=11),
            "line_blocked": member_with_chat(s, fund, channels=("line", "telegram"), unreachable=("line",),
                                             joined_on=JOINED, months_paid=11),
            "english": member_with_chat(s, fund, locale="en", joined_on=JOINED, months_paid=11),
            "resigned": member_with_chat(s, fund, joined_on=JOINED, status=MemberStatus.RESIGNED),
        }
        people["opted_out"].notify_dues = False
        return {name: m.id for name, m in people.items()}


def test_a_reminder_at_nine_on_the_first_reaches_exactly_those_who_owe_once(jobs_db):
    ids = _roster(jobs_db)
    assert DUES.run(jobs_db, at(2026, 12, 1, 8, 59), BANGKOK) == 0  # not before 09:00
    written = DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    rows = outbox(jobs_db)
    owing = {"owes_december", "one_behind", "two_behind", "two_chats", "line_blocked", "english"}
    assert written == len(rows) == len(owing)
    assert {r.member_id for r in rows} == {ids[n] for n in owing}
    by_member = {r.member_id: r for r in rows}
    assert by_member[ids["two_chats"]].channel == "line"  # one chat: LINE first
    assert by_member[ids["line_blocked"]].channel == "telegram"  # LINE blocked: Telegram
    december = text_of(by_member[ids["owes_december"]])
    assert "ธันวาคม 2569" in december and "ยอดที่ต้องชำระ 30 บาทนะคะ" in december
    assert "ชำระได้ที่ที่ทำการกองทุน" in december  # how to pay, the fund's own words
    behind = text_of(by_member[ids["one_behind"]])
    assert "ยอดที่ต้องชำระ 60 บาทนะคะ" in behind and "ยอดที่ค้างจาก 1 เดือนก่อนหน้า" in behind
    assert "December 2026" in text_of(by_member[ids["english"]])
    row = by_member[ids["owes_december"]]
    assert row.key == f"dues:{ids['owes_december']}:2026-12:1"
    assert row.kind == "dues_reminder" and row.status == "pending" and row.priority == 3
    assert row.expires_at == at(2027, 1, 1, 0, 0)
    (run,) = job_runs(jobs_db, "dues")
    assert {r.source for r in rows} == {f"run:{run.id}"} and run.decided == written and run.error is None


def test_rerunning_writes_nothing_new_and_records_no_run(jobs_db):
    _roster(jobs_db)
    first = DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    assert first > 0
    assert DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK) == 0
    assert run_due(jobs_db, at(2026, 12, 1, 10, 0), BANGKOK)["dues"] == 0
    assert len(outbox(jobs_db)) == first
    assert len(job_runs(jobs_db, "dues")) == 1


def test_the_lapse_warning_is_kind_and_names_the_last_day(jobs_db):
    ids = _roster(jobs_db)
    DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    (row,) = outbox(jobs_db, member_id=ids["two_behind"])
    text = text_of(row)
    assert row.kind == "lapse_warning" and row.priority == 1
    assert "31 ธันวาคม 2569" in text  # the membership ends on 1 January: the 31st is the last day
    assert "ค้างเงินสัจจะ 2 เดือน" in text and "90 บาท" in text and "ไม่อยากให้ท่านเสียสิทธิ" in text


def test_the_later_reminder_day_goes_only_to_those_still_unpaid(jobs_db):
    ids = _roster(jobs_db)
    DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    with jobs_db() as s, s.begin():
        pay(s, s.get(Member, ids["owes_december"]), 30, on=date(2026, 12, 10))
    assert DUES.run(jobs_db, at(2026, 12, 24, 9, 0), BANGKOK) == 0  # not a reminder day
    DUES.run(jobs_db, at(2026, 12, 25, 9, 30), BANGKOK)
    later = outbox(jobs_db, key=f"dues:{ids['one_behind']}:2026-12:25")
    assert later and "เตือนอีกครั้ง" in text_of(later[0])
    assert not outbox(jobs_db, key=f"dues:{ids['owes_december']}:2026-12:25")  # paid meanwhile


def test_a_reminder_day_missed_while_the_clock_was_down_is_still_decided(jobs_db):
    ids = _roster(jobs_db)
    DUES.run(jobs_db, at(2026, 12, 3, 14, 0), BANGKOK)  # down from the 1st to the 3rd
    assert outbox(jobs_db, key=f"dues:{ids['owes_december']}:2026-12:1")


def test_a_member_who_joined_after_the_reminder_day_is_not_reminded_of_it(jobs_db):
    ids = _roster(jobs_db)
    with jobs_db() as s, s.begin():
        fund = s.get(Member, ids["owes_december"]).fund
        new = member_with_chat(s, fund, joined_on=date(2026, 12, 2), months_paid=0).id
    DUES.run(jobs_db, at(2026, 12, 3, 14, 0), BANGKOK)  # the 1st's reminder decided late
    assert outbox(jobs_db, key=f"dues:{ids['owes_december']}:2026-12:1")
    assert not outbox(jobs_db, member_id=new)  # approved on the 2nd: the 1st was not theirs
    DUES.run(jobs_db, at(2026, 12, 25, 9, 0), BANGKOK)
    assert outbox(jobs_db, key=f"dues:{new}:2026-12:25")  # the next reminder day is


def test_a_funds_own_reminder_days_are_kept(jobs_db):
    ids = _roster(jobs_db)
    with jobs_db() as s, s.begin():
        s.execute(update(Fund).values(reminder_days="5, 31"))
    assert DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK) == 0
    DUES.run(jobs_db, at(2026, 11, 30, 9, 0), BANGKOK)  # 31 in November is its last day
    assert outbox(jobs_db, key=f"dues:{ids['one_behind']}:2026-11:30")  # owes November
    with jobs_db() as s:
        assert s.scalar(select(Member.notify_dues).where(Member.id == ids["opted_out"])) is False
    assert not outbox(jobs_db, member_id=ids["opted_out"])


def test_statements_per_page_do_not_grow_with_the_members(jobs_db, engine, monkeypatch):
    from sqlalchemy import event

    from services import recipients

    monkeypatch.setattr(recipients, "PAGE", 4)
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        for _ in range(12):
            member_with_chat(s, fund, joined_on=JOINED, months_paid=11)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert DUES.run(jobs_db, at(2026, 12, 1, 9), BANGKOK) == 12
    finally:
        event.remove(engine, "before_cursor_execute", count)
    member_queries = [st for st in statements if st.startswith("select members.id")]
    inserts = [st for st in statements if st.startswith("insert into outbox")]
    assert len(member_queries) == 4 and len(inserts) == 3  # 3 full pages, then an empty one
    assert len(statements) <= 4 * 3 + 6  # per page: members, chats, insert; plus the run's own few


def test_the_lapse_warning_reaches_a_member_who_turned_dues_reminders_off(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        at_risk = member_with_chat(s, fund, joined_on=JOINED, months_paid=9)  # two months behind
        one_behind = member_with_chat(s, fund, joined_on=JOINED, months_paid=10)
        at_risk.notify_dues = one_behind.notify_dues = False
        ids = at_risk.id, one_behind.id
    DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    assert [r.kind for r in outbox(jobs_db, member_id=ids[0])] == ["lapse_warning"]
    assert outbox(jobs_db, member_id=ids[1]) == []  # an ordinary reminder: their choice holds
    assert DUES.run(jobs_db, at(2026, 12, 1, 10, 0), BANGKOK) == 0  # and once only
