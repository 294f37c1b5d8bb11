"""What a ``chat`` message is: thanks, greeting, acknowledgement, rating or unclear.

Also tells gibberish from a message: keyboard mashing, punctuation or emoji alone, a bare
``啊啊啊`` carry nothing a person could act on, so they are never orders or addresses.
"""

from __future__ import annotations

import re

CHAT_KINDS = ("thanks", "greeting", "ack", "rating", "unclear")

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
# English words a resident may write without any Chinese (everything else Latin-only is noise)
_ENGLISH = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "is",
        "are",
        "am",
        "was",
        "be",
        "been",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "and",
        "or",
        "not",
        "no",
        "yes",
        "ok",
        "okay",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "thx",
        "ty",
        "bye",
        "please",
        "help",
        "menu",
        "sos",
        "fire",
        "gas",
        "smoke",
        "water",
        "leak",
        "leaking",
        "pipe",
        "power",
        "light",
        "lift",
        "elevator",
        "door",
        "lock",
        "broken",
        "stuck",
        "trapped",
        "room",
        "unit",
        "building",
        "bldg",
        "block",
        "blk",
        "apt",
        "flat",
        "floor",
        "rm",
        "tomorrow",
        "today",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "am",
        "pm",
        "call",
        "phone",
        "come",
        "need",
        "fix",
        "repair",
        "cancel",
        "status",
        "bind",
        "order",
        "good",
        "great",
        "nice",
        "wifi",
        "tv",
        "ac",
        "app",
        "emergency",
        "police",
        "ambulance",
        "sick",
        "fell",
        "fall",
        "hurt",
        "dog",
        "noise",
        "rubbish",
        "trash",
        "parking",
        "car",
        "bike",
    ]
)
_EXCLAIM_RE = re.compile(r"^(?:[啊阿呀哎唉诶嗯哦噢喔呃额哈嘿嘻呵哇呜嗷]|\s)+$")
_RATING_RE = re.compile(
    r"^\s*(?:[1-5](?:\s?(?:分|星))?|[一二三四五]\s?(?:分|星|颗星)|五星好评|好评|差评|中评"
    r"|非常满意|很满意|满意|比较满意|基本满意|一般|不太满意|不满意|很不满意|非常不满意)\s*[。.!！]?\s*$"
)
_THANKS_RE = re.compile(r"谢|感谢|多谢|辛苦|麻烦你们了|thx|thanks|thank|3q|🙏", re.I)
_GREETING_RE = re.compile(
    r"你好|您好|你们好|大家好|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|早安|晚安|哈喽|嗨|喂"
    r"|^\s*(?:hi|hello|hey)\b|新年好|过年好|节日快乐",
    re.I,
)
_ACK_RE = re.compile(
    r"好的|好滴|好嘞|好吧|^好[。!！]?$|收到|嗯|知道了|明白|了解|可以|行|没问题|ok|okay|👌|👍|得嘞|中|要得",
    re.I,
)


def is_gibberish(norm: str) -> bool:
    """True when ``norm`` (normalised text) has no Chinese and no English word: keyboard
    mashing with digits ("asdfghjkl qwerty 123"), punctuation, emoji (already blanked)."""
    if _CJK_RE.search(norm):
        return False
    words = [w.lower() for w in _LATIN_WORD_RE.findall(norm)]
    if any(w in _ENGLISH for w in words):
        return False
    if not words:
        # digits and punctuation alone: a rating, a phone or an address is read elsewhere
        return not re.search(r"\d", norm)
    return True


def chat_kind(raw: str, norm: str) -> str:
    """The kind of a message already read as ``chat`` (``raw`` is the original text, which
    still holds its emoji)."""
    if _RATING_RE.match(norm):
        return "rating"
    if _THANKS_RE.search(raw):
        return "thanks"
    if _ACK_RE.search(raw):
        return "ack"
    if _GREETING_RE.search(norm):
        return "greeting"
    return "unclear"


def is_exclamation(norm: str) -> bool:
    """A bare interjection ("啊啊啊", "哎呀"): nothing to act on."""
    return bool(_EXCLAIM_RE.match(norm)) and len(norm.strip()) > 0


# A bare "help" asks what the account does, like 帮助; "help!!", "help me" and "sos" are cries.
CRY_RE = re.compile(
    r"^\s*(?:(?:(?:救命|救救我|救救|快来人|来人啊|来人|help\s*me|sos)(?:\s*(?:啊|呀|[!！。.]))*\s*)+"
    r"|help(?:\s*[!！])+)\s*$",
    re.I,
)
# 救火! / 着火了 / 走水了 / 火警 alone: a fire, whatever else is unknown
FIRE_CRY_RE = re.compile(
    r"^\s*(?:救火|着火了?|失火了?|起火了|火灾|走水了?|火警)(?:\s*(?:啊|呀|了|[!！。.]))*\s*$"
)
