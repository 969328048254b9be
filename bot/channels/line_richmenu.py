"""The LINE rich menus: six big Thai buttons under the chat, and the image that shows them; and
the committee variant, the same six and a seventh that opens the committee menu (4 above, 3 below),
which `kongtun line richmenu` links to the LINE chats of role-holders only.

Each area is a postback with the same data as the menu's buttons, so a tap there is a tap on the
menu. The image is drawn with Pillow and a Thai font from Debian's `fonts-thai-tlwg` (`make fonts`);
Thai needs a font with its glyphs and mark positioning, which Pillow's default font does not have.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from handlers import buttons as B

WIDTH, HEIGHT = 2500, 1686  # LINE's large rich menu: 2 rows of 3
COLUMNS, ROWS = 3, 2
NAME_PREFIX = "kongtun-main"
COMMITTEE_PREFIX = "kongtun-committee"  # not under NAME_PREFIX: older tools only ever saw one menu
CHAT_BAR_TEXT = "เมนูกองทุน"  # at most 14 characters, shown on the bar that opens the menu

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/tlwg"),
    Path("/usr/share/fonts/opentype/tlwg"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
)
# Most legible first: Garuda and Loma are sans-serif, like LINE's own Thai text.
FONT_NAMES = ("Garuda-Bold", "Loma-Bold", "Garuda", "Loma", "NotoSansThai-Bold", "NotoSansThai-Regular",
              "Kinnari-Bold", "Norasi-Bold", "Sawasdee-Bold", "Umpush-Bold")
INSTALL_HINT = ("no Thai font found: install Debian's fonts-thai-tlwg (`make fonts`, or "
                "`apt-get install fonts-thai-tlwg`), or give one with --font PATH")


@dataclass(frozen=True)
class Tile:
    data: str  # postback data, as the menu buttons
    label: str  # Thai, large
    subtitle: str  # English, small
    colour: str
    icon: str


TILES = (
    Tile(B.ACCOUNT, "ยอดเงินของฉัน", "My balance", "#0B6E4F", "coin"),
    Tile(B.BENEFITS, "สิทธิสวัสดิการ", "Benefits", "#1D4E89", "heart"),
    Tile(B.MEETINGS, "ประชุม", "Meetings", "#7A3E9D", "calendar"),
    Tile(B.FUND, "ข้อมูลกองทุน", "Fund status", "#B5552B", "chart"),
    Tile(B.REGISTER, "ลงทะเบียน", "Register", "#2F7D32", "person"),
    Tile(B.MENU, "ช่วยเหลือ / เมนู", "Help & menu", "#455A64", "help"),
)
COMMITTEE_TILE = Tile(B.COMMITTEE, "เมนูกรรมการ", "Committee", "#8A5A00", "clipboard")
COMMITTEE_TILES = (*TILES, COMMITTEE_TILE)


class FontMissing(Exception):
    pass


def find_font(path: str | Path | None = None, dirs: tuple[Path, ...] | None = None) -> Path:
    """The given font, else the first Thai font installed; FontMissing with the install hint."""
    dirs = FONT_DIRS if dirs is None else dirs
    if path is not None:
        font = Path(path)
        if not font.is_file():
            raise FontMissing(f"font {font} does not exist; {INSTALL_HINT}")
        return font
    for name in FONT_NAMES:
        for folder in dirs:
            for ext in (".ttf", ".otf"):
                candidate = folder / f"{name}{ext}"
                if candidate.is_file():
                    return candidate
    raise FontMissing(INSTALL_HINT)


def _rows(count: int) -> list[int]:
    """Tiles per row: two rows, the upper one taking the odd tile (7 -> 4 + 3)."""
    top = (count + 1) // 2
    return [top, count - top]


def areas(tiles: tuple[Tile, ...] = TILES) -> list[dict]:
    """Tappable areas, left to right, top to bottom; each row shares the width among its tiles."""
    out = []
    index = 0
    for row, columns in enumerate(_rows(len(tiles))):
        y0, y1 = row * HEIGHT // ROWS, (row + 1) * HEIGHT // ROWS
        for col in range(columns):
            tile = tiles[index]
            index += 1
            x0, x1 = col * WIDTH // columns, (col + 1) * WIDTH // columns
            out.append({
                "bounds": {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0},
                "action": {"type": "postback", "label": tile.label, "data": tile.data,
                           "displayText": tile.label},
            })
    return out


def menu_request(image: bytes, tiles: tuple[Tile, ...] = TILES, prefix: str = NAME_PREFIX) -> dict:
    """The rich menu object; its name carries a digest of the menu and image (idempotent runs)."""
    body = {"size": {"width": WIDTH, "height": HEIGHT}, "selected": True, "chatBarText": CHAT_BAR_TEXT,
            "areas": areas(tiles)}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode() + image).hexdigest()[:12]
    return {**body, "name": f"{prefix}-{digest}"}


def draw(font_path: Path, tiles: tuple[Tile, ...] = TILES) -> bytes:
    """The 2500x1686 PNG: a coloured tile each, an icon, the Thai label and an English subtitle."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    pen = ImageDraw.Draw(image)
    big = ImageFont.truetype(str(font_path), 118)
    small = ImageFont.truetype(str(font_path), 68)
    gap = 14
    for area, tile in zip(areas(tiles), tiles, strict=True):
        b = area["bounds"]
        box = (b["x"] + gap, b["y"] + gap, b["x"] + b["width"] - gap, b["y"] + b["height"] - gap)
        pen.rounded_rectangle(box, radius=48, fill=tile.colour)
        cx = (box[0] + box[2]) // 2
        _icon(pen, tile.icon, cx, box[1] + 250, 150, big)
        _centred(pen, cx, box[1] + 545, tile.label, big, "#FFFFFF", box[2] - box[0] - 60)
        _centred(pen, cx, box[1] + 690, tile.subtitle, small, "#E8F0EC", box[2] - box[0] - 60)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _centred(pen, cx: int, cy: int, text: str, font, fill: str, max_width: int) -> None:
    size = font.size
    while size > 40 and pen.textlength(text, font=font) > max_width:
        size -= 6
        font = font.font_variant(size=size)
    pen.text((cx, cy), text, font=font, fill=fill, anchor="mm")


