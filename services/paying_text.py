"""A fund's ways to pay and whom to call, in words: one text for the chat's answers, the scheduler's
reminders and the approval notice, so a member reads the same channels everywhere.

`Paying` is a frozen snapshot of the fund's fields: the scheduler builds it from selected columns
and caches messages by it; handlers build it from the `Fund` they hold.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

from locales import translate
from models import Fund
from services.fund_paying import bank_name_en, format_account, format_any_phone, format_promptpay


@dataclass(frozen=True)
class Paying:
    meeting_th: str | None = None
    meeting_en: str | None = None
    bank_name: str | None = None
    bank_account_no: str | None = None
    bank_account_name: str | None = None
    promptpay_id: str | None = None
    treasurer_name: str | None = None
    treasurer_phone: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    notes_th: str | None = None
    notes_en: str | None = None

    # The Fund columns, in the order of the fields: for a select() of many funds at once.
    COLUMNS = ("pay_at_meeting_th", "pay_at_meeting_en", "bank_name", "bank_account_no",
               "bank_account_name", "promptpay_id", "treasurer_name", "treasurer_phone", "contact_name",
               "contact_phone", "payment_info_th", "payment_info_en")

    @classmethod
    def columns(cls) -> tuple:
        return tuple(getattr(Fund, name) for name in cls.COLUMNS)

    @classmethod
    def of(cls, fund: Fund) -> Paying:
        return cls(*(getattr(fund, name) for name in cls.COLUMNS))

    def meeting(self, locale: str) -> str | None:
        """In the reader's language; an English reader gets the Thai text when none was written."""
        return (self.meeting_en if locale == "en" else None) or self.meeting_th

    def notes(self, locale: str) -> str | None:
        return (self.notes_en if locale == "en" else None) or self.notes_th

    @property
    def empty(self) -> bool:
        return not any(astuple(self))


def _t(locale: str, key: str, **fields: object) -> str:
    return translate(locale, f"paying.{key}", **fields)


def person(locale: str, name: str | None, phone: str | None) -> str | None:
    """"คุณสมหญิง โทร 081-234-5678", the name or the phone alone, or None."""
    if name and phone:
        return _t(locale, "person", name=name, phone=format_any_phone(phone))
    if phone:
        return _t(locale, "phone_only", phone=format_any_phone(phone))
    return name or None


def account_text(p: Paying, locale: str) -> str | None:
    """The bank, the number (xxx-x-xxxxx-x) and the account's name, on one line."""
    if not p.bank_account_no:
        return None
    text = " ".join(part for part in (bank_of(p, locale), format_account(p.bank_account_no)) if part)
    if p.bank_account_name:
        text += " " + _t(locale, "account_name", name=p.bank_account_name)
    return text


def bank_of(p: Paying, locale: str) -> str | None:
    """The bank's name as the fund set it, in English for an English reader when it is a known bank."""
    return bank_name_en(p.bank_name) if locale == "en" else p.bank_name


def channels(p: Paying, locale: str) -> list[tuple[str, str]]:
    """(channel, what to know) for each way of paying the fund offers, in the order members use them."""
    found = []
    if meeting := p.meeting(locale):
        found.append(("meeting", meeting))
    if account := account_text(p, locale):
        found.append(("bank", account))
    if p.promptpay_id:
        found.append(("promptpay", format_promptpay(p.promptpay_id)))
    if treasurer := person(locale, p.treasurer_name, p.treasurer_phone):
        found.append(("treasurer", treasurer))
    return found


def contact(p: Paying, locale: str) -> str | None:
    """Whom to call: the contact the committee named, else the treasurer."""
    return person(locale, p.contact_name, p.contact_phone) or person(locale, p.treasurer_name,
                                                                        p.treasurer_phone)


def how_to_pay(p: Paying, locale: str) -> str:
    """The compact block under an arrears answer or a reminder: each channel a line, the fund's own
    notes, and whom to ask when it is not the treasurer already listed."""
    lines = [_t(locale, f"short_{kind}", value=value) for kind, value in channels(p, locale)]
    if notes := p.notes(locale):
        lines.append(notes)
    who = person(locale, p.contact_name, p.contact_phone)
    if not lines:
        lines.append(_t(locale, "how_default"))
    if len(lines) == 1 and not who:
        return _t(locale, "how_one", how=lines[0])
    text = "\n".join([_t(locale, "how_head"), *(_t(locale, "bullet", line=line) for line in lines)])
    if who:
        text += "\n" + _t(locale, "ask", who=who)
    return text


def contact_text(p: Paying, locale: str) -> str:
    """Whom a member whose membership ended calls: the contact or treasurer, else the fund's notes."""
    return contact(p, locale) or p.notes(locale) or _t(locale, "contact_default")
