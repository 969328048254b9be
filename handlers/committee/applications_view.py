"""What the applications tool shows: the list, the summaries, and the answers to a press on an
application that is no longer waiting. Shared by `applications` (list, approve, confirm) and
`applications_reject`."""

from __future__ import annotations

from datetime import date, timedelta

from domain.thai import format_date, mask_national_id, mask_phone
from handlers import buttons as B
from handlers.base import Button, Card, Context, Incoming, Reply, Row, Text
from handlers.committee import guard
from handlers.formatting import LABEL_MAX, short_name_en, short_name_th
from locales import channel_name
from models import Fund, Member, MemberStatus
from services import applications
from services.applications import Pending

DIALOG = "cm.app"
LIST = "cm.app.list"  # the list is shown: its buttons, or a hint
APPROVE = "cm.app.approve"  # the approval summary waits for its confirmation
REASON = "cm.app.reason"  # choosing why an application is rejected
OTHER = "cm.app.other"  # typing a reason of one's own
REJECT = "cm.app.reject"  # the rejection summary waits for its confirmation
MAX_BUTTONS = 13  # LINE's quick replies: five applications (two each), two pages and cancel fit


def fit(label: str) -> str:
    """A button label every platform carries whole (LINE: 20 characters)."""
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def cancel_button(ctx: Context) -> Button:
    return ctx.button("menu.btn_cancel", B.CANCEL)


def page_data(page: int, fund_id: int | None = None) -> str:
    """A page of the list: of the chat's own fund, or of the fund named (authorised on the press)."""
    return f"{B.CM_APP_PAGE}{page}" if fund_id is None else f"{B.CM_APP_PAGE}{fund_id}:{page}"


def read_page(data: str) -> tuple[int | None, int] | None:
    """(fund id or None for the chat's own, page) from a page button's data; None if malformed."""
    fund, _, page = data.removeprefix(B.CM_APP_PAGE).rpartition(":")
    if not page.isdigit() or len(page) > 6 or (fund and (not fund.isdigit() or len(fund) > 12)):
        return None
    return (int(fund) if fund else None), int(page)


def list_button(ctx: Context, page: int = 0, fund_id: int | None = None) -> Button:
    return ctx.button("cm_applications.btn_list", page_data(page, fund_id))


def existing_text(ctx: Context, acting: guard.Acting, existing: Member) -> str:
    """Who already has this ID, as far as this committee may know: another fund's record is only
    "on another fund's roster" (its committee is told the rest)."""
    own = acting.fund.id if acting.fund is not None else None
    if not acting.admin and existing.fund_id != own:
        return ctx.t("cm_applications.existing_other_fund")
    key = "cm_applications.existing_member" if existing.member_no else "cm_applications.existing_application"
    return ctx.t(key, member_no=existing.member_no or "-", name=existing.full_name,
                 fund=existing.fund.name(ctx.locale))


def _channels(ctx: Context, item: Pending) -> str:
    names = ", ".join(channel_name(ctx.locale, chat.channel) for chat in item.chats)
    return ctx.t("cm_applications.via_channel", channel=names) if names else ctx.t("cm_applications.no_chat")


