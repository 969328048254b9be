"""Updates as Telegram posts them to a webhook, and a person who sends them.

`Updates` builds the JSON (increasing update_id and message_id, command entities, the message a
pressed button sits on); `TelegramPerson` posts each one to `/webhooks/telegram` with the secret,
after checking it against the spec's `Update` type, and reads what the bot sent back from the fake
Bot API.
"""

from __future__ import annotations

import time
from itertools import count
from typing import Any

from handlers.base import Button
from tests.drivers import ChatDriver, Message
from tests.fakes.telegram_api import BOT_USER, FakeTelegram
from tests.fakes.telegram_spec import TelegramSpec, check_html, utf16_len

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_SECRET = "kongtun-tg-secret_4f9a2c"  # what the test app is configured with


class Updates:
    def __init__(self, spec: TelegramSpec | None = None, first_update_id: int = 734_000_001) -> None:
        self.spec = spec or TelegramSpec()
        self._update_ids = count(first_update_id)
        self._message_ids = count(11)
        self._callback_ids = count(4_410_000_000_000_000_001)

    @staticmethod
    def user(user_id: int, first_name: str = "สมหญิง", *, last_name: str | None = None,
             language_code: str | None = "th", username: str | None = None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private_chat(user: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "last_name" in user:
            chat["last_name"] = user["last_name"]
        return chat

    @staticmethod
    def group_chat(chat_id: int = -1001987654321, title: str = "กลุ่มสมาชิกกองทุนป่าคลอก") -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def _update(self, **kind: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **kind}

    def message(self, user: dict[str, Any], chat: dict[str, Any] | None = None, *,
                text: str | None = None, contact: dict[str, Any] | None = None,
                sticker: bool = False) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": chat or self.private_chat(user),
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        if contact is not None:
            message["contact"] = contact
        if sticker:
            message["sticker"] = {"file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADcQ", "type": "regular",
                                  "width": 512, "height": 512, "is_animated": False, "is_video": False}
        return self._update(message=message)

    def callback(self, user: dict[str, Any], data: str, chat: dict[str, Any] | None = None,
                 message_text: str = "เลือกเมนูที่ต้องการได้เลยค่ะ") -> dict[str, Any]:
        chat = chat or self.private_chat(user)
        query = {
            "id": str(next(self._callback_ids)),
            "from": user,
            "message": {"message_id": next(self._message_ids), "from": dict(BOT_USER), "chat": chat,
                        "date": int(time.time()) - 5, "text": message_text},
            "chat_instance": "-5871723306113371862",
            "data": data,
        }
        return self._update(callback_query=query)

    def my_chat_member(self, user: dict[str, Any], old: str, new: str) -> dict[str, Any]:
        def member(status: str) -> dict[str, Any]:
            value: dict[str, Any] = {"status": status, "user": dict(BOT_USER)}
            if status == "kicked":
                value["until_date"] = 0
            return value

        change = {"chat": self.private_chat(user), "from": user, "date": int(time.time()),
                  "old_chat_member": member(old), "new_chat_member": member(new)}
        return self._update(my_chat_member=change)


class TelegramPerson(ChatDriver):
    """Someone on Telegram: types, presses buttons, shares a contact, blocks the bot.

    `from_user` is their Telegram `User` object, `user` its id as the bot stores it; `last` is the
    sendMessage calls of the last answer, `answered` its answerCallbackQuery calls."""

    channel = "telegram"

    def __init__(self, client, fake: FakeTelegram, updates: Updates, secret: str, user_id: int,
                 first_name: str = "สมหญิง", chat: dict[str, Any] | None = None) -> None:
        self.client = client
        self.fake = fake
        self.updates = updates
        self.secret = secret
        self.from_user = updates.user(user_id, first_name)
        self.user = str(user_id)
        self.chat = chat or updates.private_chat(self.from_user)
        self.last: list[dict[str, Any]] = []
        self.answered: list[dict[str, Any]] = []

    @property
    def chat_id(self) -> int:
        return self.chat["id"]

    def in_group(self, chat: dict[str, Any] | None = None) -> TelegramPerson:
        """The same person writing in a group chat."""
        return TelegramPerson(self.client, self.fake, self.updates, self.secret, self.from_user["id"],
                              self.from_user["first_name"], chat or self.updates.group_chat())

    def post(self, update: dict[str, Any], *, expect: int = 200, secret: str | None = None) -> list[dict]:
        """Post one update; the sendMessage calls it caused."""
        problems = self.updates.spec.check_update(update)
        assert not problems, problems
        mark = self.fake.mark()
        response = self.client.post("/webhooks/telegram", json=update,
                                    headers={SECRET_HEADER: secret or self.secret})
        assert response.status_code == expect, response.get_data(as_text=True)
        calls = self.fake.since(mark)
        self.last = [c.params for c in calls if c.method == "sendMessage"]
        self.answered = [c.params for c in calls if c.method == "answerCallbackQuery"]
        return self.last

    def say(self, text: str) -> list[Message]:
        self.post(self.updates.message(self.from_user, self.chat, text=text))
        return self.replies

    def press(self, data: str) -> list[Message]:
        self.post(self.updates.callback(self.from_user, data, self.chat))
        return self.replies

    def share_contact(self, phone: str, *, own: bool = True, first_name: str | None = None) -> list[Message]:
        contact: dict[str, Any] = {"phone_number": phone,
                                   "first_name": first_name or self.from_user["first_name"]}
        contact["user_id"] = self.from_user["id"] if own else self.from_user["id"] + 1
        self.post(self.updates.message(self.from_user, self.chat, contact=contact))
        return self.replies

    def block(self) -> list[Message]:
        self.post(self.updates.my_chat_member(self.from_user, "member", "kicked"))
        return self.replies

    def unblock(self) -> list[Message]:
        self.post(self.updates.my_chat_member(self.from_user, "kicked", "member"))
        return self.replies

    @property
    def replies(self) -> list[Message]:
        """One per message sent: the text as read (HTML parsed), the inline keyboard's buttons, and a
        card's title (its bold first line). A reply keyboard (the contact share) has no buttons here."""
        found = []
        for message in self.last:
            markup = message.get("reply_markup") or {}
            buttons = tuple(Button(b["text"], b["callback_data"])
                            for row in markup.get("inline_keyboard", []) for b in row)
            first = message["text"].split("\n", 1)[0]
            title = check_html(first)[0] if first.startswith("<b>") and first.endswith("</b>") else None
            found.append(Message(check_html(message["text"])[0], buttons, title))
        return found

    @property
    def html(self) -> str:
        return "\n".join(m["text"] for m in self.last)
