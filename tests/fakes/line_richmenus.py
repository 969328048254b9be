"""The rich menu operations of the fake LINE: create, list, get and delete menus, upload and read
their images (PNG or JPEG, at most 1 MB, exactly the menu's size), and the default menu, which
needs an image first; the menus linked to each user (one at a time, or 500 at most in bulk), which
need an image too and go with their menu when it is deleted. A mixin of `line_server.FakeLine`,
whose state (`richmenus`, `richmenu_images`, `default_richmenu`, `user_richmenus`) it reads and
changes."""

from __future__ import annotations

import io
import uuid
from typing import TYPE_CHECKING

from tests.fakes.line_limits import MAX_RICHMENU_IMAGE

if TYPE_CHECKING:
    from tests.fakes.line_server import Recorded


class RichMenus:
    richmenus: dict[str, dict]
    richmenu_images: dict[str, tuple[str, bytes]]
    default_richmenu: str | None
    user_richmenus: dict[str, str]  # user id -> the rich menu linked to that user

    def op_createRichMenu(self, rec: Recorded, _t: str):
        menu_id = f"richmenu-{uuid.uuid4().hex}"
        self.richmenus[menu_id] = {"richMenuId": menu_id, **rec.json}
        return 200, {}, {"richMenuId": menu_id}

    def op_getRichMenuList(self, rec: Recorded, _t: str):
        return 200, {}, {"richmenus": list(self.richmenus.values())}

    def op_getRichMenu(self, rec: Recorded, _t: str):
        menu = self.richmenus.get(rec.path.rsplit("/", 1)[1])
        return (200, {}, menu) if menu else (404, {}, {"message": "Not found"})

    def op_deleteRichMenu(self, rec: Recorded, _t: str):
        menu_id = rec.path.rsplit("/", 1)[1]
        if self.richmenus.pop(menu_id, None) is None:
            return 404, {}, {"message": "Not found"}
        self.richmenu_images.pop(menu_id, None)
        for user, linked in list(self.user_richmenus.items()):
            if linked == menu_id:  # LINE unlinks a deleted menu from its users
                del self.user_richmenus[user]
        if self.default_richmenu == menu_id:
            self.default_richmenu = None
        return 200, {}, {}

    def op_setRichMenuImage(self, rec: Recorded, _t: str):
        menu_id = rec.path.split("/")[-2]
        menu = self.richmenus.get(menu_id)
        if menu is None:
            return 404, {}, {"message": "Not found"}
        if menu_id in self.richmenu_images:
            return 400, {}, {"message": "An image has already been uploaded to the richmenu"}
        content_type = rec.headers.get("content-type", "")
        if content_type not in ("image/png", "image/jpeg"):
            rec.errors.append(f"rich menu image Content-Type {content_type!r}")
            return 400, {}, {"message": "Unsupported content type"}
        if len(rec.body) > MAX_RICHMENU_IMAGE:
            rec.errors.append(f"rich menu image of {len(rec.body)} bytes, max {MAX_RICHMENU_IMAGE}")
            return 400, {}, {"message": "Image too large"}
        try:
            from PIL import Image

            with Image.open(io.BytesIO(rec.body)) as image:
                size = image.size
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a bad upload
            rec.errors.append(f"rich menu image does not decode: {exc}")
            return 400, {}, {"message": "Invalid image"}
        if size != (menu["size"]["width"], menu["size"]["height"]):
            rec.errors.append(f"rich menu image {size} does not match the menu size {menu['size']}")
            return 400, {}, {"message": "Image size mismatch"}
        self.richmenu_images[menu_id] = (content_type, rec.body)
        return 200, {}, {}

    def op_getRichMenuImage(self, rec: Recorded, _t: str):
        stored = self.richmenu_images.get(rec.path.split("/")[-2])
        if stored is None:
            return 404, {}, {"message": "Not found"}
        return 200, {"Content-Type": stored[0]}, stored[1]

    def op_setDefaultRichMenu(self, rec: Recorded, _t: str):
        menu_id = rec.path.rsplit("/", 1)[1]
        if menu_id not in self.richmenus:
            return 404, {}, {"message": "Not found"}
        if menu_id not in self.richmenu_images:
            rec.errors.append("a rich menu without an image cannot be the default")
            return 400, {}, {"message": "Must upload richmenu image before applying it to user"}
        self.default_richmenu = menu_id
        return 200, {}, {}

    def op_getDefaultRichMenuId(self, rec: Recorded, _t: str):
        if self.default_richmenu is None:
            return 404, {}, {"message": "no default richmenu"}
        return 200, {}, {"richMenuId": self.default_richmenu}

    def op_cancelDefaultRichMenu(self, rec: Recorded, _t: str):
        self.default_richmenu = None
        return 200, {}, {}

    # --- per-user menus ----------------------------------------------------------------------------
    def _linkable(self, rec: Recorded, menu_id: str):
        """None if `menu_id` may be linked to users, else LINE's error answer."""
        if menu_id not in self.richmenus:
            return 404, {}, {"message": "Not found"}
        if menu_id not in self.richmenu_images:
            rec.errors.append("a rich menu without an image cannot be linked to a user")
            return 400, {}, {"message": "Must upload richmenu image before applying it to user"}
        return None

    def op_linkRichMenuIdToUser(self, rec: Recorded, _t: str):
        parts = rec.path.split("/")  # /v2/bot/user/{userId}/richmenu/{richMenuId}
        user, menu_id = parts[4], parts[6]
        refused = self._linkable(rec, menu_id)
        if refused:
            return refused
        self.user_richmenus[user] = menu_id
        return 200, {}, {}

    def op_unlinkRichMenuIdFromUser(self, rec: Recorded, _t: str):
        self.user_richmenus.pop(rec.path.split("/")[4], None)
        return 200, {}, {}

    def op_getRichMenuIdOfUser(self, rec: Recorded, _t: str):
        menu_id = self.user_richmenus.get(rec.path.split("/")[4])
        if menu_id is None:
            return 404, {}, {"message": "the user has no richmenu"}
        return 200, {}, {"richMenuId": menu_id}

    def op_linkRichMenuIdToUsers(self, rec: Recorded, _t: str):
        refused = self._linkable(rec, rec.json["richMenuId"])
        if refused:
            return (400, {}, {"message": "richmenu not found"}) if refused[0] == 404 else refused
        for user in rec.json["userIds"]:  # done at once here; LINE does it soon after its 202
            self.user_richmenus[user] = rec.json["richMenuId"]
        return 202, {}, {}

    def op_unlinkRichMenuIdFromUsers(self, rec: Recorded, _t: str):
        for user in rec.json["userIds"]:
            self.user_richmenus.pop(user, None)
        return 202, {}, {}
