"""Registration: link this chat to a member on a fund's roster, or apply to join a fund.

Two paths after "are you already a member?":
- link: privacy notice and consent, national ID, birth date; a match links this chat account.
  Three mismatches pause linking for this account for 15 minutes.
- apply: privacy notice and consent (or a polite decline that stores nothing), name, national ID,
  birth date, mobile (typed, or shared as a Telegram contact), district, fund, a masked summary,
  confirm: a pending member the committee will review.

The dialog data never holds the national ID itself: only its keyed hash and last four digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from domain.identity import hash_national_id
from domain.thai import (
    format_baht,
    format_date,
    mask_national_id,
    mask_phone,
    normalize_text,
    parse_date,
    parse_mobile,
    parse_national_id,
    to_arabic_digits,
)
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import fund_labels, short_name_th, shorten
from handlers.menu import menu_reply
from models import Fund, Member, MemberStatus, audit

CONSENT_VERSION = "2026-11"
MAX_LINK_TRIES = 3
LINK_PAUSE = timedelta(minutes=15)
MAX_AGE_YEARS = 120
MAX_CHOICES = 12  # LINE shows at most 13 quick replies; one is "cancel"

S_CHOOSE = "reg.choose"
S_LINK_CONSENT = "reg.link.consent"
S_LINK_ID = "reg.link.id"
S_LINK_BIRTH = "reg.link.birth"
S_APPLY_CONSENT = "reg.apply.consent"
S_APPLY_NAME = "reg.apply.name"
S_APPLY_ID = "reg.apply.id"
S_APPLY_BIRTH = "reg.apply.birth"
S_APPLY_PHONE = "reg.apply.phone"
S_APPLY_DISTRICT = "reg.apply.district"
S_APPLY_FUND = "reg.apply.fund"
S_APPLY_CONFIRM = "reg.apply.confirm"
STATES = (
    S_CHOOSE,
    S_LINK_CONSENT,
    S_LINK_ID,
    S_LINK_BIRTH,
    S_APPLY_CONSENT,
    S_APPLY_NAME,
    S_APPLY_ID,
    S_APPLY_BIRTH,
    S_APPLY_PHONE,
    S_APPLY_DISTRICT,
    S_APPLY_FUND,
    S_APPLY_CONFIRM,
)

# Button data (ASCII, well under 64 bytes).
B_START = "reg"
B_LINK = "reg:link"
B_APPLY = "reg:apply"
B_CONSENT_LINK = "reg:consent:link"
B_CONSENT_APPLY = "reg:consent:apply"
B_DECLINE = "reg:decline"
B_DISTRICTS = "reg:dists"
B_DISTRICT = "reg:dist:"  # + index in the list shown
B_FUND = "reg:fund:"  # + fund code (or "#" + id when the code is not short ASCII)
B_CONFIRM = "reg:confirm"
B_CANCEL = "cancel"

# Typed answers that are as explicit as pressing the button.
AGREE_WORDS = frozenset({"ยินยอม", "ยอมรับ", "ตกลง", "ยินยอมค่ะ", "ยินยอมครับ", "agree", "i agree", "accept"})
DECLINE_WORDS = frozenset({"ไม่ยินยอม", "ไม่ยอมรับ", "ไม่ตกลง", "disagree", "decline", "i do not agree"})
TITLES = frozenset({
    "นาย", "นาง", "นางสาว", "น.ส.", "นส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง",
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss",
})
# Titles that people type glued to the name. "นาย" and "นาง" are left out: นายิกา and นางนวล are
# given names, and a committee can tidy a stray title where a wrong cut would lose a name.
GLUED_TITLES = ("นางสาว", "เด็กชาย", "เด็กหญิง", "น.ส.", "นส.", "ด.ช.", "ด.ญ.")
_STATUS_PREFERENCE = {
    MemberStatus.ACTIVE: 0,
    MemberStatus.PENDING: 1,
    MemberStatus.LAPSED: 2,
    MemberStatus.RESIGNED: 3,
}


@handles(postbacks=(B_START, "reg:"), intents=("register",), states=STATES)
def register(incoming: Incoming, ctx: Context) -> list[Reply]:
    if incoming.in_group:  # a national ID must never be typed where others can read it
        return [Text(ctx.t("menu.private_only"))]
    if incoming.postback:
        return _on_button(incoming.postback, ctx)
    if ctx.state_name in STATES:
        return _on_input(incoming, ctx)
    return _start(ctx)


# --- entry -------------------------------------------------------------------------------------

def _start(ctx: Context) -> list[Reply]:
    if ctx.member is not None:
        return _already_linked(ctx)
    return _ask(ctx, S_CHOOSE, {})


def _already_linked(ctx: Context) -> list[Reply]:
    if ctx.state_name in STATES:
        ctx.clear_state()
    member = ctx.member
    assert member is not None
    key = "register.already_linked_pending" if member.status == MemberStatus.PENDING \
        else "register.already_linked"
    return [menu_reply(ctx, ctx.t(key, name=member.full_name, fund=member.fund.name(ctx.locale)))]


def _on_button(data: str, ctx: Context) -> list[Reply]:
    if ctx.member is not None:
        return _already_linked(ctx)
    if data == B_START:
        return _start(ctx)
    if data == B_LINK:
        return _start_link(ctx)
    if data == B_APPLY:
        return _start_apply(ctx)
    if data == B_CONSENT_LINK:
        return _link_consented(ctx)
    if data == B_CONSENT_APPLY:
        return _apply_consented(ctx)
    if data == B_DECLINE:
        return _declined(ctx)
    if data == B_DISTRICTS:
        return _show_districts(ctx)
    if data.startswith(B_DISTRICT):
        return _choose_district(ctx, data[len(B_DISTRICT):])
    if data.startswith(B_FUND):
        return _choose_fund(ctx, data[len(B_FUND):])
    if data == B_CONFIRM:
        return _confirm(ctx)
    return _stale(ctx)


def _stale(ctx: Context) -> list[Reply]:
    """A button from an earlier step, or a dialog that timed out."""
    if ctx.state_name in STATES:
        return _reprompt(ctx, ctx.t("register.stale"))
    return [Text(ctx.t("register.expired"),
                 (ctx.button("menu.btn_register", B_START), ctx.button("menu.btn_menu", "menu")))]


# --- prompts -----------------------------------------------------------------------------------

def _cancel(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B_CANCEL)


def _ask(ctx: Context, state: str, data: dict[str, Any], intro: str | None = None) -> list[Reply]:
    """Move to `state` and ask its question."""
    ctx.set_state(state, data)
    prompt = _prompt(ctx)
    if intro is None:
        return [prompt]
    if isinstance(prompt, Card):
        return [Text(intro), prompt]
    return [Text(f"{intro}\n\n{prompt.text}", prompt.buttons)]


def _reprompt(ctx: Context, problem: str, short_key: str | None = None) -> list[Reply]:
    """Stay at the step: say what was wrong, repeat what is expected, with the buttons again."""
    prompt = _prompt(ctx)
    if short_key is not None:  # the full text (a privacy notice) was just shown: be brief
        return [Text(f"{problem}\n{ctx.t(short_key)}", prompt.buttons)]
    if isinstance(prompt, Card):
        return [Text(problem), prompt]
    return [Text(f"{problem}\n\n{prompt.text}", prompt.buttons)]


def _prompt(ctx: Context) -> Text | Card:
    state, data = ctx.state_name, ctx.state_data
    cancel = _cancel(ctx)
    if state == S_CHOOSE:
        return Text(ctx.t("register.ask_kind"), (
            ctx.button("register.btn_link", B_LINK), ctx.button("register.btn_apply", B_APPLY), cancel,
        ))
    if state == S_LINK_CONSENT:
        return Text(ctx.t("register.link_notice"),
                    (ctx.button("register.btn_consent", B_CONSENT_LINK), cancel))
    if state == S_APPLY_CONSENT:
        return Text(ctx.t("register.apply_notice"), (
            ctx.button("register.btn_consent", B_CONSENT_APPLY),
            ctx.button("register.btn_decline", B_DECLINE),
            cancel,
        ))
    if state in (S_LINK_ID, S_APPLY_ID):
        return Text(ctx.t("register.ask_id"), (cancel,))
    if state in (S_LINK_BIRTH, S_APPLY_BIRTH):
        return Text(ctx.t("register.ask_birth"), (cancel,))
    if state == S_APPLY_NAME:
        return Text(ctx.t("register.ask_name"), (cancel,))
    if state == S_APPLY_PHONE:
        text = ctx.t("register.ask_phone")
        telegram = ctx.account.channel == "telegram"
        if telegram:
            text += "\n" + ctx.t("register.ask_phone_telegram")
        return Text(text, (cancel,), request_contact=telegram)
    if state == S_APPLY_DISTRICT:
        districts = data.get("districts", [])
        funds = _funds(ctx)
        labels = [_district_label(ctx, funds, d) for d in districts]
        listing = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, 1))
        buttons = tuple(Button(shorten(label), f"{B_DISTRICT}{i}")
                        for i, label in enumerate(labels[:MAX_CHOICES]))
        return Text(ctx.t("register.ask_district", districts=listing), (*buttons, cancel))
    if state == S_APPLY_FUND:
        funds = _funds_in(ctx, data.get("district"))
        listing = "\n".join(f"{i}. {f.name(ctx.locale)}" for i, f in enumerate(funds, 1))
        labels = fund_labels(funds, ctx.locale)
        buttons = [Button(label, _fund_data(f))
                   for f, label in zip(funds[:MAX_CHOICES], labels, strict=False)]
        if len(data.get("districts", [])) > 1:
            buttons.append(ctx.button("register.btn_other_district", B_DISTRICTS))
        district = _district_label(ctx, funds, data.get("district")) if funds else ""
        return Text(ctx.t("register.ask_fund", district=district, funds=listing), (*buttons, cancel))
    if state == S_APPLY_CONFIRM:
        return _summary(ctx, data)
    raise ValueError(f"not a registration state: {state!r}")


# --- link to a member on the roster ------------------------------------------------------------

def _start_link(ctx: Context) -> list[Reply]:
    until = _paused_until(ctx)
    if until is not None:
        return _paused(ctx, until, "register.link_paused")
    return _ask(ctx, S_LINK_CONSENT, {})


def _link_consented(ctx: Context) -> list[Reply]:
    until = _paused_until(ctx)
    if until is not None:
        return _paused(ctx, until, "register.link_paused")
    return _ask(ctx, S_LINK_ID, {"consent_at": ctx.now.isoformat()}, ctx.t("register.thanks_consent"))


def _paused_until(ctx: Context) -> datetime | None:
    """When linking is paused for this account, until when; an expired pause starts afresh."""
    account = ctx.account
    until = account.link_locked_until
    if until is None:
        return None
    if until.tzinfo is None:  # SQLite returns naive UTC
        until = until.replace(tzinfo=UTC)
    if ctx.now < until:
        return until
    account.link_locked_until = None
    account.failed_link_attempts = 0
    return None


def _paused(ctx: Context, until: datetime, key: str) -> list[Reply]:
    if ctx.state_name in STATES:
        ctx.clear_state()
    local = until.astimezone(ctx.now.tzinfo)
    time = local.strftime("%H:%M")
    if local.date() == ctx.today:
        when = ctx.t("register.when_today", time=time)
    else:
        when = ctx.t("register.when_date", date=format_date(local.date(), ctx.locale), time=time)
    return [Text(ctx.t(key, when=when, minutes=int(LINK_PAUSE.total_seconds() // 60)),
                 (ctx.button("menu.btn_menu", "menu"),))]


def _link_id(ctx: Context, text: str) -> list[Reply]:
    until = _paused_until(ctx)
    if until is not None:
        return _paused(ctx, until, "register.link_paused")
    digits, problem = _read_national_id(ctx, text)
    if digits is None:
        return _reprompt(ctx, problem)
    data = ctx.state_data
    data.update(_id_fields(ctx, digits))
    return _ask(ctx, S_LINK_BIRTH, data)


def _link_birth(ctx: Context, text: str) -> list[Reply]:
    until = _paused_until(ctx)
    if until is not None:
        return _paused(ctx, until, "register.link_paused")
    born, problem = _read_birth_date(ctx, text)
    if born is None:
        return _reprompt(ctx, problem)
    data = ctx.state_data
    if "id_hash" not in data:  # should not happen; ask the ID again rather than fail
        return _ask(ctx, S_LINK_ID, data)
    member = _find_member(ctx, data["id_hash"], born)
    if member is None:
        return _link_failed(ctx, data)

    account = ctx.account
    account.member = member
    account.member_id = member.id
    account.linked_at = ctx.now
    account.failed_link_attempts = 0
    account.link_locked_until = None
    member.preferred_language = account.locale
    member.consent_at = _consent_time(ctx, data)
    member.consent_version = CONSENT_VERSION
    audit(ctx.session, _actor(ctx), "member.link", "member", member.id,
          channel=account.channel, fund=member.fund.code, consent_version=CONSENT_VERSION)
    ctx.clear_state()
    key = "register.linked_pending" if member.status == MemberStatus.PENDING else "register.linked"
    return [menu_reply(ctx, ctx.t(key, name=member.full_name, fund=member.fund.name(ctx.locale)))]


def _find_member(ctx: Context, id_hash: str, born: date) -> Member | None:
    members = ctx.session.scalars(
        select(Member).where(Member.national_id_hash == id_hash, Member.birth_date == born)
    ).all()
    candidates = [m for m in members if m.status in _STATUS_PREFERENCE]
    if not candidates:
        return None
    return min(candidates, key=lambda m: (_STATUS_PREFERENCE[m.status], m.id))


def _link_failed(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    account = ctx.account
    account.failed_link_attempts = (account.failed_link_attempts or 0) + 1
    tries = account.failed_link_attempts
    audit(ctx.session, _actor(ctx), "member.link_failed", "chat_account", account.id,
          channel=account.channel, attempt=tries)
    if tries >= MAX_LINK_TRIES:
        account.link_locked_until = ctx.now + LINK_PAUSE
        audit(ctx.session, _actor(ctx), "member.link_paused", "chat_account", account.id,
              channel=account.channel, minutes=int(LINK_PAUSE.total_seconds() // 60))
        return _paused(ctx, account.link_locked_until, "register.link_locked")
    data.pop("id_hash", None)
    data.pop("id_last4", None)
    return _ask(ctx, S_LINK_ID, data, ctx.t("register.link_not_found", left=MAX_LINK_TRIES - tries))


# --- apply to join a fund ----------------------------------------------------------------------

def _start_apply(ctx: Context) -> list[Reply]:
    if not _funds(ctx):
        if ctx.state_name in STATES:
            ctx.clear_state()
        return [menu_reply(ctx, ctx.t("register.no_funds"))]
    return _ask(ctx, S_APPLY_CONSENT, {})


def _apply_consented(ctx: Context) -> list[Reply]:
    return _ask(ctx, S_APPLY_NAME, {"consent_at": ctx.now.isoformat()}, ctx.t("register.thanks_consent"))


def _declined(ctx: Context) -> list[Reply]:
    if ctx.state_name in STATES:
        ctx.clear_state()
    return [menu_reply(ctx, ctx.t("register.declined"))]


def _apply_name(ctx: Context, text: str) -> list[Reply]:
    name, problem = _read_name(ctx, text)
    if name is None:
        return _reprompt(ctx, problem)
    data = ctx.state_data
    data["first_name"], data["last_name"] = name
    return _ask(ctx, S_APPLY_ID, data)


def _apply_id(ctx: Context, text: str) -> list[Reply]:
    digits, problem = _read_national_id(ctx, text)
    if digits is None:
        return _reprompt(ctx, problem)
    fields = _id_fields(ctx, digits)
    if _on_roster(ctx, fields["id_hash"]):
        return _suggest_link(ctx)
    data = ctx.state_data
    data.update(fields)
    return _ask(ctx, S_APPLY_BIRTH, data)


def _on_roster(ctx: Context, id_hash: str) -> bool:
    query = select(Member.id).where(Member.national_id_hash == id_hash).limit(1)
    return ctx.session.scalar(query) is not None


def _suggest_link(ctx: Context) -> list[Reply]:
    return [Text(ctx.t("register.id_on_roster"),
                 (ctx.button("register.btn_link", B_LINK), _cancel(ctx)))]


def _apply_birth(ctx: Context, text: str) -> list[Reply]:
    born, problem = _read_birth_date(ctx, text)
    if born is None:
        return _reprompt(ctx, problem)
    data = ctx.state_data
    data["birth_date"] = born.isoformat()
    return _ask(ctx, S_APPLY_PHONE, data)


def _apply_phone(ctx: Context, incoming: Incoming) -> list[Reply]:
    raw = incoming.contact_phone or incoming.text or ""
    phone = parse_mobile(raw)
    if phone is None:
        return _reprompt(ctx, ctx.t("register.phone_invalid"))
    data = ctx.state_data
    data["phone"] = phone
    return _to_districts(ctx, data)


def _to_districts(ctx: Context, data: dict[str, Any]) -> list[Reply]:
    districts = _districts(ctx)
    if not districts:
        ctx.clear_state()
        return [menu_reply(ctx, ctx.t("register.no_funds"))]
    data["districts"] = districts
    data.pop("fund", None)
    if len(districts) == 1:
        data["district"] = districts[0]
        return _ask(ctx, S_APPLY_FUND, data)
    data.pop("district", None)
    return _ask(ctx, S_APPLY_DISTRICT, data)


def _has_contact_details(ctx: Context) -> bool:
    data = ctx.state_data
    return (ctx.state_name or "").startswith("reg.apply.") and all(
        k in data for k in ("consent_at", "first_name", "id_hash", "birth_date", "phone"))


def _show_districts(ctx: Context) -> list[Reply]:
    if not _has_contact_details(ctx):
        return _stale(ctx)
    return _to_districts(ctx, ctx.state_data)


def _choose_district(ctx: Context, index: str) -> list[Reply]:
    data = ctx.state_data
    districts = data.get("districts", [])
    if not _has_contact_details(ctx) or not index.isdigit() or int(index) >= len(districts):
        return _stale(ctx)
    data["district"] = districts[int(index)]
    data.pop("fund", None)
    return _ask(ctx, S_APPLY_FUND, data)


def _choose_fund(ctx: Context, ref: str) -> list[Reply]:
    if not _has_contact_details(ctx):
        return _stale(ctx)
    fund = _fund_by_ref(ctx, ref)
    if fund is None:
        return _stale(ctx)
    data = ctx.state_data
    data["fund"] = fund.code
    data["district"] = fund.district_th
    return _ask(ctx, S_APPLY_CONFIRM, data)


def _summary(ctx: Context, data: dict[str, Any]) -> Card:
    fund = _fund_by_ref(ctx, data.get("fund", ""))
    born = date.fromisoformat(data["birth_date"])
    return Card(
        title=ctx.t("register.summary_title"),
        rows=(
            Row(ctx.t("register.row_name"), f"{data['first_name']} {data['last_name']}"),
            Row(ctx.t("register.row_id"), mask_national_id(data["id_last4"])),
            Row(ctx.t("register.row_birth"), format_date(born, ctx.locale)),
            Row(ctx.t("register.row_phone"), mask_phone(data["phone"])),
            Row(ctx.t("register.row_fund"), fund.name(ctx.locale) if fund else "-"),
        ),
        footer=ctx.t("register.summary_footer"),
        buttons=(ctx.button("register.btn_confirm", B_CONFIRM), _cancel(ctx)),
        alt_text=ctx.t("register.summary_title"),
    )


def _confirm(ctx: Context) -> list[Reply]:
    if ctx.state_name != S_APPLY_CONFIRM or not _has_contact_details(ctx):
        return _stale(ctx)
    data = ctx.state_data
    fund = _fund_by_ref(ctx, data.get("fund", ""))
    if fund is None:  # removed meanwhile: choose again
        return _to_districts(ctx, data)
    if _on_roster(ctx, data["id_hash"]):  # applied or imported meanwhile
        ctx.clear_state()
        return _suggest_link(ctx)
    account = ctx.account
    member = Member(
        fund_id=fund.id,
        member_no=None,
        first_name=data["first_name"],
        last_name=data["last_name"],
        national_id_hash=data["id_hash"],
        national_id_last4=data["id_last4"],
        birth_date=date.fromisoformat(data["birth_date"]),
        phone=data["phone"],
        joined_on=ctx.today,
        status=MemberStatus.PENDING,
        preferred_language=account.locale,
        consent_at=_consent_time(ctx, data),
        consent_version=CONSENT_VERSION,
    )
    member.fund = fund
    ctx.session.add(member)
    ctx.session.flush()
    account.member = member
    account.member_id = member.id
    account.linked_at = ctx.now
    account.failed_link_attempts = 0
    account.link_locked_until = None
    audit(ctx.session, _actor(ctx), "member.apply", "member", member.id,
          channel=account.channel, fund=fund.code, consent_version=CONSENT_VERSION)
    ctx.clear_state()
    text = ctx.t("register.applied", fund=fund.name(ctx.locale), phone=mask_phone(member.phone or ""),
                 dues=format_baht(fund.dues_per_month, ctx.locale))
    return [menu_reply(ctx, text)]


# --- free text at each step --------------------------------------------------------------------

def _on_input(incoming: Incoming, ctx: Context) -> list[Reply]:
    state = ctx.state_name
    text = incoming.text or ""
    if state == S_APPLY_PHONE:
        return _apply_phone(ctx, incoming)
    if not text.strip():
        return _reprompt(ctx, ctx.t("register.need_text"))
    if state == S_LINK_ID:
        return _link_id(ctx, text)
    if state == S_LINK_BIRTH:
        return _link_birth(ctx, text)
    if state == S_APPLY_NAME:
        return _apply_name(ctx, text)
    if state == S_APPLY_ID:
        return _apply_id(ctx, text)
    if state == S_APPLY_BIRTH:
        return _apply_birth(ctx, text)
    return _typed_choice(ctx, text)


def _typed_choice(ctx: Context, text: str) -> list[Reply]:
    """At a step with buttons, a typed label (or number, or agreement) counts as the press."""
    state = ctx.state_name
    said = normalize_text(text)
    if state in (S_LINK_CONSENT, S_APPLY_CONSENT):
        if said in AGREE_WORDS:
            return _link_consented(ctx) if state == S_LINK_CONSENT else _apply_consented(ctx)
        if said in DECLINE_WORDS:
            return _declined(ctx)
    if state == S_APPLY_DISTRICT:
        districts = ctx.state_data.get("districts", [])
        funds = _funds(ctx)
        for i, district in enumerate(districts):
            names = {normalize_text(district), normalize_text(_district_label(ctx, funds, district))}
            if said in names or said == str(i + 1):
                return _choose_district(ctx, str(i))
    if state == S_APPLY_FUND:
        funds = _funds_in(ctx, ctx.state_data.get("district"))
        for i, fund in enumerate(funds, 1):
            names = {normalize_text(fund.name_th), normalize_text(fund.name_en), normalize_text(fund.code)}
            if said in names or said == str(i):
                return _choose_fund(ctx, _fund_data(fund)[len(B_FUND):])
    for button in _prompt(ctx).buttons:
        if said == normalize_text(button.label):
            if button.data == B_CANCEL:
                ctx.clear_state()
                return [menu_reply(ctx, ctx.t("menu.cancelled"))]
            return _on_button(button.data, ctx)
    short = {S_LINK_CONSENT: "register.consent_again", S_APPLY_CONSENT: "register.consent_again",
             S_CHOOSE: "register.choose_again", S_APPLY_CONFIRM: "register.confirm_again"}.get(state or "")
    return _reprompt(ctx, ctx.t("register.use_buttons"), short)


# --- reading what people type ------------------------------------------------------------------

def _read_national_id(ctx: Context, text: str) -> tuple[str | None, str]:
    compact = re.sub(r"[\s\-.]", "", to_arabic_digits(normalize_text(text)))
    if not re.fullmatch(r"[0-9]+", compact):
        return None, ctx.t("register.id_not_digits")
    if len(compact) != 13:
        return None, ctx.t("register.id_length", count=len(compact))
    digits = parse_national_id(compact)
    if digits is None:
        return None, ctx.t("register.id_checksum")
    return digits, ""


def _id_fields(ctx: Context, digits: str) -> dict[str, str]:
    """What the dialog keeps of a national ID: its keyed hash and last four digits, never more."""
    return {"id_hash": hash_national_id(ctx.extras["id_key"], digits), "id_last4": digits[-4:]}


_NUMERIC_DATE = re.compile(r"\d{1,4}\s*[/\-.\s]\s*\d{1,2}\s*[/\-.\s]\s*\d{1,4}")


def _read_birth_date(ctx: Context, text: str) -> tuple[date | None, str]:
    parsed = parse_date(text)
    if parsed.ambiguous:
        return None, ctx.t("register.birth_two_digit_year")
    born = parsed.value
    if born is None:
        if _NUMERIC_DATE.fullmatch(normalize_text(text)):
            return None, ctx.t("register.birth_no_such_date")
        return None, ctx.t("register.birth_unreadable")
    today = ctx.today
    if born > today:
        return None, ctx.t("register.birth_future", date=format_date(born, ctx.locale))
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > MAX_AGE_YEARS:
        return None, ctx.t("register.birth_too_old", date=format_date(born, ctx.locale), age=age)
    return born, ""


def _is_name_word(word: str) -> bool:
    """Letters and their marks (Thai vowels and tone marks are marks), with . ' - inside."""
    if not word or unicodedata.category(word[0])[0] != "L":
        return False
    return all(unicodedata.category(ch)[0] in "LM" or ch in ".'-" for ch in word)


