"""Classifier features: character 1–3-grams, lexicon cues and structural flags.

Shared by the runtime classifier and ``scripts/train_intake.py`` so both see exactly the
same features.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .concepts import concept_features
from .lexicon import lexicon_hits

MASK = "\ue000"  # stands in for spans already extracted (address, phones)
_DIGITS_RE = re.compile(r"\d+")
_LATIN_RE = re.compile(r"[a-z]+")
_SKIP_UNIGRAMS = frozenset(" ,.!?;:、。()[]{}\"'-~#*^$" + MASK)
_MAX_CHARS = 100
# things in a home whose sparks / smoke make it a repair (LABELLING.md)
_APPLIANCE_RE = re.compile(
    r"插座|插头|插线板|排插|开关|电闸|电表|配电|电线|热水器|微波炉|电饭煲|空调|冰箱|洗衣机|电视|油烟机"
    r"|电吹风|电热毯|取暖器|电暖|充电器|灯|电梯"
)


# whole-message cues (bot.intake.urgency) that mark a look-alike rather than a danger now
LOOKALIKE_CUES = frozenset(
    {
        "hyp",
        "past",
        "fixed",
        "neg",
        "cook",
        "paper",
        "exclaim",
        "drill",
        "news",
        "q",
        "rust",
        "old",
        "sleepy",
        "resolved",
    }
)


@dataclass(frozen=True)
class Signals:
    """What the rule-based extractors found, fed to the model as flags."""

    has_address: bool = False
    has_phone: bool = False
    has_time: bool = False
    urgent: bool = False
    residual_len: int = 0
    urgent_kind: str | None = None
    cues: tuple[str, ...] = ()
    hazard_words: tuple[str, ...] = ()


def model_text(text: str) -> str:
    """Lower-case, digits collapsed to ``0``, Latin words to ``a``-runs kept short."""
    text = text.lower()[:_MAX_CHARS]
    text = _DIGITS_RE.sub("0", text)
    text = text.replace(MASK, "@")
    return re.sub("@+", "@", text)


def extract_features(text: str, signals: Signals) -> list[str]:
    """Feature strings for ``text`` (normalised, with extracted spans masked)."""
    body = model_text(text)
    padded = f"^{body}$"
    n = len(padded)
    feats = [ch for ch in padded if ch not in _SKIP_UNIGRAMS]
    feats += [padded[i : i + 2] for i in range(n - 1)]
    feats += [padded[i : i + 3] for i in range(n - 2)]
    for word in _LATIN_RE.findall(body):
        feats.append("w:" + word[:12])
    hits = lexicon_hits(body)
    for rank, (_, label) in enumerate(hits):
        feats.append("k:" + label)
        if rank == 0:
            feats.append("k1:" + label)
    if not hits:
        feats.append("k:none")
    if signals.has_address:
        feats.append("s:addr")
    if signals.has_phone:
        feats.append("s:phone")
    if signals.has_time:
        feats.append("s:time")
    if signals.urgent:
        feats.append("s:urgent")
        appliance = "+app" if _APPLIANCE_RE.search(body) else ""
        feats.append(f"uk:{signals.urgent_kind}{appliance}")
    for cue in signals.cues:
        feats.append("u:" + cue)
    # hazard × context: "gas words, happening now" and "gas words, in a hypothesis" are
    # different things, which a linear model can only learn from their conjunction
    context = [cue for cue in signals.cues if ":" not in cue]
    clean = LOOKALIKE_CUES.isdisjoint(context)
    for kind in signals.hazard_words:
        feats.append("hz:" + kind)
        feats.extend(f"x:{kind}&{cue}" for cue in context)
        if clean:
            feats.append(f"x:{kind}&clean")
    if clean:
        feats.append("x:clean")
    bucket = (
        "0"
        if signals.residual_len == 0
        else "s"
        if signals.residual_len <= 4
        else "m"
        if signals.residual_len <= 12
        else "l"
    )
    feats.append("len:" + bucket)
    if signals.has_address and signals.residual_len <= 6:
        feats.append("s:addr_only")
    # concepts read the whole message: a long report's danger is often past the n-grams' cut
    feats.extend(concept_features(text.lower()))
    return feats
