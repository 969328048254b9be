"""The registration dialog's state names and its data, as a typed value stored as JSON.

The data never holds the national ID itself: only its keyed hash and last four digits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

DIALOG = "reg"  # every state name starts "reg."

CHOOSE = "reg.choose"
LINK_CONSENT = "reg.link.consent"
LINK_ID = "reg.link.id"
LINK_BIRTH = "reg.link.birth"
LINK_PHONE = "reg.link.phone"
APPLY_CONSENT = "reg.apply.consent"
APPLY_NAME = "reg.apply.name"
APPLY_ID = "reg.apply.id"
APPLY_BIRTH = "reg.apply.birth"
APPLY_PHONE = "reg.apply.phone"
APPLY_DISTRICT = "reg.apply.district"
APPLY_FUND = "reg.apply.fund"
APPLY_CONFIRM = "reg.apply.confirm"


@dataclass
class RegistrationData:
    consent_at: datetime | None = None
    first_name: str | None = None
    last_name: str | None = None
    id_hash: str | None = None
    id_last4: str | None = None
    birth_date: date | None = None
    phone: str | None = None  # E.164: a mobile or a fixed line
    no_phone: bool = False  # the applicant has no phone: the committee contacts them another way
    districts: list[str] = field(default_factory=list)  # as offered, so a button's index stays valid
    district: str | None = None
    fund: str | None = None  # fund code
    tambon: str | None = None  # the ตำบล named at the district step: its funds are offered first
    editing: str | None = None  # the field being changed from the summary: back to it afterwards
    # A two-digit birth year that reads two ways (`domain.thai_dates.ASK_YEAR`): the dates offered,
    # ISO; the dialog stays at the birth step until one is chosen or a full year is typed.
    birth_choices: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None and v != [] and v is not False}
        for key in ("consent_at", "birth_date"):
            if key in data:
                data[key] = data[key].isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RegistrationData:
        """Tolerant of rows written by an older version: unknown keys are dropped, bad dates too."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["consent_at"] = _parse(datetime.fromisoformat, values.get("consent_at"))
        values["birth_date"] = _parse(date.fromisoformat, values.get("birth_date"))
        if not isinstance(values.get("districts", []), list):
            values["districts"] = []
        choices = values.get("birth_choices", [])
        values["birth_choices"] = [c for c in choices if _parse(date.fromisoformat, c)] \
            if isinstance(choices, list) else []
        values["no_phone"] = values.get("no_phone") is True
        return cls(**values)

    def forget_id(self) -> None:
        self.id_hash = self.id_last4 = None
        self.birth_date = None
        self.birth_choices = []

    @property
    def has_contact_details(self) -> bool:
        """All an application needs before its fund is chosen."""
        given = (self.consent_at, self.first_name, self.id_hash, self.birth_date)
        return None not in given and (self.phone is not None or self.no_phone)


def _parse(parse, value: object):
    if not isinstance(value, str):
        return None
    try:
        return parse(value)
    except ValueError:
        return None
