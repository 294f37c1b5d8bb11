"""The most dangerous sentence of a long message.

A long, calm report (a petition, a property clerk's 情况报告) can bury one sentence of
danger in a paragraph: the model's features are normalised by the message's length, so
that sentence weighs little against the rest.  Scoring each sentence on its own, with its
own look-alike cues (past, hypothesis, negation), gives the danger the weight it would have
in a short message.
"""

from __future__ import annotations

import re

from .danger import hazard_words
from .features import Signals, extract_features
from .model import LinearModel
from .urgency import urgency_cues

LONG_MESSAGE = 40  # characters; shorter messages are one sentence's worth already
_MIN_SENTENCE = 6
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+")
# 想约个师傅修热水器 另外刚刚楼道里闻到好大一股煤气味: a second matter begins, however short
_TOPIC_SWITCH = re.compile(r"(?=另外|还有个?事|顺便说|对了[,，\s])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` long enough to say something (``text`` normalised)."""
    return [
        part.strip()
        for sentence in _SENTENCE_RE.findall(text)
        for part in _TOPIC_SWITCH.split(sentence)
        if len(part.strip()) >= _MIN_SENTENCE
    ]


def sentence_urgency(masked: str, model: LinearModel) -> float:
    """The highest urgent probability of any sentence of a long message (0.0 for a short
    message or a single sentence)."""
    if len(masked) < LONG_MESSAGE and _TOPIC_SWITCH.search(masked) is None:
        return 0.0
    parts = sentences(masked)
    if len(parts) < 2:
        return 0.0
    best = 0.0
    for part in parts:
        kind, cues = urgency_cues(part)
        signals = Signals(
            urgent=kind is not None,
            residual_len=len(part),
            urgent_kind=kind,
            cues=cues,
            hazard_words=hazard_words(part),
        )
        feats = frozenset(extract_features(part, signals))
        best = max(best, model.sigmoid(feats, "urgent"))
    return best
