"""The preview's LINE figures against the real thing: the announcements job writes the rows, the
dispatcher delivers them to the fake LINE within what is left less the reserve, and what it holds is
what the preview said would wait; the delivery report the chat shows counts the same."""

from __future__ import annotations

from messaging.sender import Quota
from models import Announcement, Member
from scheduler.clock import QuietHours
from scheduler.dispatcher import DeliverySettings, Dispatcher
from scheduler.jobs import JOBS
from scheduler.quota_memory import remember_quota
from services import announcements
from services.announcement_preview import preview
from tests.conftest import BANGKOK
from tests.line_delivery_fixtures import START

JOB = next(job for job in JOBS if job.name == "announcements")
SETTINGS = DeliverySettings(tz=BANGKOK, quiet_hours=QuietHours.parse("21:00-08:00"), line_quota_reserve="10%")


def test_what_the_preview_says_is_held_is_what_the_dispatcher_holds(linked_people, delivery_db,
                                                                     delivery_senders, delivery_clock,
                                                                     fake_line):
    people = linked_people(80)
    fake_line.set_quota(100, used=30)  # 70 left, 10 of them the reserve: room for 60
    with delivery_db() as s, s.begin():
        fund_id = s.get(Member, people[0].member_id).fund_id
        remember_quota(s, "line", Quota(100, 30), START)  # as the last dispatch read it
        item = announcements.create_draft(s, fund_id=fund_id, text_th="ประชุมใหญ่วันเสาร์ค่ะ", author="chat:1",
                                          at=START)
        said = preview(s, item, locale="th", send_at=START, tz=BANGKOK, quiet_hours="21:00-08:00",
                       reserve_setting="10%")
        announcements.schedule(s, item, START, actor="chat:1", at=START)
        item_id = item.id
    assert (said.line, said.quota_left, said.reserve, said.line_now, said.line_held) == (80, 70, 10, 60, 20)

    assert JOB.run(delivery_db, START, BANGKOK) == said.reachable
    dispatcher = Dispatcher(delivery_db, delivery_senders, SETTINGS, clock=delivery_clock,
                            sleep=delivery_clock.sleep)
    dispatcher.deliver()
    assert fake_line.consumption - 30 == said.line_now
    with delivery_db() as s:
        report = announcements.delivery(s, item_id)
        assert s.get(Announcement, item_id).recipients == 80
    assert (report["sent"], report["held"], report["failed"]) == (said.line_now, said.line_held, 0)
