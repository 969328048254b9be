"""The birth-date step's answer, in both paths: a date typed, or which year a two-digit year meant.

"15/1/67" reads as 15 มกราคม 2567 (a 2-year-old) or 15 มกราคม 2510 (1967, 59): then the step asks
which, with a button per reading (`B.REG_BIRTH_YEAR` + the date) and the ages in the question, and
stays at the birth step until one is pressed, its label typed, a four-digit year typed alone (taken
with the day and month already given), or another date typed. See `domain.thai_dates.ASK_YEAR`.
"""

from __future__ import annotations

import re
from datetime import date

from domain import thai_dates as dates
from domain.thai import format_date, to_arabic_digits
from handlers import buttons as B
from handlers.base import Context, Incoming, Reply
from handlers.register import dialog
from handlers.register.data import RegistrationData
from handlers.register.prompts import choices
from handlers.register.reading import birth_problem, two_digit_era


def _chosen(data: RegistrationData, pressed: str) -> date | None:
    return next((born for born in choices(data) if born.strftime("%Y%m%d") == pressed), None)


def _year_alone(text: str) -> bool:
    numbers = re.findall(r"\d+", to_arabic_digits(text))
    return len(numbers) == 1 and len(numbers[0]) == 4


def read_answer(incoming: Incoming, ctx: Context) -> tuple[date | None, list[Reply]]:
    """The birth date given at the step, or None and the answer that asks again (or asks which year)."""
    data = dialog.load(ctx)
    text = incoming.text or ""
    pressed = incoming.postback or (dialog.typed_button(ctx, text) if text.strip() else None)
    if pressed is not None and pressed.startswith(B.REG_BIRTH_YEAR):
        born = _chosen(data, pressed.removeprefix(B.REG_BIRTH_YEAR))
        return (born, []) if born is not None else (None, dialog.stale(ctx))
    if not text.strip():
        return None, dialog.reprompt(ctx, ctx.t("register.need_text"))
    if data.birth_choices and _year_alone(text):  # "2510" answers "which year?" for the same day
        first = choices(data)[0]
        text = f"{first.day}/{first.month}/ {text}"
    read = dates.parse_birth_date(text, ctx.today, two_digit_era(ctx))
    if read.value is not None:
        return read.value, []
    if read.problem == dates.ASK_YEAR:
        data.birth_choices = [born.isoformat() for born in read.choices]
        dialog.save(ctx, data)
        if len(read.choices) == 1 and read.year_ce and read.month and read.day:
            said = ctx.t("register.birth_future_short",
                         date=format_date(date(read.year_ce, read.month, read.day), ctx.locale))
        else:
            said = ctx.t("register.birth_two_ways")
        return None, dialog.reprompt(ctx, said)
    return None, dialog.reprompt(ctx, birth_problem(ctx, read))


def answered(data: RegistrationData, born: date) -> None:
    data.birth_date = born
    data.birth_choices = []