def _icon(pen, kind: str, cx: int, cy: int, r: int, font) -> None:
    """Simple white pictograms, drawn (no emoji font needed)."""
    white, line = "#FFFFFF", 16
    if kind == "coin":
        pen.ellipse((cx - r, cy - r, cx + r, cy + r), outline=white, width=line)
        pen.text((cx, cy + 6), "฿", font=font.font_variant(size=170), fill=white, anchor="mm")
    elif kind == "heart":
        k = r * 0.55
        pen.ellipse((cx - 2 * k, cy - 1.6 * k, cx, cy + 0.4 * k), fill=white)
        pen.ellipse((cx, cy - 1.6 * k, cx + 2 * k, cy + 0.4 * k), fill=white)
        # Down to the point along the tangents of the two lobes.
        pen.polygon([(cx - 1.724 * k, cy + 0.09 * k), (cx, cy - 0.6 * k), (cx + 1.724 * k, cy + 0.09 * k),
                     (cx, cy + 1.9 * k)], fill=white)
    elif kind == "calendar":
        pen.rounded_rectangle((cx - r, cy - r * 0.8, cx + r, cy + r), radius=20, outline=white, width=line)
        pen.rectangle((cx - r, cy - r * 0.8, cx + r, cy - r * 0.35), fill=white)
        for dx in (-0.55, 0.55):
            pen.line((cx + dx * r, cy - r * 1.05, cx + dx * r, cy - r * 0.6), fill=white, width=line)
        for row in range(2):
            for col in range(3):
                x = cx - r * 0.6 + col * r * 0.6
                y = cy + row * r * 0.5
                pen.rectangle((x - 18, y - 14, x + 18, y + 22), fill=white)
    elif kind == "chart":
        base = cy + r
        pen.line((cx - r, base, cx + r, base), fill=white, width=line)
        for i, h in enumerate((0.8, 1.4, 1.9)):
            x = cx - r * 0.75 + i * r * 0.75
            pen.rectangle((x - 34, base - h * r, x + 34, base - line), fill=white)
    elif kind == "person":
        pen.ellipse((cx - r * 0.45, cy - r, cx + r * 0.45, cy - r * 0.1), fill=white)
        pen.chord((cx - r * 0.85, cy, cx + r * 0.85, cy + r * 1.6), 180, 360, fill=white)
        px, py = cx + r * 0.95, cy - r * 0.55
        pen.line((px - 40, py, px + 40, py), fill=white, width=line)
        pen.line((px, py - 40, px, py + 40), fill=white, width=line)
    elif kind == "clipboard":
        pen.rounded_rectangle((cx - r * 0.8, cy - r, cx + r * 0.8, cy + r * 1.1), radius=22, outline=white,
                              width=line)
        pen.rounded_rectangle((cx - r * 0.35, cy - r * 1.15, cx + r * 0.35, cy - r * 0.8), radius=12,
                              fill=white)
        for i in range(3):
            y = cy - r * 0.35 + i * r * 0.5
            pen.line((cx - r * 0.5, y, cx - r * 0.3, y + r * 0.18, cx - r * 0.05, y - r * 0.18), fill=white,
                     width=line - 4)
            pen.line((cx + r * 0.1, y, cx + r * 0.55, y), fill=white, width=line - 4)
    else:  # help
        pen.ellipse((cx - r, cy - r, cx + r, cy + r), outline=white, width=line)
        pen.text((cx, cy + 8), "?", font=font.font_variant(size=190), fill=white, anchor="mm")
