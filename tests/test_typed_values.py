"""Values typed the way people say them: a polite particle after the value ("… ค่ะ"), a label
before it ("เลขบัตร …", "วันเกิด …", "เบอร์ …"), and the everyday short month ("15 มกรา 2510").
The value is read as if it had been typed alone, in the domain and in the registration dialog."""

from __future__ import annotations

from datetime import date

import pytest

from domain.thai import parse_date, parse_mobile, parse_national_id
from tests.registration import NEW_ID, build_roster, dashed, state, thai_digits, walk_apply

ID = "1101700123456"  # a valid national ID


@pytest.mark.parametrize("typed", [
    "1-1017-00123-45-6 ค่ะ", "1101700123456ครับ", "เลขบัตร 1-1017-00123-45-6 ค่ะ",
    "เลขบัตรประชาชน: 1101700123456", "เลขประจำตัวประชาชนคือ 1101700123456 นะคะ",
])
def test_a_national_id_with_particles_or_a_label(typed):
    assert parse_national_id(typed) == ID


@pytest.mark.parametrize(("typed", "expected"), [
    ("2/2/2541ค่ะ", date(1998, 2, 2)),
    ("วันเกิด 2/2/2541 ครับ", date(1998, 2, 2)),
    ("เกิดวันที่ 15 ม.ค. 2510 ค่ะ", date(1967, 1, 15)),
    ("15 มกรา 2510", date(1967, 1, 15)),
    ("15 กุมภา 2510", date(1967, 2, 15)),
    ("15 มีนา 2510", date(1967, 3, 15)),
    ("15 เมษา 2510", date(1967, 4, 15)),
    ("15 พฤษภา 2510", date(1967, 5, 15)),
    ("15 มิถุนา 2510", date(1967, 6, 15)),
    ("15 กรกฎา 2510", date(1967, 7, 15)),
    ("15 สิงหา 2510", date(1967, 8, 15)),
    ("15 กันยา 2510", date(1967, 9, 15)),
    ("15 ตุลา 2510", date(1967, 10, 15)),
    ("15 พฤศจิกา 2510", date(1967, 11, 15)),
    ("15 ธันวา 2510ค่ะ", date(1967, 12, 15)),
])
def test_a_birth_date_with_particles_a_label_or_a_short_month(typed, expected):
    assert parse_date(typed).value == expected


@pytest.mark.parametrize("typed", [
    "๐๘๑-๒๓๔-๕๖๗８ ค่ะ", "0812345678 นะคะ", "เบอร์ 081-234-5678 ค่ะ", "เบอร์โทร: 081 234 5678",
    "มือถือ 0812345678ครับ",
])
def test_a_phone_with_particles_or_a_label(typed):
    assert parse_mobile(typed) == "+66812345678"


def test_a_value_is_still_refused_when_the_value_is_wrong():
    assert parse_national_id("1-1017-00123-45-7 ค่ะ") is None
    assert parse_date("31 กุมภา 2510").value is None
    assert parse_mobile("เบอร์ 02-123-4567 ค่ะ") is None


def test_an_application_typed_with_particles_and_labels_goes_through(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.id")
    driver.say(dashed(NEW_ID) + " ค่ะ")
    assert "13 หลัก" not in driver.text
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.birth"
    driver.say("วันเกิด 2/2/2541ค่ะ")
    assert "อ่านวันเกิดนี้ไม่ออก" not in driver.text
    assert state(channel_db, driver.user, driver.channel)[1]["birth_date"] == "1998-02-02"
    driver.say(thai_digits("081-234-567") + "８ ค่ะ")
    assert "มือถือไทย" not in driver.text
    name, data = state(channel_db, driver.user, driver.channel)
    assert name == "reg.apply.district" and data["phone"] == "+66812345678"


def test_the_everyday_month_is_read_at_the_birth_step(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.birth")
    driver.say("15 มกรา 2510")
    name, data = state(channel_db, driver.user, driver.channel)
    assert name == "reg.apply.phone" and data["birth_date"] == "1967-01-15"
