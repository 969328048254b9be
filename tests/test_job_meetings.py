"""Meeting reminders: 3 days before from 09:00 and on the morning from 08:00, to the fund's active
members (every fund's for a network meeting); moved meetings are reminded again, cancelled ones not."""

from __future__ import annotations

from scheduler.jobs import JOBS
from services import meetings
from tests.conftest import BANGKOK
from tests.factories import make_fund, make_meeting
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of

MEETINGS = next(job for job in JOBS if job.name == "meetings")


def _two_funds(Session):
    with Session() as s, s.begin():
        pakhlok, kathu = make_fund(s, "PAKHLOK"), make_fund(s, "KATHU")
        ours = member_with_chat(s, pakhlok, joined_on=JOINED)
        english = member_with_chat(s, pakhlok, joined_on=JOINED, locale="en")
        theirs = member_with_chat(s, kathu, joined_on=JOINED)
        quiet = member_with_chat(s, pakhlok, joined_on=JOINED)
        quiet.notify_meetings = False
        meeting = make_meeting(s, pakhlok, at(2026, 12, 10, 14, 0), title="ประชุมใหญ่สามัญประจำปี")
        network = make_meeting(s, None, at(2026, 12, 10, 14, 0), title="สมัชชาเครือข่าย")
        return {"ours": ours.id, "english": english.id, "theirs": theirs.id, "quiet": quiet.id,
                "meeting": meeting.id, "network": network.id}


def test_three_days_before_from_nine_to_the_funds_members(jobs_db):
    ids = _two_funds(jobs_db)
    assert MEETINGS.run(jobs_db, at(2026, 12, 7, 8, 59), BANGKOK) == 0
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    fund_rows = [r for r in outbox(jobs_db) if r.key.startswith(f"meeting:{ids['meeting']}:")]
    assert {r.member_id for r in fund_rows} == {ids["ours"], ids["english"]}  # not Kathu's, not opted out
    thai = next(r for r in fund_rows if r.member_id == ids["ours"])
    text = text_of(thai)
    assert "อีก 3 วัน" in text and "วันพฤหัสบดีที่ 10 ธันวาคม 2569" in text and "14:00 น." in text
    assert "ศาลาประชาคม" in text and "ค่ะ" in text
    assert thai.kind == "meeting_reminder" and thai.expires_at == at(2026, 12, 10, 14, 0)
    assert thai.content_key and thai.content_key.endswith(":th")
    english = next(r for r in fund_rows if r.member_id == ids["english"])
    assert "Thursday 10 December 2026" in text_of(english)


def _reminder(Session, ids, who: str) -> str:
    prefix = f"meeting:{ids['meeting']}:"
    (row,) = [r for r in outbox(Session, member_id=ids[who]) if r.key.startswith(prefix)]
    return text_of(row)


def test_a_meeting_nearer_than_three_days_is_told_as_it_is(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 9, 19, 0), BANGKOK)  # called at short notice: tomorrow
    thai = _reminder(jobs_db, ids, "ours")
    assert "พรุ่งนี้จะมีการประชุม" in thai and "อีก 3 วัน" not in thai
    english = outbox(jobs_db, member_id=ids["english"])[0]
    assert "Tomorrow:" in text_of(english)


def test_two_days_ahead_says_two_days(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 8, 9, 0), BANGKOK)
    assert "อีก 2 วันจะมีการประชุม" in _reminder(jobs_db, ids, "ours")


def test_a_network_meeting_reaches_every_funds_members(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    network = [r for r in outbox(jobs_db) if r.key.startswith(f"meeting:{ids['network']}:")]
    assert {r.member_id for r in network} == {ids["ours"], ids["english"], ids["theirs"]}


def test_the_morning_reminder_from_eight_and_each_only_once(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    soon = len(outbox(jobs_db))
    assert MEETINGS.run(jobs_db, at(2026, 12, 8, 9, 0), BANGKOK) == 0  # nothing new in between
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 7, 59), BANGKOK) == 0
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 8, 0), BANGKOK) == soon
    today = outbox(jobs_db, member_id=ids["ours"])[-1]
    assert today.key.endswith(f":today:{ids['ours']}") and "วันนี้มีการประชุม" in text_of(today)
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 9, 0), BANGKOK) == 0
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 14, 0), BANGKOK) == 0  # begun: nothing


