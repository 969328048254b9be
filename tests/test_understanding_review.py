"""What the reviewer's fresh phrasings (tests/corpus/understanding_review.tsv) taught the engine, as
general rules: typos the dictionary cuts wrongly, everyday and regional words, words read by their
context, linking the chat, the amount a benefit gives. Each rule is tested on phrasings other than
the reviewer's, so that it is the rule that passes, not the line."""

from __future__ import annotations

import pytest

from domain.understanding import UNKNOWN, BenefitWords, understand
from tests.understanding_corpus import (
    CORPUS,
    HOLDOUT,
    REVIEW,
    REVIEW_FIRST_TRY,
    example_benefits,
    examples,
    label,
    score,
)

BENEFITS = example_benefits()


def got(text: str, benefits=BENEFITS) -> str:
    return label(understand(text, benefits))


def test_the_review_set_is_whole_and_never_does_worse_than_its_first_try():
    review = examples(REVIEW)
    assert len(review) == REVIEW_FIRST_TRY[1] == 150
    assert score(path=REVIEW).right >= REVIEW_FIRST_TRY[0]


def test_every_miss_of_the_review_and_the_held_out_set_is_a_corpus_line():
    corpus = {(e.text, e.expected) for e in examples(CORPUS)}
    for path in (REVIEW, HOLDOUT):
        lines = {(e.text, e.expected) for e in examples(path)}
        noted = {(e.text, e.expected) for e in examples(CORPUS)
                 if e.note in ("review 2026-12-03", "holdout miss")}
        assert noted & lines, path.name
    assert len(noted) == 17 and noted <= corpus


# --- typos the dictionary cuts wrongly -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "นอนโรงพยาบานเบิกได้ไหม",   # the dictionary reads "นอนโรง|พ|ยา|บานเบิก"
    "พ่อนอนโรงพยาบานสามวัน",
    "นอนโรงพบาลเบิกได้ไหม",
    "เข้าโรงพยาบาน ได้เงินไหม",
])
def test_a_misspelt_word_glued_to_the_next_still_matches(text):
    assert got(text) == "benefit:hospital"


def test_a_guess_at_a_typo_never_hides_a_phrase_typed_right():
    # "จ่ายถึงไหน" is one letter from "จ่ายที่ไหน" (how to pay) but says "จ่ายถึง" (paid up to).
    assert got("ผมจ่ายถึงไหนแล้ว") == "account"
    assert got("จ่ายที่ไหนคะ") == "pay_how"


# --- everyday and regional words -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "feature"), [
    ("ต้องจ่ายตังเท่าไหร่", "pay_now"),          # ตัง, ตังค์: money
    ("ลูกเกิดใหม่ได้ตังค์ไหม", "benefit:birth"),
    ("แม่เข้าโรงหมอ เบิกได้ไหม", "benefit:hospital"),  # โรงหมอ: hospital
    ("คนเฒ่าได้เงินเท่าไหร่", "benefit:elderly"),  # ผู้เฒ่า, คนเฒ่า: the old
    ("ผู้เฒ่าในบ้านเบิกได้ไหม", "benefit:elderly"),
])
def test_everyday_and_regional_words(text, feature):
    assert got(text) == feature


def test_tone_marks_keep_money_apart_from_other_words():
    assert got("ตั้งค่าแจ้งเตือน") == "notifications"  # ตั้ง is not ตัง


# --- words read by their context -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["ลูกสาวจบ ป.6 ได้ทุนไหม", "หลานได้ทุนไหมคะ", "นักเรียนมีทุนให้ไหม",
                                  "ลูกเรียนมหาลัย ขอทุนได้ไหม"])
def test_a_grant_for_a_child_or_a_school_grade_is_the_scholarship(text):
    assert got(text) == "benefit:scholarship"


def test_a_grant_without_a_child_or_school_is_not_the_scholarship():
    assert got("ลงทุนอะไรบ้าง") == "unknown"
    assert got("สมัครกองทุนยังไง") == "register"
    assert understand("ทุนไหม", BENEFITS).intent == UNKNOWN


@pytest.mark.parametrize("text", ["อายุ 65 ได้อะไรบ้าง", "อายุครบ 70 ได้เงินไหม", "แม่อายุแปดสิบ เบิกอะไรได้"])
def test_an_old_age_is_the_elderly_benefit(text):
    assert got(text) == "benefit:elderly"


def test_a_benefit_named_with_how_much_it_gives_is_that_benefit_not_the_funds_money():
    assert got("เงินคลอดลูกจากกองทุนได้เท่าไหร่") == "benefit:birth"
    assert got("กองทุนมีเงินเท่าไหร่") == "fund"


# --- paying, history, linking -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "feature"), [
    ("โอนเข้าบัญชีอะไร", "pay_how"),
    ("จ่ายผ่านช่องทางไหนได้บ้าง", "pay_how"),
    ("ส่งเงินแบบไหนได้บ้าง", "pay_how"),
    ("ต้องส่งอย่างน้อยเดือนละกี่บาท", "pay_now"),
    ("ส่งกี่บาทถึงจะไม่ค้าง", "pay_now"),
    ("what is the minimum i pay", "pay_now"),
    ("how must i pay", "pay_how"),
    ("ดูรายการโอนของฉัน", "history"),
    ("ขอรายการที่ส่งเงินไปแล้ว", "history"),
])
def test_paying_and_history(text, feature):
    assert got(text) == feature


@pytest.mark.parametrize("text", ["ผูกบัญชีไลน์", "เชื่อมต่อไลน์กับกองทุน", "ผูก line กับสมาชิก",
                                  "link line to my member number"])
def test_linking_the_chat_to_the_member_is_registering(text):
    assert got(text) == "register"


def test_unlinking_stays_deleting():
    assert got("เลิกเชื่อมไลน์") == "deletedata"


def test_a_funds_long_own_word_with_a_typo_still_names_its_benefit():
    own = (BenefitWords("boat", ("เรือประมงเสียหายจากพายุกลางทะเล",)),)
    assert got("เรือประมงเสียหายจากพายุกลางทเล เบิกได้ไหม", own) == "benefit:boat"
