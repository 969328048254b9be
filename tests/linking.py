"""What the linking tests share: a roster where the member and a committee member have linked their
own LINE chats, a member with no phone on file, strangers on three channels, and reading the outbox."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from locales import translate
from models import CommitteeRole, Fund, Member, OutboxMessage
from services import linking
from tests.drivers import CoreChat
from tests.factories import link_chat, make_member
from tests.registration import NEW_ID, build_roster, give_details, start_link

SOMSRI_LINE = "U-somsri-own-line"
COMMITTEE_LINE = "U-committee-line"


def th(key: str, **fields) -> str:
    return translate("th", key, **fields)


def build_linking_roster(db) -> SimpleNamespace:
    """Somsri (an active member of Pa Khlok) has linked her own LINE; Pa Khlok has a committee member
    with a LINE chat too."""
    roster = build_roster(db)
    with db() as s, s.begin():
        fund = s.get(Fund, roster.pakhlok_id)
        link_chat(s, SOMSRI_LINE, s.get(Member, roster.member_id), channel="line")
        boss = make_member(s, fund, first_name="ประธาน", last_name="กองทุน", member_no="00001")
        s.add(CommitteeRole(member_id=boss.id, fund_id=fund.id, role="committee"))
        link_chat(s, COMMITTEE_LINE, boss, channel="line")
    return roster


def add_phoneless(db, roster) -> int:
    """มานี, a member of Pa Khlok with no phone on file (NEW_ID, born 1/5/2523)."""
    with db() as s, s.begin():
        manee = make_member(s, s.get(Fund, roster.pakhlok_id), national_id=NEW_ID,
                            birth_date=date(1980, 5, 1), first_name="มานี", last_name="มีนา",
                            member_no="00099", phone=None)
    return manee.id


def outbox(db) -> list[OutboxMessage]:
    with db() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def texts(rows: list[OutboxMessage]) -> str:
    return json.dumps([r.payload for r in rows], ensure_ascii=False)


def people(app, new_chat, n: int, tag: str) -> list:
    """n strangers on three channels."""
    made = []
    for i in range(n):
        if i % 3 == 0:
            made.append(new_chat(f"U-{tag}-{i}"))
        else:
            made.append(CoreChat(app, f"{tag}-{i}", channel="telegram" if i % 3 == 1 else "line"))
    return made


def fail_from_many_chats(app, new_chat, national_id: str, tag: str) -> list:
    """Five failed tries at one ID, each from another chat: wrong birth dates and wrong phones."""
    strangers = people(app, new_chat, linking.MAX_TARGET_FAILURES, tag)
    for i, stranger in enumerate(strangers):
        start_link(stranger)
        if i % 2:
            give_details(stranger, national_id, birth=f"{i + 1}/2/2500")
        else:
            give_details(stranger, national_id, phone=f"089-000-000{i}")
    return strangers