def _read_name(ctx: Context, text: str) -> tuple[tuple[str, str] | None, str]:
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", cleaned)
    words = cleaned.split()
    while words and words[0].casefold() in TITLES:
        words = words[1:]
    if words:
        glued = next((t for t in GLUED_TITLES if words[0].startswith(t) and len(words[0]) > len(t) + 1), None)
        if glued:
            words[0] = words[0].removeprefix(glued)
    if any(ch.isdigit() for ch in cleaned) or not all(map(_is_name_word, words)):
        return None, ctx.t("register.name_invalid_chars")
    if len(words) < 2:
        return None, ctx.t("register.name_need_both")
    first, last = words[0], " ".join(words[1:])
    if len(first) > 100 or len(last) > 100:
        return None, ctx.t("register.name_too_long")
    return (first, last), ""


def _consent_time(ctx: Context, data: dict[str, Any]) -> datetime:
    try:
        return datetime.fromisoformat(data["consent_at"])
    except (KeyError, TypeError, ValueError):
        return ctx.now


def _actor(ctx: Context) -> str:
    return f"chat:{ctx.account.id}"


# --- funds and their labels --------------------------------------------------------------------

def _thai_sort_key(text: str) -> str:
    """Thai dictionary order puts a leading vowel (เ แ โ ใ ไ) after the consonant it precedes."""
    if len(text) > 1 and text[0] in "เแโใไ":
        return text[1] + text[0] + text[2:]
    return text


