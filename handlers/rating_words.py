"""A rating said in a resident's own words: a score anywhere in a short message (给4分吧,
马桶那个3分, 四颗星, 满分, 五分好评) or a verdict (不太满意, 师傅态度很好, 太慢了).

Read only when the strict forms of handlers/survey.py (「4」「满意，师傅很耐心」) do not match,
and taken as a rating only while an order awaits one (handlers/survey.py decides that, and
which order it is). What must not be swallowed is left alone: a question, a long message, a
thing that is still broken said with a good word (师傅挺好，但是马桶还是堵), a verdict on
someone else (楼上邻居太差了) or somewhere else (楼道里太脏了，太差), a time (5分钟, 3点5分).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.chat.filters import halfwidth
from models.orders import Order

WORDS_MAX = 40  # characters: a longer message tells something of its own

# 给4分, 打五分, 4分吧, 四颗星, 五分好评 — not 5分钟, 3点5分, 一分钱, 15分, 3.5分
_SCORE = re.compile(
    r"(?<![\d.:点十百千万第零])(?P<digit>[1-5一二两三四五])\s*(?:颗\s*)?(?:分|星)(?![钟钱贝之半多])"
    r"|(?P<full>满分|一百分|(?<![\d.])(?:10|100)\s*分(?![钟钱]))"
    r"|(?P<zero>零分|(?<![\d.])0\s*分(?![钟钱]))"
)
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}

# 满意 and its degrees, said outright: stronger than any other word beside it
_SATISFIED = {
    **dict.fromkeys(("非常满意", "很满意", "特别满意", "十分满意", "挺满意", "相当满意"), 5),
    **dict.fromkeys(("蛮满意", "太满意了", "满意"), 5),
    **dict.fromkeys(("比较满意", "还算满意", "还比较满意", "还挺满意"), 4),
    **dict.fromkeys(("基本满意", "一般满意"), 3),
    **dict.fromkeys(("不太满意", "不是很满意", "不怎么满意", "不大满意", "不够满意"), 2),
    **dict.fromkeys(("不是太满意", "不算满意", "没那么满意", "不是特别满意"), 2),
    **dict.fromkeys(("不满意", "很不满意", "非常不满意", "特别不满意", "太不满意", "极不满意"), 1),
}
# how it was done, in everyday words
_DESCRIBED = {
    **dict.fromkeys(("非常好", "特别好", "很好", "太好了", "真好", "很棒", "真棒", "好评"), 5),
    **dict.fromkeys(("挺好", "不错", "还可以", "蛮好", "还不错", "挺快"), 4),
    **dict.fromkeys(("还行", "一般般", "很一般", "比较一般", "凑合", "马马虎虎", "中评"), 3),
    **dict.fromkeys(("有点慢", "有点晚", "慢了点", "晚了点"), 3),
    **dict.fromkeys(("不太好", "不怎么好", "不是很好", "不够好", "很不好", "不是太好"), 2),
    **dict.fromkeys(("不太行", "不怎么样", "太慢", "很慢", "真慢", "慢死了", "这么慢"), 2),
    **dict.fromkeys(("太差", "很差", "真差", "极差", "差评", "太糟糕", "很糟糕"), 1),
}
# the slowness words: said while another order is still open, they may press that one
SLOW = frozenset(("太慢", "很慢", "真慢", "慢死了", "这么慢"))


def _alternation(words: dict[str, int]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_SATISFIED_RE = _alternation(_SATISFIED)
_DESCRIBED_RE = _alternation(_DESCRIBED)

_QUESTION = re.compile(r"[?？]|[吗呢么嘛][\s。.!！~]*$")
# the thing is still broken (as handlers/resident.py reads 没修好): no good word rates it
_STILL_BROKEN = re.compile(
    r"没修好|没弄好|没有修好|没解决|没有解决|修了还是|还没修|没修|还没好|还是不行"
    r"|还是(?:在)?(?:堵|漏|坏|不亮|不行|不通|没水|没电|老样子|滴|渗|不热|不转|不响|一样|那样)"
    r"|还在(?:漏|滴|渗|堵)|又(?:坏|漏|堵|不亮|不行)了"
    r"|(?:师傅|人|工人|维修的)(?:根本|压根|都|就)?没(?:有)?(?:来|上门)过?"
)
# 我要投诉吴建华，态度很差: a complaint is a report of its own (it goes past whom it is
# about), never a score — found from outside: it was a 1-point rating sent to that member
_COMPLAINT = re.compile(r"投诉|举报|告他|告她|反映一下.{0,6}(?:态度|作风)")
# a verdict on someone or somewhere else than the order's work
_ELSEWHERE = re.compile(
    r"物业|邻居|楼上|楼下|隔壁|对门|保安|开发商|外卖|快递|小区|楼道|走廊|门口|社区"
    r"|\d+\s*(?:栋|幢|号楼|单元)"
)


# 水箱的4分, 车棚那个不太满意: what the rating is of, said before it
_NAMED_HEAD = re.compile(r"^\s*(?P<head>[\u4e00-\u9fff]{2,8}?)(?:的|那个|那件|那单|这个|那边|那次)")


def named_in_words(text: str, waiting: list[Order]) -> list[Order]:
    """The orders of ``waiting`` whose words hold the thing the rating names first (水箱 of
    楼顶水箱有怪声): for things bot.orders.duplicates does not know by name (found from
    outside: 水箱的4分 was asked which order it was, with only one about a 水箱)."""
    m = _NAMED_HEAD.match(text)
    if m is None:
        return []
    head = m.group("head")
    pairs = {head[i : i + 2] for i in range(len(head) - 1)}
    found = [o for o in waiting if any(p in o.text for p in pairs)]
    if found:
        return found
    # 买菜的3分 of 能不能帮忙买点菜: the head's words apart in the order's (found from outside:
    # it was asked which order it was, with only one about groceries)
    return [o for o in waiting if all(ch in o.text for ch in head)]


@dataclass(frozen=True, slots=True)
class Worded:
    score: int
    said: str  # the resident's words, kept as the rating's comment
    slow: bool = False  # only a word of slowness: it may press another order instead
    # 楼道灯那个不满意: a place word only in what is rated, said first — a rating only of an
    # order that is about it (handlers/survey.py checks), never of another
    named_first: bool = False


# 改成4分吧, 给4分, 打五分: a score and nothing said besides it
_SCORE_ONLY = re.compile(
    r"^(?:改成|改为|换成|改|重新评|重评|给|打|评|就|那|还是)*#(?:吧|了|啊|呀|哈|好了|就行)*$"
)
_PUNCTUATION = re.compile(r"[\s，,。.!！~、]+")


def only_a_score(text: str) -> bool:
    """Whether ``text`` says a score and nothing else (改成4分吧): a rating changed so keeps
    the words given with the first one (found from outside: 改成4分吧 replaced 师傅很负责 as
    the rating's comment)."""
    text = halfwidth(text)
    m = _SCORE.search(text)
    if m is None:
        return False
    rest = _PUNCTUATION.sub("", text[: m.start()] + "#" + text[m.end() :])
    return _SCORE_ONLY.match(rest) is not None


def _score(text: str) -> int | None:
    m = _SCORE.search(text)
    if m is None:
        return None
    if m.group("full"):
        return 5
    if m.group("zero"):
        return 1
    digit = m.group("digit")
    return _DIGITS.get(digit) or int(digit)


def _described(text: str) -> tuple[int, bool] | None:
    """The verdict of everyday words (a mixed one, 挺好 but 太慢, is 3); whether it is only
    slowness."""
    found = [m.group(0) for m in _DESCRIBED_RE.finditer(text)]
    if not found:
        return None
    scores = [_DESCRIBED[w] for w in found]
    low, high = min(scores), max(scores)
    score = 3 if low <= 2 and high >= 4 else low
    return score, all(w in SLOW for w in found)


def rating_in_words(text: str) -> Worded | None:
    """The score a short message gives, or None when it gives none (or may be something
    else). A score written out wins; then 满意 and its degrees; then everyday words."""
    said = text.strip()
    plain = halfwidth(said)
    if not said or len(said) > WORDS_MAX or _QUESTION.search(plain) or _COMPLAINT.search(plain):
        return None
    score = _score(plain)
    slow = named_first = False
    if score is None:
        m = _SATISFIED_RE.search(plain)
        if m is not None:
            score = _SATISFIED[m.group(0)]
        elif (described := _described(plain)) is not None:
            score, slow = described
        else:
            return None
        if _ELSEWHERE.search(plain):
            head = _NAMED_HEAD.match(plain)
            if head is None or _ELSEWHERE.search(plain[head.end() :]):
                return None  # 楼上邻居太差了: about someone else, not the order's work
            named_first = True  # found from outside: 楼道灯那个不满意 became a new order
    if score > 2 and _STILL_BROKEN.search(plain):
        return None  # 师傅挺好，但是马桶还是堵: not done, whatever the good word
    return Worded(score, said, slow, named_first)
