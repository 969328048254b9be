"""Registration is a table of steps (`handlers.register.steps`): each state has its own handler, the
table alone decides the order, and the dialog's data is a typed value stored as JSON."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from handlers import MODULES
from handlers.register import STATES, steps
from handlers.register.data import APPLY_BIRTH, APPLY_ID, APPLY_NAME, RegistrationData
from handlers.router import Router
from models import DialogState
from tests.conftest import BANGKOK
from tests.factories import make_fund


def test_every_step_has_its_own_handler():
    router = Router(MODULES)
    handlers = [router.states[state].func for state in STATES]  # KeyError if a step has none
    assert len(set(handlers)) == len(STATES)


def test_the_table_gives_the_order_of_each_path():
    assert steps.after(APPLY_NAME) == APPLY_ID
    assert [steps.after(s.state) for s in steps.APPLY_PATH[:-1]] == [s.state for s in steps.APPLY_PATH[1:]]
    assert [steps.after(s.state) for s in steps.LINK_PATH[:-1]] == [s.state for s in steps.LINK_PATH[1:]]


def test_reordering_the_table_reorders_the_conversation(chat, app, monkeypatch):
    with app.extensions["kongtun"].Session() as s, s.begin():
        make_fund(s, "PAKHLOK")
    path = list(steps.APPLY_PATH)
    by_state = {step.state: step for step in path}
    i, j = path.index(by_state[APPLY_ID]), path.index(by_state[APPLY_BIRTH])
    path[i], path[j] = path[j], path[i]  # ask the birth date before the national ID
    monkeypatch.setattr(steps, "APPLY_PATH", tuple(path))

    chat.say("สมัคร")
    chat.tap("สมัครสมาชิกใหม่")
    chat.tap("ยินยอม")
    chat.say("สมหญิง รักดี")
    assert "วันเดือนปีเกิด" in chat.text
    chat.say("2/3/2520")
    assert "13 หลัก" in chat.text
    with app.extensions["kongtun"].Session() as s:
        state = s.scalar(select(DialogState))
        assert state.state == APPLY_ID and state.data["birth_date"] == "1977-03-02"


def test_dialog_data_round_trips_through_json():
    data = RegistrationData(consent_at=datetime(2026, 11, 29, 10, 0, tzinfo=BANGKOK), first_name="สมหญิง",
                            last_name="รักดี", id_hash="ab" * 32, id_last4="1234",
                            birth_date=date(1977, 3, 2), phone="+66812345678", districts=["ถลาง"],
                            district="ถลาง", fund="PAKHLOK")
    stored = data.to_json()
    assert stored["birth_date"] == "1977-03-02" and stored["consent_at"].startswith("2026-11-29T10:00")
    assert RegistrationData.from_json(stored) == data
    assert data.has_contact_details


def test_dialog_data_from_an_older_version_is_read_safely():
    data = RegistrationData.from_json({"first_name": "สมหญิง", "birth_date": "not a date",
                                       "districts": "ถลาง", "retired_field": 1})
    assert data.first_name == "สมหญิง" and data.birth_date is None and data.districts == []
    assert not data.has_contact_details
    assert RegistrationData.from_json(None) == RegistrationData()