def _funds(ctx: Context) -> list[Fund]:
    funds = ctx.session.scalars(select(Fund)).all()
    if ctx.locale == "en":
        return sorted(funds, key=lambda f: (f.district_en, f.name_en))
    return sorted(funds, key=lambda f: (_thai_sort_key(f.district_th), _thai_sort_key(short_name_th(f))))


def _districts(ctx: Context) -> list[str]:
    seen: list[str] = []
    for fund in _funds(ctx):
        if fund.district_th not in seen:
            seen.append(fund.district_th)
    return seen


def _funds_in(ctx: Context, district: str | None) -> list[Fund]:
    return [f for f in _funds(ctx) if f.district_th == district]


def _district_label(ctx: Context, funds: list[Fund], district: str | None) -> str:
    for fund in funds:
        if fund.district_th == district:
            return fund.district(ctx.locale)
    return district or ""


def _fund_data(fund: Fund) -> str:
    data = f"{B_FUND}{fund.code}"
    if fund.code.isascii() and len(data.encode()) <= 64 and "#" not in fund.code:
        return data
    return f"{B_FUND}#{fund.id}"


def _fund_by_ref(ctx: Context, ref: str) -> Fund | None:
    if ref.startswith("#"):
        return ctx.session.get(Fund, int(ref[1:])) if ref[1:].isdigit() else None
    return ctx.session.scalar(select(Fund).where(Fund.code == ref)) if ref else None