def list_reply(ctx: Context, acting: guard.Acting, page: int, hint: str | None = None) -> list[Reply]:
    """One page of the fund's pending applications, each with its approve and reject buttons."""
    fund = acting.fund
    assert fund is not None
    total = applications.count_pending(ctx.session, fund.id)
    if total == 0:
        ctx.clear_state()
        others = (ctx.button("cm_applications.btn_funds", B.CM_APP_FUNDS),) if acting.admin else ()
        return [Text(ctx.t("cm_applications.list_empty", fund=fund.name(ctx.locale)),
                     (*others, ctx.button("committee.btn_back", B.COMMITTEE),
                      ctx.button("menu.btn_menu", B.MENU)))]
    size = applications.PAGE_SIZE
    pages = -(-total // size)
    page = min(max(page, 0), pages - 1)
    items = applications.pending(ctx.session, fund.id, page=page, size=size)
    lines = [ctx.t("cm_applications.list_head", fund=fund.name(ctx.locale), count=total, page=page + 1,
                   pages=pages)]
    buttons: list[Button] = []
    for n, item in enumerate(items, page * size + 1):
        member = item.member
        lines.append(ctx.t(
            "cm_applications.list_item", n=n, name=member.full_name,
            applied=format_date(member.joined_on, ctx.locale, short=True),
            age=age(member.birth_date, ctx.today),
            phone=mask_phone(member.phone) if member.phone else "-",
            national_id=mask_national_id(member.national_id_last4), channel=_channels(ctx, item)))
        if item.duplicate_of is not None:
            lines.append(ctx.t("cm_applications.list_duplicate",
                               existing=existing_text(ctx, acting, item.duplicate_of)))
        buttons.append(Button(fit(ctx.t("cm_applications.btn_approve", n=n, name=member.first_name)),
                              f"{B.CM_APP_APPROVE}{member.id}"))
        buttons.append(Button(fit(ctx.t("cm_applications.btn_reject", n=n, name=member.first_name)),
                              f"{B.CM_APP_REJECT}{member.id}"))
    if page > 0:
        buttons.append(ctx.button("cm_applications.btn_prev", page_data(page - 1, fund.id)))
    if page + 1 < pages:
        buttons.append(ctx.button("cm_applications.btn_next", page_data(page + 1, fund.id)))
    if acting.admin and len(buttons) < MAX_BUTTONS - 1:  # the network's admin: another fund's list
        buttons.append(ctx.button("cm_applications.btn_funds", B.CM_APP_FUNDS))
    buttons.append(cancel_button(ctx))
    lines.append(hint or ctx.t("cm_applications.list_foot"))
    ctx.set_state(LIST, {"page": page, "fund_id": fund.id})
    return [Text("\n\n".join(lines), tuple(buttons))]


def detail_rows(ctx: Context, member: Member) -> list[Row]:
    chats = applications.chats_of(ctx.session, member)
    years = age(member.birth_date, ctx.today)
    return [
        Row(ctx.t("cm_applications.row_name"), member.full_name),
        Row(ctx.t("cm_applications.row_age"), ctx.t("cm_applications.age", n=years)),
        Row(ctx.t("cm_applications.row_applied"), format_date(member.joined_on, ctx.locale)),
        Row(ctx.t("cm_applications.row_phone"), mask_phone(member.phone) if member.phone else "-"),
        Row(ctx.t("cm_applications.row_national_id"), mask_national_id(member.national_id_last4)),
        Row(ctx.t("cm_applications.row_channel"),
            ", ".join(channel_name(ctx.locale, c.channel) for c in chats) or "-"),
    ]


def approve_summary(ctx: Context, member: Member, token: str, page: int) -> list[Reply]:
    fund = member.fund
    until = ctx.today + timedelta(days=fund.waiting_days)
    rows = [
        *detail_rows(ctx, member),
        Row(ctx.t("cm_applications.row_member_no"), applications.next_member_no(ctx.session, fund.id)),
        Row(ctx.t("cm_applications.row_joined"), format_date(ctx.today, ctx.locale)),
        Row(ctx.t("cm_applications.row_waiting"), ctx.t(
            "cm_applications.waiting_value", days=fund.waiting_days, until=format_date(until, ctx.locale))),
    ]
    buttons = (ctx.button("cm_applications.btn_confirm_approve", f"{B.CM_APP_CONFIRM}{token}"),
               list_button(ctx, page, fund.id), cancel_button(ctx))
    return [Card(ctx.t("cm_applications.approve_title"), tuple(rows), ctx.t("cm_applications.approve_footer"),
                 buttons)]


def reject_summary(ctx: Context, member: Member, token: str, reason: str, note: str | None) -> list[Reply]:
    rows = [*detail_rows(ctx, member),
            Row(ctx.t("cm_applications.row_reason"), applications.reason_text(ctx.locale, reason, note))]
    buttons = (ctx.button("cm_applications.btn_confirm_reject", f"{B.CM_APP_CONFIRM}{token}"),
               ctx.button("cm_applications.btn_change_reason", f"{B.CM_APP_REJECT}{member.id}"),
               cancel_button(ctx))
    return [Card(ctx.t("cm_applications.reject_title"), tuple(rows), ctx.t("cm_applications.reject_footer"),
                 buttons)]


def duplicate_refusal(ctx: Context, acting: guard.Acting, member: Member, existing: Member, *,
                      audited: bool = False) -> list[Reply]:
    """Approval refused: the ID is on a roster already; the committee checks the person first."""
    ctx.clear_state()
    if not audited:
        applications.refuse_duplicate(ctx.session, member, existing, actor=acting.actor)
    text = ctx.t("cm_applications.duplicate_refused", name=member.full_name,
                 existing=existing_text(ctx, acting, existing))
    return [Text(text, (ctx.button("cm_applications.btn_reject_it", f"{B.CM_APP_REJECT}{member.id}"),
                        list_button(ctx, 0, member.fund_id), cancel_button(ctx)))]


def decided(ctx: Context, member: Member) -> list[Reply]:
    """Someone decided it meanwhile (or it never was an application): said, nothing done."""
    ctx.clear_state()
    if member.status == MemberStatus.REJECTED:
        text = ctx.t("cm_applications.decided_rejected", name=member.full_name)
    elif member.member_no and member.status != MemberStatus.PENDING:
        text = ctx.t("cm_applications.decided_approved", name=member.full_name, member_no=member.member_no)
    else:
        text = ctx.t("cm_applications.decided_other")
    return [Text(text, (list_button(ctx, 0, member.fund_id), ctx.button("committee.btn_back", B.COMMITTEE)))]


def not_found(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Text(ctx.t("cm_applications.not_found"), (list_button(ctx), cancel_button(ctx)))]


def stale(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Text(ctx.t("cm_applications.stale"), (list_button(ctx), ctx.button("committee.btn_back",
                                                                                B.COMMITTEE)))]


def number_in(data: str, prefix: str) -> int | None:
    value = data.removeprefix(prefix)
    return int(value) if value.isdigit() and len(value) <= 12 else None


def funds_reply(ctx: Context, waiting: list[tuple[Fund, int]]) -> list[Reply]:
    """The network admin's choice: the funds with applications waiting, most first."""
    ctx.clear_state()
    if not waiting:
        return [Text(ctx.t("cm_applications.funds_none"), (ctx.button("committee.btn_back", B.COMMITTEE),))]
    shown = waiting[: MAX_BUTTONS - 1]
    lines = [ctx.t("cm_applications.funds_head")]
    lines += [f"{n}. {fund.name(ctx.locale)}: {count}" for n, (fund, count) in enumerate(waiting, 1)]
    short = short_name_en if ctx.locale == "en" else short_name_th
    buttons = [Button(fit(f"{short(fund)} ({count})"), page_data(0, fund.id)) for fund, count in shown]
    return [Text("\n".join(lines), (*buttons, cancel_button(ctx)))]


def target(incoming: Incoming, ctx: Context, action: str,
           member_id: int | None) -> tuple[guard.Acting, Member] | list[Reply]:
    """The application a press names, once the chat may act on its fund and it is still pending.
    The chat was authorised for its own fund already: a forged id of another fund is refused here."""
    member = ctx.session.get(Member, member_id) if member_id is not None else None
    if member is None:
        return not_found(ctx)
    acting = guard.authorize(incoming, ctx, action, guard.APPLICATIONS, fund_id=member.fund_id)
    if not isinstance(acting, guard.Acting):
        return acting
    if member.status != MemberStatus.PENDING:
        return decided(ctx, member)
    return acting, member
