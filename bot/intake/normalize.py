"""Text normalisation for analysis (the original text is never altered for storage).

Steps: strip HTML/XML markup, NFKC (full-width → ASCII, circled digits → digits),
traditional → simplified Chinese (OpenCC ``t2s``, loaded lazily), control / format /
private-use characters and emoji replaced by spaces, runs of spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Protocol

from .dialect import regional_days, to_mandarin
from .english import gloss
from .minnan import to_mandarin as minnan_to_mandarin

#: Longest text analysed; longer messages are cut (a resident's message is far shorter).
MAX_ANALYSED_CHARS = 1000

_TAG_RE = re.compile(r"<!\[CDATA\[|\]\]>|<!--.*?-->|</?[A-Za-z][^<>]{0,200}>", re.S)
_ENTITY_RE = re.compile(r"&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6}|#x[0-9a-fA-F]{1,5});")
_SPACES_RE = re.compile(r"[ \t\r\f\v]+")
_CJK = "\u3400-\u9fff"
_SPACED_RE = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_CJK_RE = re.compile(rf"[{_CJK}]")
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
# Dash-like characters that residents use between numbers (5—2—501, 138–0000–0000).
_DASHES = str.maketrans({"—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "ー": "-"})


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


class _Identity:
    def convert(self, text: str) -> str:
        return text


@lru_cache(maxsize=1)
def _t2s() -> _Converter:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return _Identity()
    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def simplified(text: str) -> str:
    """``text`` in simplified characters (接單 → 接单), nothing else changed."""
    return _t2s().convert(text)


# Voice input writes 栋 as 动 / 洞 / 冻 and 单元 as 单员 / 单远: read them as meant, but only right
# after a building number of one or two digits (so 一动不动, 眼睛动一动 and phones read aloud
# with 洞 for zero are left alone).  Also 两单元 after a building (unit 2).
_HOMOPHONE_HINT = re.compile("[动洞冻懂董员远园原两等]")
_REGIONAL_HINT = re.compile("[个朝]|半天")
_BUILDING_NUMBER = (
    r"(?:\d{1,2}|[一二三四五六七八九两幺]{1,2}|[一二三四五六七八九]?十[一二三四五六七八九]?)"
)
_HOMOPHONE_RE = re.compile(
    rf"(?<![0-9零〇一二三四五六七八九十两幺动])(?P<n>{_BUILDING_NUMBER})\s?"
    r"(?P<b>[动洞冻懂董])(?=\s?(?:\d|[一二三四五六七八九十两幺]|单|楼|的|[,，。 ]|$|电梯|电悌|停水|停电|门口|那|这|有))"
    rf"|(?P<un>{_BUILDING_NUMBER})\s?单[员远园原]"
    r"|(?<=[栋幢座])\s?(?P<two>两)(?=单元)"
    # 楼道等不亮了: voice input's 等 for the stairwell light
    r"|(?<=楼道)(?P<lamp>等)(?=(?:不|又|也|坏|一直|还|老|闪|灭))"
)


# Pinyin input picks the wrong 燃/气 (燃起味, 然气, 燃汽): the gas words are read as meant.
# 天然气 is already right, and 燃起 alone is "catch fire" (燃起来了), so only 燃起 before 味.
_GAS_TYPO_RE = re.compile(r"燃起(?=味)|(?<!天)然气|燃汽")


def _homophone(match: re.Match[str]) -> str:
    if match.group("b"):
        return match.group("n") + "栋"
    if match.group("un"):
        return match.group("un") + "单元"
    if match.group("lamp"):
        return "灯"
    return match.group(0).replace("两", "二")


# Numbers written digit by digit in Chinese between dashes (五-三-六零一 = 5-3-601) and the
# banker's numerals (贰拾栋叁单元) are read as ordinary numbers; both keep the text's length.
_CN_DIGIT = "零〇一二三四五六七八九幺洞两"
_CN_DASHED_RE = re.compile(
    rf"(?<![{_CN_DIGIT}十])[{_CN_DIGIT}]{{1,3}}\s?-\s?[{_CN_DIGIT}]{{1,2}}(?:\s?-\s?[{_CN_DIGIT}]{{3,4}})?"
    rf"(?![{_CN_DIGIT}十])"
)
_TO_DIGIT = str.maketrans("零〇一二三四五六七八九幺洞两", "00123456789102")
_FINANCIAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰", "一二三四五六七八九十百")


def _dashed(match: re.Match[str]) -> str:
    return match.group(0).translate(_TO_DIGIT)


def _entity(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in _ENTITIES:
        return _ENTITIES[token]
    try:
        code = int(token[3:-1], 16) if token[2] in "xX" else int(token[2:-1])
        return chr(code)
    except (ValueError, OverflowError):
        return " "


# pictographs that are words: 🆘 is how an elderly resident who cannot type cries for help
_PICTOGRAPH_WORDS = {"\U0001f198": "救命"}


def _clean_char(ch: str) -> str:
    if ch == "\n":
        return "\n"
    if ch in _PICTOGRAPH_WORDS:
        return _PICTOGRAPH_WORDS[ch]
    cat = unicodedata.category(ch)
    if cat[0] == "C" or cat in ("So", "Sk", "Zl", "Zp"):
        # control, format (ZWJ, variation selectors), private use, unassigned,
        # surrogates, emoji and other pictographs, modifier symbols
        return " "
    return ch


# Characters outside these ranges are rare: only they are looked up one by one.
_UNUSUAL_RE = re.compile(
    "[^\n\u0020-\u007e\u00a0-\u024f\u2010-\u2027\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
    "\uff01-\uffef]"
)


def _clean_match(match: re.Match[str]) -> str:
    return _clean_char(match.group(0))


# A report's words are normalised by its parse and again by the estate lookup (handlers/
# locate.py): the second time costs a lookup.
_SENTENCE_RE = re.compile(r"[^。！？!?；;，,\n]+[。！？!?；;，,\n]*")
_REPEATS_FROM = 120  # characters: a short message cannot repeat itself much


def _once(text: str) -> str:
    """Each sentence of a long message once: a complaint pasted over and over (elderly
    residents do) says no more than once, and read whole it piled up cues nobody wrote
    twice — a noise complaint repeated twelve times read as an emergency."""
    if len(text) < _REPEATS_FROM:
        return text
    seen: set[str] = set()
    kept: list[str] = []
    for m in _SENTENCE_RE.finditer(text):
        part = m.group(0)
        key = part.strip("。！？!?；;，,\n ")
        if len(key) >= 4 and key in seen:
            continue
        seen.add(key)
        kept.append(part)
    return "".join(kept) if kept else text


@lru_cache(maxsize=256)
def normalize(text: str) -> str:
    """Return the analysis form of ``text`` (same language, simplified, ASCII digits)."""
    if not text:
        return ""
    text = _once(text[: MAX_ANALYSED_CHARS * 4])[: MAX_ANALYSED_CHARS * 2]
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = _ENTITY_RE.sub(_entity, text)
    text = unicodedata.normalize("NFKC", text)
    text = _UNUSUAL_RE.sub(_clean_match, text)
    text = gloss(text)  # a foreign resident's English, in the Chinese the rules read
    text = text.translate(_DASHES)
    text = text.replace("\n", " ")
    text = _SPACES_RE.sub(" ", text).strip()
    gaps = len(_SPACED_RE.findall(text))
    if gaps >= 3 and gaps * 2 >= len(_CJK_RE.findall(text)):
        # "垃 圾 没 人 收": letter-spaced writing, the spaces carry nothing
        text = _SPACED_RE.sub("", text)
    if any(ord(ch) > 0x2E7F for ch in text):
        text = minnan_to_mandarin(to_mandarin(_t2s().convert(text)))
    text = text.translate(_FINANCIAL)
    if _REGIONAL_HINT.search(text):
        text = regional_days(text)
    if _HOMOPHONE_HINT.search(text):
        text = _HOMOPHONE_RE.sub(_homophone, text)
    if "气" in text or "汽" in text:
        text = _GAS_TYPO_RE.sub("燃气", text).replace("煤汽", "煤气")
    if "护车" in text:
        text = text.replace("就护车", "救护车")  # pinyin input's 就 for 救
    if "-" in text:
        text = _CN_DASHED_RE.sub(_dashed, text)
    return text[:MAX_ANALYSED_CHARS]
