"""Places an applicant names at the district step: a district (อำเภอ) or a sub-district (ตำบล).

People often answer "which district?" with their ตำบล ("ป่าคลอก", "ต.ป่าคลอก"), or type a name with
a typo ("ป่าคลอค", "ถลาน"): both are understood as the district they are in. The ตำบล of Phuket and
the funds covering each come from bot/demo_data/phuket_subdistricts.csv (see its README), read from
the checkout (or the installed package) beside this code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from domain.thai import normalize_text, strip_polite
from models import Fund

SUBDISTRICTS_FILE = Path(__file__).resolve().parents[2] / "bot" / "demo_data" / "phuket_subdistricts.csv"
# How alike a typo must be to a name (rapidfuzz's ratio, 0-100): one wrong letter in a four-letter
# name ("สาคุ" for "สาคู") is 75; "ไม่รู้" against any place stays well below.
MIN_LIKENESS = 75
# What people put before a place name: "ต.ป่าคลอก", "ตำบลป่าคลอก", "อ.ถลาง", "อยู่ที่ถลาง".
_PREFIX = re.compile(r"^(?:อยู่(?:ที่)?|บ้านอยู่(?:ที่)?|จาก|แถว|ตำบล|ต\.|ต |อำเภอ|อ\.|อ |"
                     r"tambon|amphoe|district|sub-?district)\s*")
# The short name everyone uses for the province's central district.
DISTRICT_ALIASES = {"เมือง": "เมืองภูเก็ต", "mueang": "เมืองภูเก็ต", "muang": "เมืองภูเก็ต"}


@dataclass(frozen=True)
class Tambon:
    name_th: str
    name_en: str
    district_th: str
    district_en: str
    fund_codes: tuple[str, ...]

    def covered_by(self, fund: Fund) -> bool:
        """Whether `fund` is this ตำบล's own: by its code, or else by the ตำบล's name in its name."""
        return fund.code in self.fund_codes or self.name_th in fund.name_th


@cache
def tambons() -> tuple[Tambon, ...]:
    if not SUBDISTRICTS_FILE.exists():
        return ()
    with SUBDISTRICTS_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(Tambon(row["tambon_th"], row["tambon_en"], row["district_th"], row["district_en"],
                            tuple(row["fund_codes"].split())) for row in csv.DictReader(f))


def tambon_named(name: str | None) -> Tambon | None:
    return next((t for t in tambons() if t.name_th == name), None)


def _words(text: str) -> str:
    said = strip_polite(normalize_text(text))
    while (cut := _PREFIX.sub("", said)) != said:
        said = cut.strip()
    return said


def _key(name: str) -> str:
    return normalize_text(name).replace(" ", "").replace("-", "")


@dataclass(frozen=True)
class Place:
    district: str  # as the funds spell it (district_th)
    tambon: Tambon | None = None


def find_place(text: str, districts: list[str], labels: dict[str, str]) -> Place | None:
    """The district among `districts` (with their shown `labels`, e.g. English names) that `text`
    names, itself or through one of its ตำบล; None when it names none of them."""
    said = _words(text)
    if not said:
        return None
    names: dict[str, Place] = {}
    for district in districts:
        for name in (district, labels.get(district, district)):
            names[_key(name)] = Place(district)
    for alias, district in DISTRICT_ALIASES.items():
        if district in districts:
            names.setdefault(_key(alias), Place(district))
    for tambon in tambons():
        if tambon.district_th in districts:
            for name in (tambon.name_th, tambon.name_en):
                names.setdefault(_key(name), Place(tambon.district_th, tambon))
    key = _key(said)
    if key in names:
        return names[key]
    # "ป่าคลอก อ.ถลาง", "ต.ป่าคลอก ถลาง": a name inside; the longest, so ป่าตอง is not ป่า-something.
    inside = sorted((n for n in names if len(n) >= 3 and n in key), key=len, reverse=True)
    if inside:
        tambon_first = [n for n in inside if names[n].tambon is not None]
        return names[(tambon_first or inside)[0]]
    best = process.extractOne(key, list(names), scorer=fuzz.ratio, score_cutoff=MIN_LIKENESS)
    return names[best[0]] if best else None
