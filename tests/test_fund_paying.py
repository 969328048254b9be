"""The fund's payment channels: what a value may be, how it is stored and shown, the audit without
values; `kongtun fund paying`; and the same channel text in the scheduler's reminders, the lapse
notice and the approval notice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditLog, Fund
from scheduler.jobs import JOBS
from services import fund_paying
from services.applications import approved_notice
from services.fund_paying import BY_KEY, InvalidValue, bank_name_en, parse, set_fields
from tests.conftest import BANGKOK
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat, outbox, text_of
from tests.test_paying import CHANNELS

DUES = next(job for job in JOBS if job.name == "dues")
STATUS = next(job for job in JOBS if job.name == "status")


@pytest.mark.parametrize(("key", "typed", "stored"), [
    ("bank_account", "020-1-23456-789", "020123456789"),
    ("bank_account", "๑๒๓ ๔ ๕๖๗๘๙ ๐", "1234567890"),  # Thai digits, spaces
    ("bank_account", "12345678901", "12345678901"),
    ("promptpay", "081-234-5678 ค่ะ", "0812345678"),
    ("promptpay", "+66 81 234 5678", "0812345678"),
    ("promptpay", "3-1006-00445-63-5", "3100600445635"),
    ("treasurer_phone", "เบอร์ 089-876-5432", "+66898765432"),
    ("contact_phone", "076-311-234", "+6676311234"),  # an office's landline
    ("treasurer_name", "  นางสมหญิง   ใจงาม ", "นางสมหญิง ใจงาม"),
])
def test_values_are_read_as_people_type_them(key, typed, stored):
    assert parse(BY_KEY[key], typed) == stored


@pytest.mark.parametrize(("key", "typed", "reason"), [
    ("bank_account", "12345", "account"),
    ("bank_account", "1234567890123", "account"),
    ("bank_account", "020-1-2345x-789", "account"),
    ("promptpay", "02-123-4567", "promptpay"),  # a landline cannot take PromptPay
    ("promptpay", "3100600445634", "promptpay_id"),  # the check digit is wrong
    ("promptpay", "12345", "promptpay"),
    ("treasurer_phone", "1234", "phone"),
    ("treasurer_phone", "1800123456", "phone"),  # toll-free: not a number to call the treasurer on
    ("contact_phone", "1-800-123-456", "phone"),
    ("contact_phone", "1900123456", "phone"),  # premium
    ("treasurer_phone", "060-123-4567", "phone"),  # VoIP
    ("treasurer_name", " ... ", "empty"),
    ("meeting_th", "ก" * 301, "too_long"),
])
def test_wrong_values_are_refused_with_a_reason(key, typed, reason):
    with pytest.raises(InvalidValue) as refused:
        parse(BY_KEY[key], typed)
    assert refused.value.reason == reason


@pytest.mark.parametrize(("thai", "english"), [
    ("ธ.ก.ส. สาขาถลาง", "BAAC (Bank for Agriculture and Agricultural Cooperatives)"),
    ("ธกส", "BAAC (Bank for Agriculture and Agricultural Cooperatives)"),
    ("ธนาคารกรุงไทย สาขาภูเก็ต", "Krungthai Bank"),
    ("ออมสิน", "Government Savings Bank"),
    ("กสิกรไทย", "Kasikornbank"),
    ("ไทยพาณิชย์", "SCB (Siam Commercial Bank)"),
    ("ธนาคารกรุงเทพ", "Bangkok Bank"),
    ("กรุงศรี", "Krungsri (Bank of Ayudhya)"),
    ("ทหารไทยธนชาต", "ttb (TMBThanachart Bank)"),
    ("TTB สาขาป่าตอง", "ttb (TMBThanachart Bank)"),
    ("ธ.อ.ส.", "GHB (Government Housing Bank)"),
    ("SCB Patong branch", "SCB (Siam Commercial Bank), Patong branch"),
    ("Krungthai Bank", "Krungthai Bank"),  # written in English already
    ("ธนาคารหมู่บ้าน", "ธนาคารหมู่บ้าน"),  # not a bank it knows: as written
    (None, None),
])
def test_bank_names_in_english(thai, english):
    assert bank_name_en(thai) == english


def test_shown_as_printed_on_a_passbook():
    assert fund_paying.format_account("020123456789") == "020-1-23456-789"
    assert fund_paying.format_account("1234567890") == "123-4-56789-0"
    assert fund_paying.format_promptpay("0812345678") == "081-234-5678"
    assert fund_paying.format_any_phone("+6676311234") == "076-311-234"


def test_set_and_clear_audited_without_the_values(session):
    fund = make_fund(session)
    changed = set_fields(session, fund, dict(CHANNELS), actor="chat:9")
    assert set(changed) == set(CHANNELS) and fund.bank_account_no == "020123456789"
    assert fund.treasurer_phone == "+66898765432" and fund.promptpay_id == "0812345678"
    assert set_fields(session, fund, {"bank_account": "0201-23456-789"}, actor="chat:9") == []  # the same
    set_fields(session, fund, {"promptpay": None, "treasurer_phone": "081-111-2222"}, actor="chat:9")
    rows = session.scalars(select(AuditLog).where(AuditLog.action == "fund.paying")
                           .order_by(AuditLog.id)).all()
    assert len(rows) == 2 and rows[0].entity_id == str(fund.id) and rows[0].actor == "chat:9"
    assert rows[1].detail == {"fund": "PAKHLOK", "set": ["treasurer_phone"], "cleared": ["promptpay"]}
    logged = str([r.detail for r in rows])
    for value in ("898765432", "8765432", "0812345678", "020123456789", "สมหญิง", "111-2222", "1112222"):
        assert value not in logged


def test_one_bad_value_writes_nothing(session):
    fund = make_fund(session)
    with pytest.raises(InvalidValue):
        set_fields(session, fund, {"bank_name": "ธ.ก.ส.", "bank_account": "123"}, actor="test")
    assert fund.bank_name is None and session.scalars(select(AuditLog)).all() == []


# --- the command line -----------------------------------------------------------------------------

def test_cli_sets_shows_and_clears(run, session):
    make_fund(session, "PAKHLOK")
    session.commit()
    result = run("fund", "paying", "PAKHLOK", "--bank-name", "ธ.ก.ส.", "--bank-account", "020-1-23456-789",
                 "--promptpay", "0812345678", "--treasurer-phone", "089-876-5432",
                 "--meeting-en", "the 5th of each month, village hall")
    assert result.exit_code == 0, result.output
    assert "changed" in result.output and "020-1-23456-789" in result.output
    assert "081-234-5678" in result.output and "089-876-5432" in result.output
    shown = run("fund", "paying", "PAKHLOK")
    assert shown.exit_code == 0 and "bank_name" in shown.output and "ธ.ก.ส." in shown.output
    assert "contact_phone      -" in shown.output
    cleared = run("fund", "paying", "PAKHLOK", "--clear", "promptpay")
    assert cleared.exit_code == 0 and "changed promptpay" in cleared.output
    session.expire_all()
    fund = session.scalar(select(Fund))
    assert fund.promptpay_id is None and fund.bank_account_no == "020123456789"
    assert [r.actor for r in session.scalars(select(AuditLog))] == ["cli", "cli"]


@pytest.mark.parametrize(("args", "says"), [
    (("--bank-account", "12-34"), "--bank-account"),
    (("--promptpay", "3100600445634"), "check digit"),
    (("--contact-phone", "12"), "--contact-phone"),
    (("--bank-name", "X", "--clear", "bank_name"), "set and cleared"),
    (("--clear", "nonsense"), "nonsense"),
])
def test_cli_refuses_a_bad_value_and_writes_nothing(run, session, args, says):
    make_fund(session, "PAKHLOK")
    session.commit()
    result = run("fund", "paying", "PAKHLOK", "--bank-name", "ธ.ก.ส.", *args) if args[0] != "--bank-name" \
        else run("fund", "paying", "PAKHLOK", *args)
    assert result.exit_code == 2 and says in result.output
    session.expire_all()
    assert session.scalar(select(Fund)).bank_name is None
    assert session.scalars(select(AuditLog)).all() == []


def test_cli_refuses_a_toll_free_phone_and_takes_a_lower_case_code(run, session):
    make_fund(session, "PAKHLOK")
    session.commit()
    refused = run("fund", "paying", "PAKHLOK", "--treasurer-phone", "1800123456")
    assert refused.exit_code == 2 and "--treasurer-phone" in refused.output and "toll-free" in refused.output
    taken = run("fund", "paying", "pakhlok", "--treasurer-phone", "089-876-5432")
    assert taken.exit_code == 0, taken.output
    assert taken.output.startswith("PAKHLOK: changed treasurer_phone")
    session.expire_all()
    assert session.scalar(select(Fund)).treasurer_phone == "+66898765432"


def test_cli_help_and_an_unknown_fund(run):
    assert run("fund", "paying", "--help").exit_code == 0
    result = run("fund", "paying", "NOPE")
    assert result.exit_code == 1 and "no fund NOPE" in result.output


# --- what the scheduler and the approval send ------------------------------------------------------

def test_the_dues_reminder_and_the_lapse_warning_carry_the_channels(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        set_fields(s, fund, dict(CHANNELS), actor="test")
        due = member_with_chat(s, fund, joined_on=JOINED, months_paid=11).id
        warned = member_with_chat(s, fund, joined_on=JOINED, months_paid=9).id
        english = member_with_chat(s, fund, joined_on=JOINED, months_paid=11, locale="en").id
    DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    texts = {row.member_id: (row.kind, text_of(row)) for row in outbox(jobs_db)}
    for member_id, kind in ((due, "dues_reminder"), (warned, "lapse_warning")):
        got, text = texts[member_id]
        assert got == kind
        assert "• โอนเข้าบัญชี ธ.ก.ส. สาขาถลาง 020-1-23456-789" in text and "• พร้อมเพย์ 081-234-5678" in text
        assert "• ในวันประชุมประจำเดือน ทุกวันที่ 5 ที่ศาลาประชาคมหมู่ 3" in text
        assert "สอบถาม: นายสมชาย ใจดี โทร 076-311-234" in text
        assert "ชำระได้ที่ที่ทำการกองทุน" in text  # the fund's notes too
    assert "• bank transfer: BAAC (Bank for Agriculture and Agricultural Cooperatives) 020-1-23456-789" \
        in texts[english][1]


def test_the_lapse_notice_says_whom_to_call(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        set_fields(s, fund, dict(CHANNELS), actor="test")
        member_with_chat(s, fund, joined_on=JOINED, months_paid=8)
    STATUS.run(jobs_db, at(2026, 12, 1, 8, 30), BANGKOK)
    [row] = outbox(jobs_db)
    assert "วิธีติดต่อ: นายสมชาย ใจดี โทร 076-311-234" in text_of(row)


def test_a_fund_with_nothing_set_is_still_told_whom_to_ask(jobs_db):
    with jobs_db() as s, s.begin():
        fund = make_fund(s)
        fund.payment_info_th = fund.payment_info_en = None
        member_with_chat(s, fund, joined_on=JOINED, months_paid=11)
    DUES.run(jobs_db, at(2026, 12, 1, 9, 0), BANGKOK)
    [row] = outbox(jobs_db)
    assert "วิธีชำระ: ชำระกับคณะกรรมการกองทุนในวันประชุมประจำเดือนได้ค่ะ" in text_of(row)


def test_the_approval_notice_carries_the_channels(session):
    from tests.factories import make_member

    fund = make_fund(session)
    set_fields(session, fund, dict(CHANNELS), actor="test")
    member = make_member(session, fund)
    [notice] = approved_notice(member, "th")
    assert "• โอนเข้าบัญชี ธ.ก.ส. สาขาถลาง 020-1-23456-789" in notice.text
    assert "• ชำระกับเหรัญญิก นางสมหญิง ใจงาม โทร 089-876-5432" in notice.text
