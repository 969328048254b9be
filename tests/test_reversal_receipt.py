"""A payment reversed before the dispatcher ran: its receipt (thanking the member for money the fund
no longer counts, with a wrong paid-through month) never goes, and neither does a correction of a
payment the member never heard of. Once the receipt went, the correction follows it; an imported
entry's receipt (perhaps for several entries) withdrawn, the correction alone says where they stand."""

from __future__ import annotations

from decimal import Decimal

from models import Member
from services.payments import record_payment
from services.reversals import reverse
from tests.dispatch_fixtures import RecordingSender, rows_by_key
from tests.factories import make_fund
from tests.jobs_fixtures import JOINED, at, member_with_chat


def _member(Session) -> int:
    with Session() as s, s.begin():
        return member_with_chat(s, make_fund(s), joined_on=JOINED, channels=("simulator",)).id


def _pay(Session, member_id: int, actor: str = "chat:1") -> int:
    with Session() as s, s.begin():
        return record_payment(s, s.get(Member, member_id), Decimal(45), paid_on=at(2026, 12, 2).date(),
                              actor=actor, at=at(2026, 12, 2)).id


def _reverse(Session, payment_id: int) -> None:
    with Session() as s, s.begin():
        reverse(s, payment_id, reason="บันทึกผิดคน", actor="chat:1", at=at(2026, 12, 2, 10))


def test_reversed_before_the_dispatcher_ran_the_member_gets_nothing(outbox_db, manual_clock, make_dispatcher):
    member_id = _member(outbox_db)
    _reverse(outbox_db, _pay(outbox_db, member_id))
    sender = RecordingSender("simulator", manual_clock)
    make_dispatcher({"simulator": sender}).deliver()
    assert sender.calls == []
    [receipt] = rows_by_key(outbox_db).values()
    assert receipt.key.startswith("receipt:") and receipt.status == "expired"


def test_reversed_after_the_receipt_went_the_correction_follows(outbox_db, manual_clock, make_dispatcher):
    member_id = _member(outbox_db)
    payment_id = _pay(outbox_db, member_id)
    sender = RecordingSender("simulator", manual_clock)
    make_dispatcher({"simulator": sender}).deliver()
    _reverse(outbox_db, payment_id)
    make_dispatcher({"simulator": sender}).deliver()
    texts = ["\n".join(call.texts) for call in sender.calls]
    assert len(texts) == 2 and "45 บาท" in texts[0]
    assert "แจ้งแก้ไขรายการเงินสัจจะ" in texts[1] and "เหตุผล: บันทึกผิดคน" in texts[1]


def test_an_imported_entry_reversed_before_its_receipt_went_gets_the_correction_alone(
        outbox_db, manual_clock, make_dispatcher):
    """An import's receipt may cover several entries: withdrawn, the correction says where the
    member stands."""
    member_id = _member(outbox_db)
    _reverse(outbox_db, _pay(outbox_db, member_id, actor="cli"))
    sender = RecordingSender("simulator", manual_clock)
    make_dispatcher({"simulator": sender}).deliver()
    [call] = sender.calls
    assert "แจ้งแก้ไขรายการเงินสัจจะ" in "\n".join(call.texts)
