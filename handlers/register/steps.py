"""The registration steps in order: the one place to add, remove or reorder a step.

Each step is a state of the dialog, the question it asks (`prompts`), and the short reminder given
when someone types where a button is expected. Its handler (in `link` or `apply`) reads the answer
and calls `dialog.advance`, which moves to the next step of the same path, as listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.base import Context
from handlers.register import funds, prompts
from handlers.register.data import (
    APPLY_BIRTH,
    APPLY_CONFIRM,
    APPLY_CONSENT,
    APPLY_DISTRICT,
    APPLY_FUND,
    APPLY_ID,
    APPLY_NAME,
    APPLY_PHONE,
    CHOOSE,
    LINK_BIRTH,
    LINK_CONSENT,
    LINK_ID,
    LINK_PHONE,
    RegistrationData,
)


@dataclass(frozen=True)
class Step:
    state: str
    prompt: Callable[[Context, RegistrationData], prompts.Prompt]
    brief: str | None = None  # a short reminder, when repeating the whole prompt would be too long
    # Run on entering the step: fills in what the step offers; a locale key back ends the dialog
    # with that message (e.g. no fund to apply to).
    prepare: Callable[[Context, RegistrationData], str | None] | None = None
    # The step is passed over when there is nothing to choose (one district only).
    skip: Callable[[RegistrationData], bool] | None = None


CHOOSE_STEP = Step(CHOOSE, prompts.choose, brief="register.choose_again")

LINK_PATH = (
    Step(LINK_CONSENT, prompts.link_consent, brief="register.consent_again"),
    Step(LINK_ID, prompts.national_id),
    Step(LINK_BIRTH, prompts.birth_date),
    # The phone on file, a second secret, asked after every birth date; a member without one on
    # file waits for the committee instead (decided only after this step, see `link`).
    Step(LINK_PHONE, prompts.link_phone),
)

APPLY_PATH = (
    Step(APPLY_CONSENT, prompts.apply_consent, brief="register.consent_again", prepare=funds.require_funds),
    Step(APPLY_NAME, prompts.name),
    Step(APPLY_ID, prompts.national_id),
    Step(APPLY_BIRTH, prompts.birth_date),
    Step(APPLY_PHONE, prompts.phone),
    Step(APPLY_DISTRICT, prompts.district, prepare=funds.offer_districts,
         skip=lambda data: len(data.districts) == 1),
    Step(APPLY_FUND, prompts.fund),
    Step(APPLY_CONFIRM, prompts.summary, brief="register.confirm_again"),
)

STEPS = {step.state: step for step in (CHOOSE_STEP, *LINK_PATH, *APPLY_PATH)}
STATES = tuple(STEPS)


def after(state: str) -> str:
    """The step that follows `state` on its path."""
    for path in (LINK_PATH, APPLY_PATH):
        names = [step.state for step in path]
        if state in names[:-1]:
            return names[names.index(state) + 1]
    raise ValueError(f"no step after {state!r}")
