"""Thai first, English complete: the catalogues agree, and the Thai voice is consistent."""

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
