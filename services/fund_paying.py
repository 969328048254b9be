"""How members pay a fund and whom they call: the committee's fields, read and checked, set and
audited, and shown in words (`services.paying_text`).

A fund offers any of: paying at the monthly meeting (when and where, in words), a bank account,
a PromptPay number, the treasurer in person; and a contact. Each field is None when not offered.
Phones are kept in E.164; a bank account and a PromptPay number as digits only. The audit row names
the fields changed, never their values: a phone, an account or a PromptPay ID (which may be a
person's national ID) stays out of the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from sqlalchemy.orm import Session

from domain.thai import national_id_check_digit, parse_mobile, parse_phone, typed_value
from models import Fund, audit
from services.errors import ServiceError


@dataclass(frozen=True)
class Field:
    key: str  # the name the CLI and the chat tool use
    code: str  # short, for button data
    column: str  # Fund's attribute
    kind: str  # text | account | promptpay | phone
    max_length: int


FIELDS: tuple[Field, ...] = (
    Field("meeting_th", "mt", "pay_at_meeting_th", "text", 300),
    Field("meeting_en", "me", "pay_at_meeting_en", "text", 300),
    Field("bank_name", "bn", "bank_name", "text", 100),
    Field("bank_account", "ba", "bank_account_no", "account", 20),
    Field("bank_account_name", "bh", "bank_account_name", "text", 200),
    Field("promptpay", "pp", "promptpay_id", "promptpay", 20),
    Field("treasurer_name", "tn", "treasurer_name", "text", 200),
    Field("treasurer_phone", "tp", "treasurer_phone", "phone", 16),
    Field("contact_name", "cn", "contact_name", "text", 200),
    Field("contact_phone", "cp", "contact_phone", "phone", 16),
    Field("notes_th", "nt", "payment_info_th", "text", 500),
    Field("notes_en", "ne", "payment_info_en", "text", 500),
)
BY_KEY = {f.key: f for f in FIELDS}
BY_CODE = {f.code: f for f in FIELDS}


class InvalidValue(ServiceError):
    """A value the field cannot take; `reason` names why (a key of the callers' own messages)."""

    def __init__(self, field: Field, reason: str, message: str) -> None:
        super().__init__(f"{field.key}: {message}")
        self.field = field
        self.reason = reason


def field(key: str) -> Field:
    found = BY_KEY.get(key)
    if found is None:
        raise ServiceError(f"no field {key!r}; the fields are {', '.join(BY_KEY)}")
    return found


def parse(f: Field, text: str) -> str:
    """The value to store for what was typed, or InvalidValue."""
    if f.kind == "account":
        return _account(f, text)
    if f.kind == "promptpay":
        return _promptpay(f, text)
    if f.kind == "phone":
        return _phone(f, text)
    value = " ".join((text or "").split())
    if not any(c.isalnum() for c in value):
        raise InvalidValue(f, "empty", "nothing was given")
    if len(value) > f.max_length:
        raise InvalidValue(f, "too_long", f"at most {f.max_length} characters ({len(value)} given)")
    return value


def _digits(text: str) -> str:
    """Digits with the usual separators between them (dashes, spaces, dots), Thai digits allowed."""
    return re.sub(r"[\s\-.]", "", typed_value(text or ""))


def _account(f: Field, text: str) -> str:
    digits = _digits(text)
    if not digits.isdigit() or not 10 <= len(digits) <= 12:
        raise InvalidValue(f, "account", "a bank account number has 10 to 12 digits (dashes allowed)")
    return digits


def _promptpay(f: Field, text: str) -> str:
    """A PromptPay ID: a Thai mobile number (stored as its 10 local digits) or a 13-digit national
    ID or tax number (its check digit is the national ID's: a tax number starting 0 has one too)."""
    digits = _digits(text)
    if digits.startswith("+66") or digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits.removeprefix("+").removeprefix("66")
    if len(digits) == 10 and digits.isdigit():
        if parse_mobile(digits) is None:
            raise InvalidValue(f, "promptpay", "a PromptPay phone is a Thai mobile number (06, 08, 09)")
        return digits
    if len(digits) == 13 and digits.isdigit():
        if national_id_check_digit(digits[:12]) != int(digits[12]):
            raise InvalidValue(f, "promptpay_id", "the 13-digit number's check digit is wrong")
        return digits
    raise InvalidValue(f, "promptpay", "PromptPay is a 10-digit mobile number or a 13-digit ID number")


def _phone(f: Field, text: str) -> str:
    """A mobile, or a fund office's landline: E.164. Toll-free (1800), premium (1900) and VoIP
    numbers are refused: a member calls the treasurer from an ordinary phone."""
    phone = parse_mobile(text or "") or parse_phone(text or "")
    if phone is None:
        raise InvalidValue(f, "phone", "not a Thai mobile or landline number (e.g. 081-234-5678 or "
                           "076-211-234); toll-free and premium numbers are not taken")
    return phone


def set_fields(session: Session, fund: Fund, changes: dict[str, str | None], *, actor: str) -> list[str]:
    """Set (a text, parsed again) or clear (None) the named fields; the keys changed, audited.

    Every value is checked before anything is written: one bad value writes nothing.
    """
    parsed: dict[Field, str | None] = {}
    for key, text in changes.items():
        f = field(key)
        parsed[f] = None if text is None else parse(f, text)
    changed = [f for f, value in parsed.items() if getattr(fund, f.column) != value]
    for f in changed:
        setattr(fund, f.column, parsed[f])
    if changed:
        session.flush()
        audit(session, actor, "fund.paying", "fund", fund.id, fund=fund.code,
              set=[f.key for f in changed if parsed[f] is not None],
              cleared=[f.key for f in changed if parsed[f] is None])
    return [f.key for f in changed]


# --- shown as people read them ---------------------------------------------------------------------

def format_account(digits: str) -> str:
    """xxx-x-xxxxx-x, the way Thai banks print a 10-digit account; longer ones keep the rest last."""
    return f"{digits[:3]}-{digits[3]}-{digits[4:9]}-{digits[9:]}"


def format_promptpay(digits: str) -> str:
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def format_any_phone(e164: str) -> str:
    """081-234-5678 for a mobile, 076-211-234 or 02-123-4567 for a landline."""
    try:
        number = phonenumbers.parse(e164, "TH")
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\s+", "-", national.strip())


def shown(f: Field, value: str | None) -> str | None:
    """A stored value as the committee and members read it."""
    if value is None:
        return None
    if f.kind == "account":
        return format_account(value)
    if f.kind == "promptpay":
        return format_promptpay(value)
    if f.kind == "phone":
        return format_any_phone(value)
    return value


# Thai bank names and abbreviations as funds type them (compared in lower case), and the bank's
# name in English. Longer spellings first: "ธนาคารกรุงไทย" before "กรุงไทย".
_BANKS_EN = (
    (("ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร", "ธ.ก.ส", "ธกส", "baac"),
     "BAAC (Bank for Agriculture and Agricultural Cooperatives)"),
    (("ธนาคารอาคารสงเคราะห์", "ธ.อ.ส", "ธอส", "ghb"), "GHB (Government Housing Bank)"),
    (("ธนาคารออมสิน", "ออมสิน", "gsb"), "Government Savings Bank"),
    (("ธนาคารกรุงไทย", "กรุงไทย", "ktb"), "Krungthai Bank"),
    (("ธนาคารกสิกรไทย", "กสิกรไทย", "กสิกร", "kbank"), "Kasikornbank"),
    (("ธนาคารไทยพาณิชย์", "ไทยพาณิชย์", "scb"), "SCB (Siam Commercial Bank)"),
    (("ธนาคารกรุงศรีอยุธยา", "กรุงศรีอยุธยา", "กรุงศรี"), "Krungsri (Bank of Ayudhya)"),
    (("ธนาคารกรุงเทพ", "กรุงเทพ", "bbl"), "Bangkok Bank"),
    (("ธนาคารทหารไทยธนชาต", "ทหารไทยธนชาต", "ทีทีบี", "ทหารไทย", "ธนชาต", "ttb"), "ttb (TMBThanachart Bank)"),
    (("ธนาคารอิสลามแห่งประเทศไทย", "ธนาคารอิสลาม", "ไอแบงก์"), "Islamic Bank of Thailand"),
    (("ธนาคารยูโอบี", "ยูโอบี"), "UOB"),
    (("ธนาคารซีไอเอ็มบีไทย", "ซีไอเอ็มบี"), "CIMB Thai"),
    (("ธนาคารเกียรตินาคินภัทร", "เกียรตินาคิน"), "Kiatnakin Phatra Bank"),
    (("ธนาคารแลนด์ แอนด์ เฮ้าส์", "แลนด์แอนด์เฮ้าส์"), "LH Bank"),
)
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def bank_name_en(name: str | None) -> str | None:
    """The bank's English name for an English reader: "ธ.ก.ส. สาขาถลาง" -> "BAAC (Bank for
    Agriculture and Agricultural Cooperatives)". The branch, in Thai, is left out (a transfer does
    not need it); English words after the name stay. A name not known is given back as written
    (the caller labels it). Pure."""
    text = " ".join((name or "").split())
    if not text:
        return None
    lowered = text.lower()
    for spellings, english in _BANKS_EN:
        for spelling in spellings:
            at = lowered.find(spelling)
            if at == -1 or spelling.isascii() and not re.search(rf"(?<![a-z]){spelling}(?![a-z])", lowered):
                continue
            rest = (text[:at] + " " + text[at + len(spelling):]).strip(" .,-–()")
            rest = " ".join(word for word in rest.split() if not _THAI.search(word)).strip(" .,-–()")
            return f"{english}, {rest}" if rest else english
    return text
