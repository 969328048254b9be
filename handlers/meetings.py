"""Upcoming meetings of the member's fund and of the whole network."""

from __future__ import annotations

from domain.thai import format_date
from handlers import buttons as B
from handlers.base import Card, Context, Incoming, Reply, Row, Text, handles
from handlers.formatting import format_day, format_time
from handlers.queries import upcoming_meetings


@handles(postbacks=(B.MEETINGS,), intents=("meetings",))
def meetings(incoming: Incoming, ctx: Context) -> list[Reply]:
    loc = ctx.locale
    member = None if incoming.in_group else ctx.member
    fund_id = member.fund_id if member else None
    found = upcoming_meetings(ctx.session, fund_id, ctx.now)
    buttons = (ctx.button("menu.btn_menu", B.MENU),)
    if not found:
        return [Text(ctx.t("meetings.none"), buttons)]
    replies: list[Reply] = []
    for meeting in found:
        starts = meeting.starts_at.astimezone(ctx.now.tzinfo)
        who = meeting.fund.name(loc) if meeting.fund else ctx.t("meetings.network")
        rows = [
            Row(ctx.t("meetings.when"), f"{format_day(starts.date(), loc)}"),
            Row(ctx.t("meetings.time"), format_time(starts, loc)),
            Row(ctx.t("meetings.place"), meeting.place(loc)),
            Row(ctx.t("meetings.for"), who),
        ]
        agenda = meeting.agenda(loc)
        if agenda:
            rows.append(Row(ctx.t("meetings.agenda"), agenda))
        replies.append(Card(
            title=meeting.title(loc),
            rows=tuple(rows),
            alt_text=ctx.t("meetings.alt", title=meeting.title(loc),
                           date=format_date(starts.date(), loc, short=True)),
        ))
    footer_key = "meetings.footer_member" if member else "meetings.footer_guest"
    replies.append(Text(ctx.t(footer_key), buttons))
    return replies
