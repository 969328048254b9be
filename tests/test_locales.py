"""Thai first, English complete: the catalogues agree, and the Thai voice is consistent."""

import re
import string

import pytest

from locales import catalog, translate


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_exists_in_both_languages():
    assert set(catalog("th")) == set(catalog("en"))


@pytest.mark.parametrize("key", sorted(catalog("th")))
def test_both_languages_use_the_same_fields(key):
    th, en = catalog("th")[key], catalog("en")[key]
    assert _fields(th) == _fields(en), key


def test_thai_speaks_with_one_polite_voice():
    # The bot speaks as น้องกองทุน with ค่ะ/คะ; a stray ครับ would sound like two people.
    assert not [k for k, v in catalog("th").items() if "ครับ" in v]


def test_missing_english_falls_back_to_thai_not_a_crash(monkeypatch):
    monkeypatch.delitem(catalog("en"), "menu.choose")
    assert translate("en", "menu.choose") == catalog("th")["menu.choose"]


_THAI = re.compile("[\u0e00-\u0e7f]")

# English text has no Thai, except where a language is named in its own script so that a reader of
# either language finds the switch. Fields ({fund}, {name}) are filled at run time and may be Thai
# (a name as the roster spells it); this checks only what the catalogue itself says.
THAI_ALLOWED_IN_ENGLISH = {
    "menu.btn_language",  # "ภาษา / Language"
    "settings.choose_language",  # "เลือกภาษาที่ต้องการค่ะ / Please choose a language."
    "telegram.cmd_language",  # "Language / ภาษา"
}


def _texts(value: object) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def test_english_has_no_thai_but_the_language_switch():
    thai = [key for key, value in catalog("en").items()
            if key not in THAI_ALLOWED_IN_ENGLISH and any(_THAI.search(text) for text in _texts(value))]
    assert thai == []


def test_the_allowed_thai_in_english_is_still_needed():
    # A stale exception would let Thai back in unnoticed.
    for key in THAI_ALLOWED_IN_ENGLISH:
        assert any(_THAI.search(text) for text in _texts(catalog("en")[key])), key


# "เรียบร้อย ค่ะ" is a stray space; after a number, a quote, a bracket, a field or a typed pattern
# ("{amount} ค่ะ", '"เมนู" ค่ะ', "(ถ้ามี) ค่ะ", "วัน/เดือน/ปี นะคะ") Thai writing keeps one, and after ๆ.
_STRAY_SPACE = re.compile("(?<![/\\w])[\u0e01-\u0e45\u0e47-\u0e4e]+ (?:ค่ะ|คะ|นะคะ)(?![\u0e01-\u0e4e])")


def test_thai_has_no_stray_space_before_its_polite_ending():
    assert _STRAY_SPACE.search("ลงทะเบียนเรียบร้อย ค่ะ") and not _STRAY_SPACE.search("ลงทะเบียน คะแนน")
    assert [k for k, v in catalog("th").items() for text in _texts(v) if _STRAY_SPACE.search(text)] == []


# A field filled with an amount ends in a Thai word ("30 บาท"), so "{amount} ค่ะ" reads "30 บาท ค่ะ".
_SPACE_AFTER_MONEY = re.compile(r"\{\w*(?:amount|dues|owed|balance)\w*\} (?:ค่ะ|คะ|นะคะ)")


def test_an_amount_is_not_followed_by_a_stray_space():
    assert _SPACE_AFTER_MONEY.search("ยอด {amount} ค่ะ")
    found = {k for k, v in catalog("th").items() for text in _texts(v) if _SPACE_AFTER_MONEY.search(text)}
    assert found == set()
