"""The keyword matcher free text went through before the understanding engine (substring, longest
keyword wins): the baseline `bench.understanding` measures the engine against, on the same corpus."""

from __future__ import annotations

import re
from functools import cache

KEYWORDS: dict[str, tuple[str, ...]] = {
    "account": (
        "เช็คยอด", "เช็กยอด", "เชคยอด", "ดูยอด", "ยอดเงิน", "ยอดของฉัน", "ยอดฉัน", "ยอด", "ค้าง",
        "ค้างจ่าย", "ค้างกี่เดือน", "จ่ายถึง", "ส่งถึง", "จ่ายครบ", "บัญชี", "บัญชีของฉัน",
        "เงินสะสม", "สะสม", "ส่งเงิน", "ชำระ", "ค่าสัจจะ", "สัจจะ", "บัญชีฉัน",
        "balance", "account", "arrears", "dues", "paid", "owe",
    ),
    "benefits": (
        "สิทธิ", "สิทธ์", "สวัสดิการ", "เบิก", "ได้อะไร", "ได้เงิน", "ช่วยเหลืออะไร",
        "benefit", "benefits", "claim", "claims", "entitled", "entitlement",
    ),
    "fund": (
        "กองทุน", "ยอดกองทุน", "เงินกองทุน", "สถานะกองทุน", "เงินในกองทุน", "ข้อมูลกองทุน",
        "fund", "transparency",
    ),
    "meetings": ("ประชุม", "สมัชชา", "นัดประชุม", "meeting", "meetings", "assembly"),
    "register": (
        "สมัคร", "สมัครสมาชิก", "สมัครกองทุน", "ลงทะเบียน", "เชื่อมบัญชี", "ผูกบัญชี",
        "register", "registration", "sign up", "join", "link",
    ),
    "language": ("ภาษา", "เปลี่ยนภาษา", "english", "language", "ภาษาไทย", "thai", "ภาษาอังกฤษ", "อังกฤษ"),
    "mydata": ("ข้อมูลของฉัน", "ข้อมูลส่วนตัว", "ข้อมูลฉัน", "my data", "privacy", "personal data"),
    "deletedata": (
        "ลบข้อมูล", "ลบข้อมูลของฉัน", "ลบข้อมูลส่วนตัว", "ลบบัญชี", "เลิกเชื่อม",
        "delete my data", "delete", "unlink",
    ),
    "notifications": (
        "การแจ้งเตือน", "แจ้งเตือน", "ปิดการแจ้งเตือน", "เปิดการแจ้งเตือน", "ปิดแจ้งเตือน", "เปิดแจ้งเตือน",
        "ไม่ต้องเตือน", "ไม่ต้องแจ้งเตือน", "ปิดเตือน", "เปิดเตือน", "หยุดเตือน", "เลิกเตือน",
        "ไม่ต้องส่งข้อความ", "หยุดส่งข้อความ", "แจ้งเตื่อน", "แจงเตือน",  # the last two: common typos
        "notifications", "notification", "reminders", "reminder", "mute",
    ),
    "committee": ("เมนูกรรมการ", "กรรมการ", "งานกรรมการ", "committee", "/committee"),
    "menu": (
        "เมนู", "ช่วยด้วย", "ช่วย", "วิธีใช้", "สวัสดี", "หวัดดี", "ดีครับ", "ดีค่ะ",
        "help", "menu", "start", "hello", "hi",
    ),
}


@cache
def _patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    compiled = []
    for intent, words in KEYWORDS.items():
        for word in words:
            if word.isascii():
                pattern = re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])")
            else:
                pattern = re.compile(re.escape(word))
            compiled.append((intent, word, pattern))
    return compiled


def keyword_intent(normalized: str) -> str:
    """The feature a normalized text asks for, or "unknown"."""
    best, best_len = "unknown", 0
    for intent, word, pattern in _patterns():
        if len(word) > best_len and pattern.search(normalized):
            best, best_len = intent, len(word)
    return best
