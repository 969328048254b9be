"""How much to pay now: everything owed up to this month, and the least that keeps the membership."""

from __future__ import annotations

from datetime import date

from domain.dates import first_of_month, month_from_index, month_index
from domain.dues import DuesStatus, PayNow, Standing, last_day_before, pay_now
from domain.thai import format_date, format_month, format_phone
from handlers import buttons as B
from handlers.base import Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import baht, count_text
from handlers.menu import require_member
from handlers.paying import how_to_pay_text
from handlers.queries import member_dues
from models import Fund, Member, MemberStatus


def plan_for(member: Member, dues: DuesStatus, on: date) -> PayNow:
    ended = member.status not in (MemberStatus.PENDING, MemberStatus.ACTIVE)
    return pay_now(dues, joined_on=member.joined_on, dues_per_month=member.fund.dues_per_month, on=on,
                   pending=member.status == MemberStatus.PENDING, ended=ended)


def month_span(first: tuple[int, int], last: tuple[int, int], locale: str) -> str:
    """'พฤศจิกายน 2569', 'ตุลาคม – พฤศจิกายน 2569', 'ธันวาคม 2569 – มกราคม 2570'."""
    if first == last:
        return format_month(*last, locale)
    if first[0] == last[0]:
        return f"{format_month(*first, locale).rsplit(' ', 1)[0]} – {format_month(*last, locale)}"
    return f"{format_month(*first, locale)} – {format_month(*last, locale)}"


def owed_rows(ctx: Context, plan: PayNow) -> list[Row]:
    """What pays everything through this month and, once a month has ended unpaid, the least that
    keeps the membership, with its last day; nothing when nothing is owed."""
    if plan.standing is not Standing.DUE:
        return []
    current, loc = month_index(ctx.today), ctx.locale
    span = month_span(month_from_index(current - plan.clear_months + 1), month_from_index(current), loc)
    rows = [Row(ctx.t("account.pay_all"),
                ctx.t("account.pay_all_value", amount=baht(plan.clear_baht, loc), months=span))]
    if plan.least_is_less and plan.least_by:
        rows.append(Row(ctx.t("account.pay_least"), ctx.t(
            "account.pay_least_value", amount=baht(plan.least_baht, ctx.locale),
            date=format_date(plan.least_by, ctx.locale))))
    return rows


def whom_to_ask(ctx: Context, fund: Fund) -> str:
    """The fund's contact (or treasurer) by name and phone when the fund gave them."""
    given = fund.contact_name or fund.treasurer_name
    name = _polite(given, ctx.locale)
    phone = fund.contact_phone if fund.contact_name else fund.treasurer_phone
    if name and phone:
        return ctx.t("account.ask_named_phone", name=name, phone=format_phone(phone))
    if phone:
        return ctx.t("account.ask_phone", phone=format_phone(phone))
    if name:
        return ctx.t("account.ask_office" if is_office(given) else "account.ask_named", name=name)
    return ctx.t("account.ask_committee")


_TITLES = ("คุณ", "นาย", "นาง", "น.ส.", "นางสาว", "ด.ช.", "ด.ญ.", "ผู้ใหญ่", "กำนัน", "ครู", "อาจารย์",
           "ดร.", "ผศ.", "รศ.", "ศ.", "พ.ต.", "ร.ต.", "จ.ส.", "ส.ต.", "ด.ต.", "พ.อ.", "ร.อ.",
           "สท.", "อสม.", "ลุง", "ป้า", "ผอ.", "นายก", "ปลัด")
# A name that begins so is an office or organisation, not a person: no คุณ before it.
_OFFICES = ("สำนักงาน", "กองทุน", "เทศบาล", "อบต", "อ.บ.ต.", "องค์การ", "องค์กร", "คณะกรรมการ",
            "ที่ทำการ", "ศูนย์", "สภา", "กลุ่ม", "สถาบัน", "ธนาคาร", "โรงเรียน", "โรงพยาบาล", "รพ.สต.",
            "สหกรณ์", "ชมรม", "มูลนิธิ", "สมาคม", "เครือข่าย", "ฝ่าย")


def is_office(name: str | None) -> bool:
    """True for the name of an office or organisation (สำนักงาน…, เทศบาล…, อบต.…)."""
    text = (name or "").strip()
    return text.startswith(_OFFICES) or any(word in text for word in ("สำนักงาน", "เทศบาล", "ที่ทำการ"))


def _polite(name: str | None, locale: str) -> str | None:
    """A bare Thai name is spoken with คุณ before it; one with its own title, or the name of an
    office or organisation, is left as it is."""
    name = (name or "").strip() or None
    if name is None or locale != "th" or name.startswith(_TITLES) or name.isascii() or is_office(name):
        return name
    return f"คุณ{name}"


@handles(postbacks=(B.PAY_NOW,), intents=("pay_now",))
def what_to_pay(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    member = ctx.member
    assert member is not None
    fund, loc = member.fund, ctx.locale
    dues = member_dues(ctx.session, member, ctx.today)
    plan = plan_for(member, dues, ctx.today)
    history = ctx.button("account.btn_history", B.HISTORY)
    account = ctx.button("menu.btn_account", B.ACCOUNT)
    menu = ctx.button("menu.btn_menu", B.MENU)
    through = format_month(*dues.paid_through, loc) if dues.paid_through else ctx.t("account.nothing_paid")
    if plan.standing is Standing.PENDING:
        return [Text(ctx.t("account.pay_pending", amount=baht(fund.dues_per_month, loc)), (account, menu))]
    if plan.standing is Standing.ENDED:
        return [Text(ctx.t("account.pay_ended", status=ctx.t(f"common.status_{member.status.value}"),
                           ask=whom_to_ask(ctx, fund)), (history, menu))]
    if plan.standing is Standing.LAPSED:
        return [Text(ctx.t("account.pay_lapsed", months=fund.lapse_after_missed_months, paid_through=through,
                           ask=whom_to_ask(ctx, fund)), (history, account, menu))]
    if plan.standing is Standing.PAID_UP:
        key = "account.pay_nothing_ahead" if plan.ahead_months else "account.pay_nothing"
        nxt = month_from_index(month_index(ctx.today) + plan.ahead_months + 1)
        return [Text(ctx.t(key, paid_through=through, ahead=count_text(loc, "month", plan.ahead_months),
                           next=format_month(*nxt, loc), amount=baht(fund.dues_per_month, loc)),
                     (history, account, menu))]
    rows = [Row(ctx.t("account.paid_through"), through), *owed_rows(ctx, plan)]
    notes = []
    if dues.lapse_warning and plan.least_by:
        notes.append(ctx.t("account.lapse_warning", date=format_date(plan.least_by, loc),
                           months=fund.lapse_after_missed_months))
    elif not dues.arrears_months:
        notes.append(ctx.t("account.pay_by_month_end", date=format_date(_month_end(ctx.today), loc)))
    notes.append(how_to_pay_text(ctx, fund))
    return [Card(title=ctx.t("account.pay_title"), rows=tuple(rows), footer="\n".join(notes),
                 buttons=(ctx.button("paying.btn_pay_how", B.PAY_HOW), history, account, menu),
                 alt_text=ctx.t("account.pay_alt", amount=baht(plan.clear_baht, loc)))]


def _month_end(d: date) -> date:
    return last_day_before(first_of_month(month_index(d) + 1))
