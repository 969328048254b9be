"""The understanding engine (domain/understanding): measured on the labelled corpus, and its parts
one by one: normalising, typo tolerance, the fund's balance against mine, unsure, benefits."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from domain.understanding import UNKNOWN, UNSURE, BenefitWords, understand
from domain.understanding.lexicon import static
from domain.understanding.normalise import collapse_repeats, normalise
from tests.understanding_corpus import example_benefits, examples, label, score

BENEFITS = example_benefits()


def got(text: str, benefits=BENEFITS) -> str:
    return label(understand(text, benefits))


# --- the corpus ---------------------------------------------------------------------------------

def test_the_corpus_is_large_and_covers_every_feature():
    corpus = examples()
    assert len(corpus) >= 360
    features = {e.expected for e in corpus}
    assert {"account", "benefits", "fund", "meetings", "register", "language", "mydata", "deletedata",
            "notifications", "committee", "menu", "cancel", "pay_how", "contact", "pay_now", "history",
            "unsure", "unknown"} <= features
    assert {f"benefit:{b.code}" for b in BENEFITS} <= features
    assert {f"smalltalk:{k}" for k in ("thanks", "greeting", "ok", "laugh")} <= features
    notes = " ".join(e.note for e in corpus)
    for kind in ("typo", "English", "mixed", "อีสาน", "เหนือ", "ใต้", "Thai digits", "repeated"):
        assert kind in notes, kind


def test_accuracy_on_the_corpus_overall_and_per_feature():
    scored = score()
    misses = "\n".join(f"  {e.text!r}: expected {e.expected}, got {g}" for e, g in scored.misses)
    weak = {f: rt for f, rt in scored.per_feature.items() if rt[0] / rt[1] < 0.9}
    assert scored.accuracy >= 0.95 and not weak, (
        f"accuracy {scored.accuracy:.1%}; features under 90%: {weak}\nmisses:\n{misses}")


# --- normalising --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "read"), [
    ("ค่าาา", "ค่า"),
    ("ขอบคุณมากกกก", "ขอบคุณมาก"),
    ("555555", "555"),
    ("ฮ่าๆๆๆๆ", "ฮ่าๆ"),
    ("goooood", "good"),
    ("สัปปะรด", "สัปปะรด"),  # a real double letter stays
])
def test_held_keys_are_one_letter(typed, read):
    assert collapse_repeats(typed) == read


def test_normalising_reads_thai_digits_spellings_particles_and_the_bots_name():
    assert normalise("อายุ ๖๐ ปีค่ะ") == "อายุ 60 ปี"
    spellings = static().spellings
    assert normalise("ต้องจ่ายเท่าไรคะ", spellings) == "ต้องจ่ายเท่าไหร่"
    assert normalise("โอนได้มั้ยคะ", spellings) == "โอนได้ไหม"
    assert normalise("@น้องกองทุน เช็คยอด", spellings) == "เช็คยอด"


def test_arabic_and_thai_digits_are_the_same_text():
    assert got("อายุ ๖๐ ได้เบี้ยไหม") == got("อายุ 60 ได้เบี้ยไหม") == "benefit:elderly"
    assert got("๕๕๕๕") == "smalltalk:laugh"


# --- typos --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "feature"), [
    ("แจ้งเตื่อน", "notifications"),       # a wrong tone mark
    ("แจงเตือน", "notifications"),         # a missing tone mark
    ("ลูกเกิดไหม่ได้ไหม", "benefit:birth"),  # a wrong vowel
    ("ประชมเมื่อไหร่", "meetings"),         # a missing vowel
    ("งานสพ", "benefit:death"),            # a wrong letter
    ("ลงทะเบีนย", "register"),             # two letters swapped
    ("regster", "register"),               # English, a letter missing
])
def test_one_wrong_letter_still_matches(typed, feature):
    assert got(typed) == feature


@pytest.mark.parametrize("text", ["ยอก", "ค้าว", "fond", "ยอบ", "สมาคม", "กองทัพ"])
def test_short_words_and_other_words_do_not_fuzzy_match(text):
    assert understand(text, BENEFITS).intent == UNKNOWN


# --- whose balance ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "feature"), [
    ("fund balance", "fund"),
    ("what is the fund's balance", "fund"),
    ("ยอดเงินกองทุน", "fund"),
    ("กองทุนมีเงินเท่าไหร่", "fund"),
    ("my balance", "account"),
    ("check my balance", "account"),
    ("ยอดของฉัน", "account"),
    ("ยอดเงินของฉันเท่าไหร่", "account"),
])
def test_the_funds_balance_is_not_my_balance(text, feature):
    assert got(text) == feature


def test_did_i_pay_this_month_in_several_spellings_is_my_account():
    for text in ("เดือนนี้จ่ายยังคะ", "เดือนนี้จ่ายรึยัง", "จ่ายแล้วหรือยังเดือนนี้", "เดือนนี้จ่ายแล้วบ่",
                 "did i pay this month"):
        assert got(text) == "account", text


# --- benefits -----------------------------------------------------------------------------------

def test_a_benefit_by_its_everyday_name_is_that_benefit_of_the_fund():
    assert understand("ลูกเกิดใหม่ได้เงินไหม", BENEFITS) == understand("ลูกเกิดใหม่ได้เงินไหม", BENEFITS)
    result = understand("ลูกเกิดใหม่ได้เงินไหม", BENEFITS)
    assert (result.intent, result.detail) == ("benefit", "birth")
    assert got("ได้สิทธิ์อะไรบ้าง") == "benefits"


def test_without_the_funds_benefits_the_list_of_benefits_answers():
    assert got("ลูกเกิดใหม่ได้เงินไหม", ()) == "benefits"
    assert got("งานศพเบิกได้ไหม", ()) == "benefits"


def test_a_funds_own_words_name_its_benefits():
    own = (BenefitWords("boat", ("เรือล่ม", "เรือประมงเสียหาย", "boat accident")),)
    assert got("เรือล่มเบิกได้ไหม", own) == "benefit:boat"
    assert got("boat accident", own) == "benefit:boat"
    assert got("เรือล่มเบิกได้ไหม", ()) == "benefits"


# --- unsure and small talk ----------------------------------------------------------------------

def test_two_features_asked_together_are_unsure_with_both_choices():
    result = understand("อยากดูยอดกับวันประชุม", BENEFITS)
    assert result.intent == UNSURE and set(result.choices) == {"account", "meetings"}
    result = understand("คลอดลูกกับงานศพได้เท่าไหร่", BENEFITS)
    assert result.intent == UNSURE and set(result.choices) == {"benefit:birth", "benefit:death"}


def test_a_clear_best_is_not_unsure():
    assert understand("เช็คยอด", BENEFITS).choices == ()


@pytest.mark.parametrize(("text", "kind"), [
    ("ขอบคุณค่ะ", "thanks"), ("thank you", "thanks"), ("สวัสดีค่ะ", "greeting"), ("hello", "greeting"),
    ("โอเคค่ะ", "ok"), ("ได้ค่ะ", "ok"), ("จ้า", "ok"), ("555", "laugh"), ("ฮ่าๆ", "laugh"),
])
def test_small_talk(text, kind):
    assert got(text) == f"smalltalk:{kind}"


def test_small_talk_gives_way_to_a_request():
    assert got("สวัสดีค่ะ อยากเช็คยอด") == "account"
    assert got("ขอบคุณค่ะ แล้วประชุมเมื่อไหร่คะ") == "meetings"


def test_empty_and_meaningless_text_is_unknown():
    for text in ("", "   ", "...", "๑๒๓", "asdfgh"):
        assert understand(text, BENEFITS).intent == UNKNOWN


# --- PyThaiNLP ----------------------------------------------------------------------------------

def test_importing_and_tokenising_writes_nothing_to_the_home_folder(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path)}
    for name in ("PYTHAINLP_READ_ONLY", "PYTHAINLP_OFFLINE", "PYTHAINLP_DATA"):
        env.pop(name, None)
    code = "from domain.understanding import understand; print(understand('ลูกเกิดใหม่ได้เงินไหม').intent)"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "benefits"
    assert list(tmp_path.iterdir()) == []
