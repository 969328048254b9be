"""Registration and personal data: no audit row or dialog state ever holds a full national ID or
phone number."""

from __future__ import annotations

import json

from sqlalchemy import select

from domain.identity import hash_national_id
from models import AuditLog
from tests.conftest import SECRET
from tests.registration import (
    NEW_ID,
    ROSTER_ID,
    dashed,
    give_details,
    start_link,
    state,
    walk_apply,
)

# --- personal data -----------------------------------------------------------------------------

def test_audit_rows_and_dialog_data_never_hold_a_full_id_or_phone(chat, new_chat, db, roster):
    # Failed tries (a wrong birth date, a wrong phone), a link, and an application.
    start_link(chat)
    give_details(chat, birth="1/1/2500")
    give_details(chat, phone="089-999-9999")
    give_details(chat)
    applicant = new_chat("U-applicant")
    walk_apply(applicant, "reg.apply.confirm")
    _, data = state(db, "U-applicant")
    assert NEW_ID not in json.dumps(data)
    applicant.tap("ยืนยัน")

    with db() as s:
        rows = s.scalars(select(AuditLog)).all()
        assert {r.action for r in rows} == {"member.link_failed", "member.link", "member.apply"}
        dumped = json.dumps([[r.actor, r.action, r.entity, r.entity_id, r.detail] for r in rows],
                            ensure_ascii=False)
    for secret in (ROSTER_ID, NEW_ID, dashed(ROSTER_ID), dashed(NEW_ID), "0812345678", "812345678",
                   "0899999999", "899999999",
                   hash_national_id(SECRET, ROSTER_ID), hash_national_id(SECRET, NEW_ID)):
        assert secret not in dumped
