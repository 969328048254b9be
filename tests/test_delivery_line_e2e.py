"""The outbox delivered to LINE end to end: the dispatcher, the real LINE sender and the fake LINE
(requests checked against the Messaging API's spec), Telegram's real sender and fake for the members
who linked it too, time moved by a `ManualClock`. What each person received is counted on the
fakes' side, per recipient.

- Quota: 300 units left and 1,000 members owing dues (and a few urgent notices): pushes stay within
  what is left less the reserve (urgent rows may use the reserve), go by priority, bundle what one
  member has waiting into one push, and the rest are held: sent on Telegram where the member has
  it, else given free with the member's next answer. A monthly-limit 429 holds instead of retrying.
- Chaos: 30% of sends answered 500 (half of them after LINE acted on them) and bursts of 429: after
  enough rounds, everyone received each message exactly once.
- One announcement to 1,200 members goes as three multicasts: 500, 500 and 200.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from messaging.values import Text
from models import OutboxMessage
from scheduler.clock import QuietHours
from scheduler.dispatcher import DeliverySettings, Dispatcher
from services import outbox
from tests.conftest import BANGKOK
from tests.fakes.line_delivery import MONTHLY_LIMIT
from tests.fakes.line_webhook import LineUser
from tests.line_delivery_fixtures import dues_text, enqueue_for

SETTINGS = DeliverySettings(tz=BANGKOK, quiet_hours=QuietHours.parse("21:00-08:00"), line_quota_reserve="10%")
LAPSE = "อีกหนึ่งเดือนหากยังไม่ชำระ สมาชิกภาพจะสิ้นสุดลงค่ะ"
MOVED = "ประชุมใหญ่เลื่อนเป็นวันเสาร์ที่ 19 ธันวาคม 2569 ค่ะ"
ANNOUNCEMENT = "ขอเชิญสมาชิกร่วมประชุมใหญ่สามัญประจำปี วันเสาร์ที่ 12 ธันวาคม 2569 เวลา 09:00 น. ค่ะ"


@pytest.fixture
def dispatcher(delivery_db, delivery_senders, delivery_clock):
    def make() -> Dispatcher:
        return Dispatcher(delivery_db, delivery_senders, SETTINGS, clock=delivery_clock,
                          sleep=delivery_clock.sleep)

    return make


def texts_of(fake_line, user: str) -> list[str]:
    return [m.get("text", m.get("altText")) for m in fake_line.received(user)]


def statuses(delivery_db) -> dict[str, int]:
    with delivery_db() as s:
        counted = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return dict(s.execute(counted).all())


def rows_of(delivery_db, **where) -> list[OutboxMessage]:
    with delivery_db() as s:
        query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return list(s.scalars(query))


# --- the quota ------------------------------------------------------------------------------------

def test_three_hundred_units_for_a_thousand_members_owing(linked_people, delivery_db, delivery_app,
                                                         dispatcher, fake_line, fake_telegram):
    members = linked_people(1000, telegram_every=10)  # every tenth has Telegram too
    fake_line.set_quota(300, used=0)
    reserve = 30  # 10% of 300
    enqueue_for(delivery_db, [(p, "dues_reminder", None) for p in members])
    lapsing, moved = members[1:21], members[21:31]  # none of them on Telegram (indexes 1-9, 11-19, …)
    enqueue_for(delivery_db, [(p, "lapse_warning", [Text(LAPSE)]) for p in lapsing])
    enqueue_for(delivery_db, [(p, "meeting_change", [Text(MOVED)]) for p in moved])

    report = dispatcher().deliver()

    pushed = fake_line.recipients()
    # Within what is left less the reserve: the urgent rows fitted in before it.
    assert fake_line.consumption == len(pushed) == 300 - reserve and fake_line.quota_left == reserve
    assert all(fake_line.delivered(u) == 1 for u in pushed)  # one unit each: one push per member
    assert fake_line.calls("multicast") == []
    # By priority: every urgent notice went, each bundled with that member's dues reminder.
    for person in lapsing:
        assert texts_of(fake_line, person.line) == [LAPSE, dues_text(person)]
    for person in moved:
        assert texts_of(fake_line, person.line) == [MOVED, dues_text(person)]
    # The rest are held, or went on Telegram for those who linked it.
    line_only_held = [p for p in members if p.line not in pushed and not p.telegram]
    on_telegram = [p for p in members if p.line not in pushed and p.telegram]
    assert on_telegram and line_only_held
    for person in on_telegram:
        (message,) = fake_telegram.sent(int(person.telegram))
        assert message["text"] == dues_text(person)
    held = rows_of(delivery_db, status=outbox.HELD)
    assert {r.external_user_id for r in held} == {p.line for p in line_only_held}
    assert {r.sent_via for r in rows_of(delivery_db, status=outbox.SENT)} == {"push", "telegram"}
    assert report.held == len(held) and report.sent == 30 * 2 + 240 + len(on_telegram)

    # A member whose reminder is held writes: the answer carries it, free.
    person = line_only_held[0]
    user = LineUser(delivery_app.test_client(), fake_line, user=person.line)
    user.say("สวัสดี")
    assert "มีข้อความใหม่ถึงท่าน 1 รายการค่ะ" in user.text and dues_text(person) in user.text
    (row,) = rows_of(delivery_db, external_user_id=person.line)
    assert (row.status, row.sent_via) == (outbox.SENT, "reply")
    assert fake_line.consumption == 300 - reserve  # replies are free

    # An urgent notice decided now may spend the reserve; the held dues still wait.
    latecomer = line_only_held[1]
    enqueue_for(delivery_db, [(latecomer, "meeting_change", [Text(MOVED)])])
    dispatcher().deliver()
    assert texts_of(fake_line, latecomer.line)[0] == MOVED
    assert fake_line.consumption == 300 - reserve + 1  # from the reserve, one unit
    assert fake_line.recipients() == pushed | {latecomer.line}  # nobody else's dues went with it


def test_a_monthly_limit_holds_the_channel_instead_of_retrying(linked_people, delivery_db, dispatcher,
                                                                fake_line, delivery_clock):
    members = linked_people(40)
    fake_line.set_quota(300, used=0)  # LINE says there is room, and then refuses: another tool spent it
    enqueue_for(delivery_db, [(p, "dues_reminder", None) for p in members])
    fake_line.fail_next("pushMessage", 429, MONTHLY_LIMIT, times=1)

    dispatcher().deliver()
    (refused,) = fake_line.calls("pushMessage")
    assert refused.status == 429
    assert statuses(delivery_db) == {outbox.HELD: 40}

    for _ in range(6):  # hours later, in the same month: still nothing asked of LINE
        delivery_clock.advance(hours=4)
        dispatcher().deliver()
    assert len(fake_line.calls("pushMessage")) == 1 and fake_line.recipients() == set()

    delivery_clock.at = datetime(2027, 1, 1, 10, 0, tzinfo=BANGKOK)  # LINE's month has turned
    fake_line.set_quota(300, used=0)
    dispatcher().deliver()
    assert fake_line.recipients() == {p.line for p in members}
    assert all(fake_line.delivered(p.line) == 1 for p in members)


# --- chaos ------------------------------------------------------------------------------------------

def test_under_chaos_everyone_receives_each_message_exactly_once(linked_people, delivery_db, dispatcher,
                                                                  fake_line, delivery_rounds):
    owing, everyone = linked_people(150), linked_people(350)
    fake_line.set_quota(None, used=0)
    enqueue_for(delivery_db, [(p, "dues_reminder", None) for p in owing])
    groups = [everyone[i:i + 50] for i in range(0, 350, 50)]  # seven announcements, one multicast each
    for n, group in enumerate(groups):
        enqueue_for(delivery_db, [(p, "announcement", [Text(f"{ANNOUNCEMENT} ({n})")]) for p in group],
                    content_key=f"announce:{n}")
    # The first push and the first multicast: acted on by LINE but answered 500, then 500 again on
    # the sender's retry at once; only the dispatcher's later retry, under the same key, learns (409).
    fake_line.script("pushMessage", "after", "before")
    fake_line.script("multicast", "after", "before")
    chaos = fake_line.chaos(seed=20261201, error_rate=0.3, accepted_share=0.5, burst_rate=0.03,
                            burst_length=4)

    for _ in delivery_rounds(60, minutes=30):
        dispatcher().deliver()
        if set(statuses(delivery_db)) == {outbox.SENT}:
            break
    assert statuses(delivery_db) == {outbox.SENT: 500}
    assert chaos.failed_before and chaos.failed_after and chaos.rate_limited  # the chaos did happen
    assert 409 in {c.status for c in fake_line.calls("multicast")}
    assert 409 in {c.status for c in fake_line.calls("pushMessage")}
    for person in owing:
        assert texts_of(fake_line, person.line) == [dues_text(person)]
        assert fake_line.delivered(person.line) == 1
    for n, group in enumerate(groups):
        for person in group:
            assert texts_of(fake_line, person.line) == [f"{ANNOUNCEMENT} ({n})"]
            assert fake_line.delivered(person.line) == 1


# --- multicast --------------------------------------------------------------------------------------

def test_one_announcement_to_1200_members_goes_as_three_multicasts(linked_people, delivery_db,
                                                                  dispatcher, fake_line):
    members = linked_people(1200)
    fake_line.set_quota(15000, used=0)
    enqueue_for(delivery_db, [(p, "announcement", [Text(ANNOUNCEMENT)]) for p in members],
                content_key="announce:7", source="announcement:7")

    report = dispatcher().deliver()

    calls = fake_line.calls("multicast")
    assert sorted((len(c.json["to"]) for c in calls), reverse=True) == [500, 500, 200]
    assert all(c.status == 200 for c in calls) and fake_line.calls("pushMessage") == []
    assert len({c.headers["x-line-retry-key"] for c in calls}) == 3
    assert fake_line.recipients() == {p.line for p in members}
    assert all(fake_line.delivered(p.line) == 1 for p in members)
    assert fake_line.consumption == 1200 and report.sent == 1200
    keys = {r.retry_key for r in rows_of(delivery_db, status=outbox.SENT)}
    assert keys == {c.headers["x-line-retry-key"] for c in calls}  # each row keeps its request's key
    assert {r.sent_via for r in rows_of(delivery_db)} == {"multicast"}


# --- a kept answer, with the held notices it carried ---------------------------------------------

def test_a_kept_answer_goes_once_under_the_retry_key_its_first_push_carried(linked_people, delivery_db,
                                                                            delivery_app, dispatcher,
                                                                            fake_line):
    (person,) = linked_people(1)
    fake_line.set_quota(300, used=0)
    with delivery_db() as s, s.begin():
        outbox.enqueue(s, key="dues:held", channel="line", user_id=person.line, member_id=person.member_id,
                       kind="dues_reminder", status=outbox.HELD, replies=[Text(dues_text(person))])
    # The reply token is refused; the push instead is acted on by LINE but answered 500, and its
    # retry at once is 500 too: the answer (and the held reminder inside it) is kept.
    fake_line.fail_next("replyMessage", 400, "Invalid reply token")
    fake_line.script("pushMessage", "after", "before")
    LineUser(delivery_app.test_client(), fake_line, user=person.line).say("สวัสดี")
    (answer,) = rows_of(delivery_db, kind="answer")
    assert answer.status == outbox.PENDING and answer.retry_key

    dispatcher().deliver()

    pushes = fake_line.calls("pushMessage")
    assert [p.status for p in pushes] == [500, 500, 409]  # the dispatcher's push: accepted before
    assert {p.headers["x-line-retry-key"] for p in pushes} == {answer.retry_key}
    assert fake_line.delivered(person.line) == 1
    assert texts_of(fake_line, person.line).count(dues_text(person)) == 1
    assert {r.status for r in rows_of(delivery_db)} == {outbox.SENT}
