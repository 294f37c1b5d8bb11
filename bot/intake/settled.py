"""What the rules' cues say about a danger that is over or cannot happen now: a fire put out,
a person found, water near the electrics with the power off — and the one case the cues
decide alone, water reaching live current."""

from __future__ import annotations

import re

from .features import LOOKALIKE_CUES

# 现在没下雨 灯也没开, 已经拉闸了: the water cannot reach live current now
_POWER_OFF = re.compile(
    r"灯也没开|没开灯|没通电|断电了|拉闸了|关了电闸|电闸.{0,3}(?:关|拉)了|现在没(?:下雨|漏|滴|渗)"
)


def wet_electrics(text: str, cues: tuple[str, ...]) -> bool:
    """Water reaching sockets, wires, lights or the meter box now, told plainly (no
    look-alike cue): an emergency even when the model, with few such examples, is unsure."""
    return (
        "live:wet_electric" in cues
        and LOOKALIKE_CUES.isdisjoint(cues)
        and _POWER_OFF.search(text) is None
    )


def power_off(text: str, cues: tuple[str, ...]) -> bool:
    """Water near the electrics, with the power said to be off or the water stopped, and no
    other danger live."""
    live = {c for c in cues if c.startswith("live:")}
    return live == {"live:wet_electric"} and _POWER_OFF.search(text) is not None


def only_over(cues: tuple[str, ...]) -> bool:
    """The rules found danger words, all of them already over (put out, found, fixed),
    and none live."""
    over = "fixed" in cues or any(c.startswith("dead:") and c.endswith(":fixed") for c in cues)
    return over and "now" not in cues and not any(c.startswith("live:") for c in cues)