def test_an_early_meeting_has_no_morning_reminder(jobs_db):
    with jobs_db() as s, s.begin():
        member_with_chat(s, fund := make_fund(s), joined_on=JOINED)
        make_meeting(s, fund, at(2026, 12, 10, 7, 30))
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 8, 0), BANGKOK) == 0


def test_a_moved_meeting_is_reminded_at_its_new_time_and_members_are_told(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    with jobs_db() as s, s.begin():
        from models import Meeting

        meeting = s.get(Meeting, ids["meeting"])
        told = meetings.move(s, meeting, at(2026, 12, 17, 13, 0), actor="cli", at=at(2026, 12, 7, 12, 0),
                             tz=BANGKOK)
    assert told == 2
    notice = next(r for r in outbox(jobs_db, kind="meeting_change") if r.member_id == ids["ours"])
    text = text_of(notice)
    assert "เปลี่ยน" in text and "10 ธันวาคม 2569" in text and "17 ธันวาคม 2569" in text and "13:00 น." in text
    assert notice.priority == 1 and notice.expires_at == at(2026, 12, 17, 13, 0)
    assert MEETINGS.run(jobs_db, at(2026, 12, 10, 8, 0), BANGKOK) == 3  # the network's only
    MEETINGS.run(jobs_db, at(2026, 12, 14, 9, 0), BANGKOK)
    mine = outbox(jobs_db, member_id=ids["ours"])
    again = [r for r in mine if r.key.startswith(f"meeting:{ids['meeting']}:")]
    assert len(again) == 2 and "17 ธันวาคม 2569" in text_of(again[-1])


def test_a_cancelled_meeting_is_told_and_never_reminded(jobs_db):
    ids = _two_funds(jobs_db)
    with jobs_db() as s, s.begin():
        from models import Meeting

        assert meetings.cancel(s, s.get(Meeting, ids["meeting"]), actor="cli", at=at(2026, 12, 1, 10),
                               tz=BANGKOK) == 2
    notice = next(r for r in outbox(jobs_db, kind="meeting_change") if r.member_id == ids["ours"])
    assert "ยกเลิก" in text_of(notice)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    MEETINGS.run(jobs_db, at(2026, 12, 10, 8, 0), BANGKOK)
    assert not [r for r in outbox(jobs_db, kind="meeting_reminder") if f":{ids['meeting']}:" in r.key]


def _reminders(Session, meeting_id: int) -> list:
    return [r for r in outbox(Session, kind="meeting_reminder") if r.key.startswith(f"meeting:{meeting_id}:")]


def test_cancelling_withdraws_the_reminders_already_written(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)  # written, not sent yet
    assert {r.status for r in _reminders(jobs_db, ids["meeting"])} == {"pending"}
    with jobs_db() as s, s.begin():
        from models import Meeting

        meetings.cancel(s, s.get(Meeting, ids["meeting"]), actor="cli", at=at(2026, 12, 7, 10), tz=BANGKOK)
    withdrawn = _reminders(jobs_db, ids["meeting"])
    assert len(withdrawn) == 2
    assert {(r.status, r.last_error) for r in withdrawn} == {("expired", "meeting cancelled")}
    # The other meeting's reminders were not about this one.
    assert {r.status for r in _reminders(jobs_db, ids["network"])} == {"pending"}


def test_moving_withdraws_the_reminders_of_the_old_time(jobs_db):
    ids = _two_funds(jobs_db)
    MEETINGS.run(jobs_db, at(2026, 12, 7, 9, 0), BANGKOK)
    with jobs_db() as s, s.begin():
        from models import Meeting

        meetings.move(s, s.get(Meeting, ids["meeting"]), at(2026, 12, 17, 13, 0), actor="cli",
                      at=at(2026, 12, 7, 12, 0), tz=BANGKOK)
    old = _reminders(jobs_db, ids["meeting"])
    assert {(r.status, r.last_error) for r in old} == {("expired", "meeting moved")}
    MEETINGS.run(jobs_db, at(2026, 12, 14, 9, 0), BANGKOK)  # the new time's reminders still go
    new = [r for r in _reminders(jobs_db, ids["meeting"]) if r.status == "pending"]
    assert len(new) == 2 and "17 ธันวาคม 2569" in text_of(new[0])
