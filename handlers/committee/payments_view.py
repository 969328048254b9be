"""What the payments tool shows: the search's answer, a member's standing, the amount choices, the
summary to confirm, and what a typed amount or date means. Shared by `payments` (recording) and
`payments_reverse` (the day's entries, reversals)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from domain.dates import month_from_index
from domain.dues import months_covered
from domain.moments import parse_day
from domain.thai import format_baht, format_date, format_month, parse_date, typed_value
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text
from handlers.committee import guard
from handlers.formatting import LABEL_MAX
from models import Member, Payment
from services import ledger_day
from services.announcement_preview import quiet_until
from services.payments import Allocation, allocate, total_paid

DIALOG = "cm.pay"
FIND = "cm.pay.find"  # typing a member number or name
AMOUNT = "cm.pay.amount"  # choosing or typing the amount
DATE = "cm.pay.date"  # typing the day the money was paid
CONFIRM = "cm.pay.confirm"  # the summary waits for its confirmation
DAY = "cm.pay.day"  # the day's entries are shown
DAY_TYPE = "cm.pay.dayx"  # typing the day whose entries to show
REASON = "cm.pay.reason"  # typing why an entry is reversed
REV_CONFIRM = "cm.pay.rvok"  # the reversal's summary waits for its confirmation
MONTH_CHOICES = (1, 3, 6, 12)


def fit(label: str) -> str:
    """A button label every platform carries whole (LINE: 20 characters)."""
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def cancel_button(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B.CANCEL)


def back_button(ctx: Context) -> Button:
    return ctx.button("committee.btn_back", B.COMMITTEE)


def is_treasurer(acting: guard.Acting) -> bool:
    return acting.powers.may(guard.TREASURER, acting.fund.id if acting.fund else None)


def day_data(day: date, page: int = 0) -> str:
    return f"{B.CM_PAY_DAY}{day:%Y%m%d}:{page}"


def read_day(data: str) -> tuple[date, int] | None:
    day, _, page = data.removeprefix(B.CM_PAY_DAY).partition(":")
    if not (len(day) == 8 and day.isdigit() and page.isdigit() and len(page) <= 4):
        return None
    try:
        found = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    # No fund's ledger is that old, and the day before 1 January of year 1 cannot be shown.
    return (found, int(page)) if found.year >= 1900 else None


def number_in(data: str, prefix: str) -> int | None:
    value = data.removeprefix(prefix)
    return int(value) if value.isdigit() and len(value) <= 12 else None


def stale(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Text(ctx.t("cm_payments.stale"), (ctx.button("cm_payments.btn_new", B.CM_PAYMENTS),
                                              back_button(ctx)))]


def target_member(incoming: Incoming, ctx: Context, action: str, allowed: tuple[str, ...],
                  member_id: object) -> tuple[guard.Acting, Member] | list[Reply]:
    """The member a press or the state names, once this chat may act on their fund (button data can
    be forged: another fund's member is refused and audited) and they may pay."""
    member = ctx.session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None:
        return stale(ctx)
    acting = guard.authorize(incoming, ctx, action, allowed, fund_id=member.fund_id)
    if not isinstance(acting, guard.Acting):
        return acting
    if member.status not in ledger_day.PAYING:
        ctx.clear_state()
        return [Text(ctx.t("cm_payments.not_paying", name=member.full_name),
                     (ctx.button("cm_payments.btn_new", B.CM_PAYMENTS), back_button(ctx)))]
    return acting, member


def target_payment(incoming: Incoming, ctx: Context, action: str,
                   payment_id: object) -> tuple[guard.Acting, Payment] | list[Reply]:
    """The ledger entry a press or the state names, once this chat may reverse in its fund."""
    payment = ctx.session.get(Payment, payment_id) if isinstance(payment_id, int) else None
    if payment is None:
        return stale(ctx)
    acting = guard.authorize(incoming, ctx, action, guard.TREASURER, fund_id=payment.member.fund_id)
    if not isinstance(acting, guard.Acting):
        return acting
    return acting, payment


def ask_member(ctx: Context, acting: guard.Acting, text: str | None = None) -> list[Reply]:
    ctx.set_state(FIND)
    assert acting.fund is not None
    buttons = [cancel_button(ctx)]
    if is_treasurer(acting):
        buttons.insert(0, ctx.button("cm_payments.btn_day", day_data(ctx.today)))
    return [Text(text or ctx.t("cm_payments.ask_member", fund=acting.fund.name(ctx.locale)), tuple(buttons))]


def matches(ctx: Context, found: list[Member]) -> list[Reply]:
    buttons = [Button(fit(f"{m.first_name} {m.last_name[:1]}. {m.member_no}"), f"{B.CM_PAY_MEMBER}{m.id}")
               for m in found]
    lines = [ctx.t("cm_payments.several", count=len(found))]
    lines += [f"{n}. {m.full_name} ({m.member_no})" for n, m in enumerate(found, 1)]
    return [Text("\n".join(lines), (*buttons, cancel_button(ctx)))]


def months_text(ctx: Context, allocation: Allocation) -> str:
    """The months a payment covers: "ธันวาคม 2569 ถึง พฤษภาคม 2570", one month alone, or none."""
    if allocation.months <= 0:
        return ctx.t("cm_payments.covers_none")
    last = format_month(*month_from_index(allocation.paid_through), ctx.locale)
    if allocation.months == 1:
        return last
    first = format_month(*month_from_index(allocation.paid_through - allocation.months + 1), ctx.locale)
    return ctx.t("cm_payments.covers_range", first=first, last=last)


def standing_text(ctx: Context, member: Member) -> str:
    status = ledger_day.standing(ctx.session, member, ctx.today)
    fund = member.fund
    through = (format_month(*status.paid_through, ctx.locale) if status.paid_through
               else ctx.t("cm_payments.never_paid"))
    if status.arrears_months:
        owed = ctx.t("cm_payments.owed", months=status.arrears_months,
                     baht=format_baht(status.arrears_baht, ctx.locale))
    else:
        owed = ctx.t("cm_payments.owed_none")
    lapsed = "\n" + ctx.t("cm_payments.lapsed_note") if member.status.value == "lapsed" else ""
    return ctx.t("cm_payments.standing", name=member.full_name, member_no=member.member_no, through=through,
                 owed=owed, dues=format_baht(fund.dues_per_month, ctx.locale)) + lapsed


def allocation_for(ctx: Context, member: Member, amount: Decimal, paid_on: date) -> Allocation:
    return allocate(member.fund, joined_on=member.joined_on, paid_before=total_paid(ctx.session, member.id),
                    amount=amount, today=paid_on)


def ask_amount(ctx: Context, member: Member, hint: str | None = None) -> list[Reply]:
    """The member's standing and the amount choices that fit the fund's pay-ahead limit."""
    ctx.set_state(AMOUNT, {"member_id": member.id})
    dues = member.fund.dues_per_month
    choices = [n for n in MONTH_CHOICES
               if not allocation_for(ctx, member, dues * n, ctx.today).too_far_ahead]
    buttons = [Button(ctx.t("cm_payments.btn_months", n=n, baht=format_baht(dues * n, ctx.locale)),
                      f"{B.CM_PAY_MONTHS}{n}") for n in choices]
    ask = ctx.t("cm_payments.ask_amount") if choices else ctx.t("cm_payments.ahead_full")
    text = f"{hint}\n\n{ask}" if hint else f"{standing_text(ctx, member)}\n\n{ask}"
    return [Text(text, (*buttons, ctx.button("cm_payments.btn_other_member", B.CM_PAYMENTS),
                        cancel_button(ctx)))]


def summary(ctx: Context, member: Member, amount: Decimal, paid_on: date, token: str) -> list[Reply]:
    allocation = allocation_for(ctx, member, amount, paid_on)
    rows = (Row(ctx.t("cm_payments.row_member"), f"{member.full_name} ({member.member_no})"),
            Row(ctx.t("cm_payments.row_amount"), format_baht(amount, ctx.locale)),
            Row(ctx.t("cm_payments.row_covers"), months_text(ctx, allocation)),
            Row(ctx.t("cm_payments.row_paid_on"), format_date(paid_on, ctx.locale)))
    dues = member.fund.dues_per_month
    after = total_paid(ctx.session, member.id) + amount
    credit = after - dues * max(months_covered(after, dues), 0)
    if credit > 0:  # part of a month: kept towards the next one, which the treasurer should say
        rows += (Row(ctx.t("cm_payments.row_credit"), ctx.t("cm_payments.credit_value",
                                                            amount=format_baht(credit, ctx.locale))),)
    buttons = (ctx.button("cm_payments.btn_confirm", f"{B.CM_PAY_CONFIRM}{token}"),
               ctx.button("cm_payments.btn_other_day", B.CM_PAY_DATE),
               ctx.button("cm_payments.btn_change_amount", f"{B.CM_PAY_MEMBER}{member.id}"),
               cancel_button(ctx))
    return [Card(ctx.t("cm_payments.summary_title"), rows, ctx.t("cm_payments.summary_footer"), buttons)]


@dataclass(frozen=True)
class Typed:
    amount: Decimal | None = None
    months: int | None = None


_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s*(?:บาท|baht|thb|บ\.?)?")
_MONTHS = re.compile(r"(\d{1,2})\s*(?:เดือน|ด\.|months?)")


def read_amount(text: str) -> Typed | None:
    """"360", "๓๖๐ บาท", "1,200", "3 เดือน" (months); None if it is not an amount. Signs are kept
    so that "-30" is refused as negative, not read as 30."""
    said = typed_value(text).replace(" ", "") if len(text) < 40 else ""
    negative = said.startswith("-")
    said = said.lstrip("-+")
    if m := _MONTHS.fullmatch(said):
        return Typed(months=int(m.group(1)))
    if m := _AMOUNT.fullmatch(said):
        try:
            value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        except InvalidOperation:
            return None
        return Typed(amount=-value if negative else value)
    return None


_PAST = {"วันนี้": 0, "today": 0, "เมื่อวาน": 1, "เมื่อวานนี้": 1, "yesterday": 1, "เมื่อวานซืน": 2}


def read_paid_on(text: str, today: date) -> tuple[date | None, str | None]:
    """(the day, None) or (None, problem: "bad" | "ambiguous" | "future"). A day typed without a
    year is the last such day up to today: money is paid in the past, not the future."""
    said = typed_value(text)
    if said in _PAST:
        return today - timedelta(days=_PAST[said]), None
    day, ambiguous = parse_day(said, today)
    if day is None:
        return None, "ambiguous" if ambiguous else "bad"
    # "15 พ.ย." (digits, no year) is the last 15 November; "พรุ่งนี้" (no digits) stays tomorrow.
    typed = parse_date(said)
    no_year = re.search(r"\d", said) and typed.value is None and not typed.ambiguous
    if day > today and no_year:
        try:
            day = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            day = day.replace(year=day.year - 1, day=28)
    if day > today:
        return None, "future"
    return day, None


def in_quiet_hours(ctx: Context) -> bool:
    """Now is in the quiet hours (the dispatcher holds messages to members until the morning): a
    confirmation says so then, and only then."""
    return quiet_until(ctx.now, str(ctx.extras.get("quiet_hours", "21:00-08:00"))) is not None
