"""What each LINE event does, through the signed webhook and the fake LINE: follow (with the profile
name), unfollow, texts and postbacks, stickers and other messages, standby, other event kinds, and
groups, where nothing personal is answered."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.channels import line as line_channel
from locales import translate
from models import ChatAccount, ProcessedEvent
from tests.fakes import line_webhook as wh
from tests.fakes.line_webhook import CHANNEL_SECRET, LineUser


def count(app, model) -> int:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(func.count()).select_from(model))


def account(app, user: str) -> ChatAccount | None:
    with app.extensions["kongtun"].Session() as s:
        return s.scalar(select(ChatAccount).where(ChatAccount.channel == "line",
                                                  ChatAccount.external_user_id == user))


def metrics(app) -> dict:
    return app.extensions["line"].metrics


def post_raw(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/webhooks/line", data=body, headers=headers)


# --- event kinds ----------------------------------------------------------------------------------

def test_follow_welcomes_by_display_name_with_the_menu_as_quick_replies(line_app, line_user, fake_line):
    fake_line.add_profile(line_user.user, "ป้าแดง")
    line_user.follow()
    messages = line_user.last
    assert "สวัสดีค่ะ คุณป้าแดง" in line_user.text
    assert "ลงทะเบียน" in line_user.text
    assert "quickReply" in messages[-1] and all("quickReply" not in m for m in messages[:-1])
    data = [a.data for a in line_user.buttons()]
    assert data[0] == "reg" and {"acct", "ben", "fund", "meet"} <= set(data)
    for action in line_user.actions():
        assert action["displayText"] == action["label"]  # the member sees what they tapped
    assert len(fake_line.calls("getProfile")) == 1
    acct = account(line_app, line_user.user)
    assert acct.display_name == "ป้าแดง" and acct.unreachable_at is None


@pytest.mark.parametrize("status", [404, 500])
def test_follow_still_welcomes_when_the_profile_call_fails(line_app, line_user, fake_line, status):
    if status == 404:
        pass  # no profile registered: the fake answers 404
    else:
        fake_line.add_profile(line_user.user, "ป้าแดง")
        fake_line.fail_next("getProfile", 500)
    line_user.follow()
    assert line_user.text.startswith(translate("th", "menu.welcome").splitlines()[0])
    assert metrics(line_app)["profile_failed"] == 1
    assert len(fake_line.sent()) == 1


def test_follow_when_the_profile_call_is_slow_answers_without_the_name(line_app, line_user, fake_line):
    fake_line.add_profile(line_user.user, "ป้าแดง")
    fake_line.delay("getProfile", line_channel.PROFILE_TIMEOUT[1] + 0.5)
    started = time.perf_counter()
    line_user.follow()
    assert time.perf_counter() - started < 2.0
    assert "ป้าแดง" not in line_user.text
    assert len(fake_line.sent()) == 1


def test_follow_of_an_account_linked_before_says_so(line_app, line_user, fake_line, line_member):
    fake_line.add_profile(line_user.user, "Somchai")
    line_user.unfollow()
    assert account(line_app, line_user.user).unreachable_at is not None
    line_user.follow(unblocked=True)
    assert "ยินดีต้อนรับกลับค่ะ คุณสมชาย" in line_user.text
    assert "เทศบาลตำบลป่าคลอก" in line_user.text and "ไม่ต้องลงทะเบียนใหม่" in line_user.text
    assert "reg" not in [a.data for a in line_user.buttons()]
    assert account(line_app, line_user.user).unreachable_at is None


def test_unfollow_marks_the_account_unreachable_without_any_call(line_app, line_user, fake_line):
    line_user.say("สวัสดี")
    fake_line.clear()
    line_user.unfollow()
    line_user.unfollow()  # a redelivery: harmless
    assert fake_line.requests == []
    assert account(line_app, line_user.user).unreachable_at is not None
    assert metrics(line_app)["unfollows"] == 2


def test_linked_member_asks_for_the_account_in_thai_and_gets_a_flex_card(line_user, fake_line, line_member):
    line_user.say("เช็คยอดหน่อยค่ะ")
    messages = line_user.last
    assert len(messages) == 1
    card = messages[0]
    assert card["type"] == "flex" and card["contents"]["type"] == "bubble"
    assert "ชำระถึง" in card["altText"] or "ยอด" in card["altText"]
    header = card["contents"]["header"]["contents"][0]
    assert header["text"] == translate("th", "account.title")
    assert "สมชาย ใจดี" in line_user.text and "เทศบาลตำบลป่าคลอก" in line_user.text
    texts = card["contents"]["body"]["contents"]
    assert all(t["contents"][0]["wrap"] and t["contents"][1]["wrap"] for t in texts if t["type"] == "box")
    assert {"ben", "fund", "menu"} <= {a.data for a in line_user.buttons()}


def test_postback_buttons_lead_to_the_feature(line_user, fake_line, line_member):
    line_user.press("ben")
    assert line_user.last[0]["type"] == "flex"
    line_user.press("acct")
    assert "สมชาย ใจดี" in line_user.text
    line_user.tap("ข้อมูลกองทุน")
    assert "เทศบาลตำบลป่าคลอก" in line_user.text


@pytest.mark.parametrize("message", [wh.image_message, wh.location_message])
def test_image_or_location_get_a_short_polite_answer_and_the_menu(line_user, fake_line, message):
    messages = line_user.send("message", message=message())
    assert line_user.text == translate("th", "menu.not_text")
    assert len(messages) == 1 and messages[0]["quickReply"]["items"]


def test_a_sticker_gets_a_warm_answer_and_the_menu(line_user, fake_line):
    messages = line_user.send("message", message=wh.sticker_message())
    assert line_user.text == translate("th", "smalltalk.sticker")
    assert len(messages) == 1 and messages[0]["quickReply"]["items"]


def test_a_message_type_newer_than_the_sdk_is_still_answered(line_app, line_client, fake_line):
    user = wh.user_id()
    event = wh.event("message", user, message={"id": "1", "type": "hologram", "quoteToken": "q"})
    body = wh.callback(event, validate=False)
    assert post_raw(line_client, body, wh.sign(CHANNEL_SECRET, body)).status_code == 200
    (sent,) = fake_line.sent()
    assert sent[0]["text"] == translate("th", "menu.not_text")


def test_standby_events_are_skipped(line_app, line_user, fake_line):
    line_user.post(wh.event("message", line_user.user, mode="standby",
                            message=wh.text_message("เช็คยอด")))
    assert fake_line.requests == []
    assert count(line_app, ProcessedEvent) == 0


def _group(event: dict, group: str) -> dict:
    event["source"] = {"type": "group", "groupId": group}
    return event


@pytest.mark.parametrize("kind", [
    "join", "leave", "memberJoined", "memberLeft", "unsend", "videoPlayComplete", "beacon", "accountLink",
    "botSuspended",
])
def test_other_event_kinds_are_accepted_and_ignored(line_app, line_user, fake_line, kind):
    user, group = line_user.user, wh.group_id()
    members = {"members": [{"type": "user", "userId": user}]}
    events = {
        "join": lambda: _group(wh.event("join", user), group),
        "leave": lambda: _group(_without_token(wh.event("leave", user)), group),
        "memberJoined": lambda: _group(wh.event("memberJoined", user, joined=members), group),
        "memberLeft": lambda: _group(_without_token(wh.event("memberLeft", user, left=members)), group),
        "unsend": lambda: _without_token(wh.event("unsend", user, unsend={"messageId": "325708"})),
        "videoPlayComplete": lambda: wh.event("videoPlayComplete", user,
                                              videoPlayComplete={"trackingId": "track-1"}),
        "beacon": lambda: wh.event("beacon", user, beacon={"hwid": "d41d8cd98f", "type": "enter"}),
        "accountLink": lambda: wh.event("accountLink", user, link={"result": "ok", "nonce": "abc"}),
        "botSuspended": lambda: _without_token(wh.event("botSuspended", user)),
    }
    line_user.post(events[kind]())
    assert fake_line.requests == []
    assert metrics(line_app)["events_failed"] == 0


def _without_token(event: dict) -> dict:
    event.pop("replyToken", None)
    return event


def test_in_a_group_only_mentions_and_postbacks_are_answered_never_with_personal_data(
        line_app, line_client, fake_line, line_member, line_user):
    group = wh.group_id()
    in_group = LineUser(line_client, fake_line, user=line_user.user, group=group)
    assert in_group.say("คุยกันเรื่องอื่น") == []
    in_group.say("@น้องกองทุน เช็คยอด", mention_self=True)
    assert in_group.text == translate("th", "menu.private_only")
    assert "สมชาย" not in in_group.text
    in_group.press("acct")
    assert in_group.text == translate("th", "menu.private_only")
