"""The network's audiences: a district (every fund in it) and every fund, for network admins only.
A fund's committee never sees them, and a forged press of one is refused and audited."""

from __future__ import annotations

from sqlalchemy import select

from handlers import buttons as B
from models import Announcement, Audience, CommitteeRole, Fund
from scheduler.jobs import JOBS
from services import announcements
from tests.committee_fixtures import refusals
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox

JOB = next(job for job in JOBS if job.name == "announcements")


def network(channel_db, cm_world) -> dict[str, set[int]]:
    """A third fund in Pa Khlok's district (ถลาง); one member with a chat in each fund."""
    with channel_db() as s, s.begin():
        thep = make_fund(s, "THEP", name_th="กองทุนสวัสดิการชุมชนตำบลเทพกระษัตรี", name_en="Thep Krasattri Fund")
        home, other = s.get(Fund, cm_world.home_id), s.get(Fund, cm_world.other_id)
        ids = {name: {member_with_chat(s, fund, joined_on=JOINED).id}
               for name, fund in (("home", home), ("other", other), ("thep", thep))}
        ids["home"].add(cm_world.chair_id)
        return ids


def make_admin(channel_db, cm_world) -> None:
    with channel_db() as s, s.begin():
        role = s.scalars(select(CommitteeRole).where(CommitteeRole.member_id == cm_world.chair_id)).one()
        role.role = "admin"


def test_a_network_admin_announces_to_a_district_of_several_funds(driver, channel_db, cm_world):
    ids = network(channel_db, cm_world)
    make_admin(channel_db, cm_world)
    driver.press(B.CM_ANN_NEW)
    driver.say("อบรมการเงินชุมชนที่อำเภอถลางค่ะ")
    assert {"สมาชิกตามอำเภอ", "ทุกกองทุนในเครือข่าย"} <= set(driver.labels())
    driver.tap("สมาชิกตามอำเภอ")
    assert set(driver.labels()) >= {"กะทู้", "ถลาง", "ยกเลิก"}
    driver.tap("ถลาง")
    assert "ส่งถึง: สมาชิกทุกกองทุนในอำเภอถลาง" in driver.text
    assert "📢 ประกาศจากเครือข่ายกองทุนสวัสดิการชุมชน" in driver.text
    assert "ผู้รับ 6 คน" in driver.text  # Pa Khlok's chair, three plain members and one; Thep's one
    driver.tap("ส่งเลย")
    driver.tap("ยืนยันส่งประกาศ")
    with channel_db() as s:
        (item,) = s.scalars(select(Announcement)).all()
        assert (item.fund_id, item.audience, item.district_th) == (None, Audience.DISTRICT, "ถลาง")
    JOB.run(channel_db, at(2026, 11, 29, 10, 1), BANGKOK)
    got = {r.member_id for r in outbox(channel_db, source=f"announcement:{item.id}")}
    assert got == ids["home"] | ids["thep"]


def test_a_network_admin_announces_to_every_fund_and_lists_it(driver, channel_db, cm_world):
    ids = network(channel_db, cm_world)
    make_admin(channel_db, cm_world)
    driver.press(B.CM_ANN_NEW)
    driver.say("ประชุมเครือข่ายประจำปีค่ะ")
    driver.tap("ทุกกองทุนในเครือข่าย")
    assert "ส่งถึง: สมาชิกทุกกองทุนในเครือข่าย" in driver.text and "ผู้รับ 8 คน" in driver.text
    driver.tap("ตั้งเวลาส่ง")
    driver.say("1/12/2569 10:00")
    driver.tap("ยืนยันส่งประกาศ")
    driver.tap("ประกาศของกองทุน")
    assert "ประชุมเครือข่ายประจำปี" in driver.text  # an admin's list has the network's too
    JOB.run(channel_db, at(2026, 12, 1, 10), BANGKOK)
    with channel_db() as s:
        (item,) = s.scalars(select(Announcement)).all()
    got = {r.member_id for r in outbox(channel_db, source=f"announcement:{item.id}")}
    assert got == ids["home"] | ids["other"] | ids["thep"]


def test_a_funds_committee_forging_a_network_audience_is_refused_and_audited(driver, channel_db, cm_world):
    network(channel_db, cm_world)
    for forged in (B.CM_ANN_DISTRICTS, B.CM_ANN_AUDIENCE + "network", B.CM_ANN_AUDIENCE + "d0"):
        driver.press(B.CM_ANN_NEW)
        driver.say("ข้อความถึงทุกกองทุน")
        assert "ทุกกองทุนในเครือข่าย" not in driver.labels()
        driver.press(forged)
        assert "สำหรับคณะกรรมการของกองทุนเท่านั้น" in driver.text, forged
        driver.press(B.CM_ANN_NOW)  # the dialog was closed by the refusal
        assert "ใช้ไม่ได้แล้ว" in driver.text
    rows = refusals(channel_db, tried="announce.audience_network")
    assert len(rows) == 3 and {r.detail["reason"] for r in rows} == {"other_fund"}
    with channel_db() as s:
        assert s.scalars(select(Announcement)).all() == []


def test_the_network_audiences_of_the_service(channel_db, cm_world, driver):
    ids = network(channel_db, cm_world)
    with channel_db() as s, s.begin():
        everyone = announcements.create_draft(s, fund_id=None, text_th="ทุกคน", author="cli",
                                              at=at(2026, 11, 29))
        kathu = announcements.create_draft(s, fund_id=None, text_th="กะทู้", audience=Audience.DISTRICT,
                                           district_th="กะทู้", author="cli", at=at(2026, 11, 29))
        for item in (everyone, kathu):
            announcements.schedule(s, item, at(2026, 11, 29, 11), actor="cli", at=at(2026, 11, 29))
    JOB.run(channel_db, at(2026, 11, 29, 11), BANGKOK)
    assert {r.member_id for r in outbox(channel_db, source=f"announcement:{kathu.id}")} == ids["other"]
    assert len(outbox(channel_db, source=f"announcement:{everyone.id}")) == 4
