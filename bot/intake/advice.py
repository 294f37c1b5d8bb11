"""Advice: the one place that says which emergency numbers and first advice go with each
kind of danger (:data:`bot.intake.danger.HAZARDS`); what a resident reads is in
:mod:`bot.texts`."""

from __future__ import annotations

import re

from bot import texts

from .danger import IN_LIFT
from .normalize import normalize
from .services import open_hole

# kind → the emergency numbers that fit it; what a resident reads is in bot.texts
EMERGENCY_NUMBERS: dict[str, tuple[str, ...]] = {
    "fire": ("119",),
    "gas": ("119",),
    "electric": ("119", "120"),
    "flood": (),
    "structure": ("119", "110"),
    "medical": ("120",),
    "lift": ("96333", "119"),
    "trapped": ("119", "120"),
    "child": ("110", "119"),
    "missing": ("110",),
    "welfare": ("110", "120"),
    "violence": ("110",),
    "self_harm": ("110", "120", "12356"),
    "drowning": ("110", "120"),
    "animal": ("110", "120"),
}
ADVICE: dict[str, tuple[tuple[str, ...], str]] = {
    kind: (numbers, texts.HAZARD_ADVICE[kind]) for kind, numbers in EMERGENCY_NUMBERS.items()
}
NO_HAZARD_ADVICE = texts.NO_HAZARD_ADVICE


# A lift door open on an empty shaft: the same numbers as a stopped lift, but the people in
# danger are outside it, and "press the alarm in the car" would be nonsense to them.
_OPEN_SHAFT = re.compile(
    r"(?:没有|没)(?:轿厢|电梯)|井道|(?:底下|下面|里面|里头)(?:是)?空的|黑洞洞|空(?:荡荡)?的井"
)


# the writer is the one being hurt: 又打我, 我被打了, 我躲在厕所里
_VICTIM = re.compile(
    r"(?:打|掐|踢|砍|捅|揍|推)(?:了)?我|我被(?:打|掐|踢|砍|捅|揍|打伤)|我(?:现在)?(?:躲|藏|锁)在|要(?:打死|杀了?|弄死)我"
)


# someone already poisoned by gas or fumes: 头很晕想吐, 人倒了
_GAS_VICTIM = re.compile(r"晕|想吐|恶心|呕|头疼|头痛|昏|倒了|倒在|叫不醒|没反应|抽搐")


def advice_for(hazard: str | None, text: str = "") -> tuple[tuple[str, ...], str]:
    """(emergency numbers, short advice in Chinese) for a hazard kind; for ``None`` or an
    unknown kind no number at all (paperwork never gets a fire-brigade line).  ``text``,
    the resident's message when known, picks the advice for an open shaft over the advice
    for people shut inside a lift."""
    if hazard in (None, "structure") and text and open_hole(normalize(text)):
        return (), texts.OPEN_HOLE_ADVICE  # mark it, keep people away: no number fits
    if hazard is None or hazard not in ADVICE:
        return (), NO_HAZARD_ADVICE
    if hazard == "lift" and text:
        told = normalize(text)
        if _OPEN_SHAFT.search(told) and not IN_LIFT.search(_OPEN_SHAFT.sub("", told)):
            return ADVICE[hazard][0], texts.OPEN_SHAFT_ADVICE
    if hazard == "violence" and text and _VICTIM.search(normalize(text)):
        return ADVICE[hazard][0], texts.VIOLENCE_VICTIM_ADVICE
    if hazard == "gas" and text and _GAS_VICTIM.search(normalize(text)):
        numbers, tip = ADVICE[hazard]
        return (*numbers, "120"), tip + texts.GAS_POISONING_ADVICE
    return ADVICE[hazard]
