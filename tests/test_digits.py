"""Numbers read the same however they were typed: Thai and full-width digits are read as digits,
digits of other scripts are refused, and phones are classified by `phonenumbers` (region TH)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.thai import (
    normalize_text,
    parse_mobile,
    parse_national_id,
    phone_national_number,
    to_arabic_digits,
)
from models import Member
from tests.registration import ROSTER_ID, build_roster, state, walk_apply, walk_link

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_full_width_digits_become_ascii_and_thai_text_is_untouched():
    assert to_arabic_digits("081234567８") == "0812345678"
    assert to_arabic_digits("０８１－２３４") == "081-234"
    assert to_arabic_digits("𝟎𝟖𝟏") == "081"  # mathematical bold digits fold too
    assert to_arabic_digits("ทำ ๑๒") == "ทำ 12"  # NFKC would have split sara am
    assert normalize_text("ＭＥＮＵ") == "menu"


@pytest.mark.parametrize("text", ["081234567８", "０８１－２３４－５６７８", "+66 (0) 81 234 5678",
                                  "+66 (0)81-234-5678", "๐๘๑ ๒๓๔ ๕๖๗๘", "812345678"])
def test_a_mobile_however_typed_is_stored_in_e164_ascii(text):
    assert parse_mobile(text) == "+66812345678"


@pytest.mark.parametrize("text", ["060-123-4567", "0681234567", "+66601234567", "+66 68 123 4567"])
def test_voip_ranges_are_not_mobiles(text):
    assert parse_mobile(text) is None


@pytest.mark.parametrize("text", ["0812345678".translate(ARABIC_INDIC), "call me at 0812345678",
                                  "0812345678 / 0891234567", "+1 415 555 0100"])
def test_other_scripts_text_around_or_foreign_numbers_are_refused(text):
    assert parse_mobile(text) is None


@pytest.mark.parametrize(("text", "digits"), [
    ("+66 (0)81-234-5678", "812345678"), ("๐๘๑๒๓๔๕๖๗๘", "812345678"), ("081234567８", "812345678"),
    ("02-123-4567", "21234567"), ("060-123-4567", "601234567"),
])
def test_any_thai_number_reads_as_its_national_digits(text, digits):
    assert phone_national_number(text) == digits


@pytest.mark.parametrize("text", ["+1 415 555 0100", "12345", "0812345678".translate(ARABIC_INDIC), ""])
def test_what_is_not_a_thai_number_has_no_national_digits(text):
    assert phone_national_number(text) is None


def test_a_national_id_in_arabic_indic_digits_is_refused_and_full_width_is_read():
    assert parse_national_id(ROSTER_ID.translate(ARABIC_INDIC)) is None
    assert parse_national_id(ROSTER_ID.translate(FULL_WIDTH)) == ROSTER_ID
    assert parse_national_id(ROSTER_ID).isascii()


def test_a_full_width_phone_typed_in_the_chat_is_kept_as_e164(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.phone")
    driver.say("081-234-567８".translate(FULL_WIDTH))
    name, data = state(channel_db, driver.user, driver.channel)
    assert name != "reg.apply.phone"
    assert data["phone"] == "+66812345678"


def test_a_voip_number_typed_in_the_chat_is_asked_again(driver, channel_db):
    build_roster(channel_db)
    walk_apply(driver, "reg.apply.phone")
    driver.say("060-123-4567")
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.apply.phone"
    assert "060, 068 หรือ 1800 ใช้ไม่ได้" in driver.text


def test_an_arabic_indic_national_id_typed_in_the_chat_is_refused(driver, channel_db):
    build_roster(channel_db)
    walk_link(driver, "reg.link.id")
    driver.say(ROSTER_ID.translate(ARABIC_INDIC))
    assert state(channel_db, driver.user, driver.channel)[0] == "reg.link.id"
    assert "ตัวเลข" in driver.text


def test_imports_read_full_width_phones_and_refuse_arabic_indic_ids(session, tmp_path):
    from tests.factories import make_fund
    from tests.test_imports import MEMBER, OTHER, run, write_csv

    make_fund(session)
    session.commit()
    wide = {**MEMBER, "phone": "０８１－２３４－５６７８", "national_id": ROSTER_ID.translate(FULL_WIDTH)}
    result = run(session, "members", write_csv(tmp_path / "wide.csv", [wide]))
    assert result.errors == [] and result.written == 1
    assert session.scalar(select(Member.phone)) == "+66812345678"

    arabic = {**OTHER, "national_id": OTHER["national_id"].translate(ARABIC_INDIC)}
    refused = run(session, "members", write_csv(tmp_path / "arabic.csv", [arabic]))
    assert [e.reason for e in refused.errors] == ["national_id must have 13 digits"]
    voip = {**OTHER, "phone": "068-123-4567"}
    refused = run(session, "members", write_csv(tmp_path / "voip.csv", [voip]))
    assert "not a Thai mobile number" in refused.errors[0].reason
