"""Notifications: the member turns each kind of pushed message (dues, meetings, announcements) off
and on, with a button per kind, or all at once by typing ("ปิดการแจ้งเตือน", "เปิดการแจ้งเตือน")."""

from __future__ import annotations

import re

from handlers import buttons as B
from handlers.base import Context, Incoming, Reply, Text, handles
from handlers.intents import said
from handlers.menu import require_member
from services import accounts, notifications

# "เปิด" (on) contains "ปิด" (off): on is looked for first, after "not on" ("ไม่ต้องเปิดแจ้งเตือน").
_NOT_ON = re.compile(r"ไม่(?:ต้อง|อยาก|ให้)?เปิด|(?<![a-z])(?:don'?t|do not) (?:turn on|enable)")
_ON = re.compile(r"เปิด|(?<![a-z])(?:on|enable|unmute|start)(?![a-z])")
_OFF = re.compile(r"ปิด|ไม่ต้อง|หยุด|เลิก|(?<![a-z])(?:off|disable|mute|stop|no)(?![a-z])")


# A kind named in what was typed ("ปิดแจ้งเตือนประชุม" is the meetings only).
_KINDS = {
    "dues": re.compile(r"สัจจะ|ค่าสมาชิก|ค่างวด|(?<![a-z])dues(?![a-z])"),
    "meetings": re.compile(r"ประชุม|สมัชชา|(?<![a-z])meetings?(?![a-z])"),
    "announcements": re.compile(r"ประกาศ|ข่าว|(?<![a-z])(?:announcements?|news)(?![a-z])"),
}


def typed_kinds(text: str) -> tuple[str, ...]:
    """The kinds a typed text names; every kind when it names none."""
    words = said(text)
    named = tuple(kind for kind, pattern in _KINDS.items() if pattern.search(words))
    return named or notifications.KINDS


def typed_switch(text: str) -> bool | None:
    """True for "turn them on", False for "off", None for neither (show the choices)."""
    words = said(text)
    if _NOT_ON.search(words):
        return False
    if _ON.search(words):
        return True
    if _OFF.search(words):
        return False
    return None


@handles(postbacks=(B.NOTIFICATIONS, B.NOTIFY_ON, B.NOTIFY_OFF), intents=("notifications",))
def notification_settings(incoming: Incoming, ctx: Context) -> list[Reply]:
    refusal = require_member(incoming, ctx)
    if refusal:
        return refusal
    member = ctx.member
    assert member is not None
    actor = accounts.chat_actor(ctx.account)
    intro = None
    data = incoming.postback or ""
    for prefix, on in ((B.NOTIFY_ON, True), (B.NOTIFY_OFF, False)):
        if data.startswith(prefix):
            kind = data.removeprefix(prefix)
            if kind == "all":
                wanted = dict.fromkeys(notifications.KINDS, on)
            elif kind in notifications.KINDS:
                wanted = {kind: on}
            else:  # a button from another version: just show the choices
                break
            changed = notifications.set_choices(ctx.session, member, wanted, actor=actor)
            intro = ctx.t("settings.notifications_changed" if changed else "settings.notifications_unchanged")
    if not data and incoming.text:
        on, kinds = typed_switch(incoming.text), typed_kinds(incoming.text)
        if on is not None and kinds == notifications.KINDS:
            notifications.set_all(ctx.session, member, on, actor=actor)
            intro = ctx.t("settings.notifications_all_on" if on else "settings.notifications_all_off")
        elif on is not None:
            changed = notifications.set_choices(ctx.session, member, dict.fromkeys(kinds, on), actor=actor)
            intro = ctx.t("settings.notifications_changed" if changed else "settings.notifications_unchanged")
    return [choices_reply(ctx, intro)]


def choices_reply(ctx: Context, intro: str | None) -> Text:
    member = ctx.member
    assert member is not None
    current = notifications.choices(member)
    lines = [intro] if intro else []
    lines.append(ctx.t("settings.notifications_title"))
    for kind, on in current.items():
        lines.append(ctx.t("settings.notifications_row", kind=ctx.t(f"settings.notifications_kind_{kind}"),
                           state=ctx.t("settings.notifications_on" if on else "settings.notifications_off")))
    # Turning dues off does not stop the lapse warning (scheduler/jobs/dues.py): the member is told.
    lines.append(ctx.t("settings.notifications_dues_note"))
    lines.append(ctx.t("settings.notifications_hint"))
    buttons = [ctx.button(f"settings.btn_notify_{'off' if on else 'on'}_{kind}",
                          (B.NOTIFY_OFF if on else B.NOTIFY_ON) + kind) for kind, on in current.items()]
    buttons.append(ctx.button("menu.btn_menu", B.MENU))
    return Text("\n".join(lines), tuple(buttons))
