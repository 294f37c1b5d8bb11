"""Answers to the satisfaction question: 1–5, 满意, 不满意 …, or ``#12 5`` naming the order."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot import texts
from bot.chat.filters import HasText, MsgType, halfwidth
from bot.chat.router import Router
from bot.intake import parse
from bot.messages import Incoming
from bot.orders import queries
from bot.orders.duplicates import things
from bot.orders.service import OrderService
from handlers.rating_words import Worded, named_in_words, only_a_score, rating_in_words
from models.orders import Order

router = Router("survey")

RATING_WINDOW = timedelta(days=14)
RERATE_WINDOW = timedelta(hours=1)  # 想改分数请直接回复 1–5: after a rating, this long
_RATING = re.compile(
    r"^\s*(?:#?\s*(?P<number>\d{1,12})(?:\s*[号:：,，]\s*|\s+))??"
    r"(?:(?:改成|改为|换成|改|重新评|重评)\s*)?"  # 改成3分: a rating changed soon after
    r"(?:(?P<digit>[1-5一二三四五])\s*(?P<unit>分|星)?"
    r"|(?P<stars>[⭐★]{1,5})"
    r"|(?P<word>非常满意|很满意|满意|一般般|一般|还行吧|还行|不满意|很不满意"
    r"|五星好评|好评|差评|还可以|凑合|不错|非常好|很好|挺好|太差了|太差|很差))\s*[。.!！~]*\s*"
    # a comment after the verdict: 「满意，师傅很耐心」「不满意，还是漏」「4分。来得有点晚」
    r"(?:[，,。.!！;；]\s*(?P<comment>\S.{0,199}))?$",
    re.S,
)
_WORDS = {
    "非常满意": 5,
    "很满意": 5,
    "满意": 5,
    "一般": 3,
    "还行": 3,
    "不满意": 1,
    "很不满意": 1,
    "一般般": 3,
    "还行吧": 3,
    "五星好评": 5,
    "好评": 5,
    "差评": 1,
    "还可以": 4,
    "凑合": 3,
    "不错": 4,
    "非常好": 5,
    "很好": 5,
    "挺好": 4,
    "太差了": 1,
    "太差": 1,
    "很差": 1,
}
_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def said_as_a_score(text: str) -> bool:
    """A score in one of the plain forms (4, 4分, 满意, #12 4), not in the resident's words."""
    return _RATING.match(halfwidth(text)) is not None


def rating_of(text: str) -> tuple[int | None, int] | None:
    """(order number named, score), or None when the text is not a rating."""
    found = rating_with_comment(text)
    return None if found is None else (found[0], found[1])


# 灯修好了，挺好的 / 谢谢啊，修好了: satisfaction said in plain words, no score in it
_PLAIN_PRAISE = re.compile(
    r"(?:修好|弄好|换好|装好|通了|解决|处理好|好了).{0,8}(?:谢谢|感谢|辛苦|挺好|很好|不错|满意|好评|点赞|👍)"
    r"|(?:谢谢|感谢|辛苦了?).{0,8}(?:修好|弄好|换好|装好|通了|解决了|处理好)"
    # 谢谢你们，来得挺快的 / 师傅很耐心 辛苦了: thanks for how it was done
    r"|(?:谢谢|感谢|辛苦了?).{0,10}(?:挺快|很快|真快|及时|耐心|认真|热情|周到|负责|专业)"
    r"|(?:挺快|很快|真快|及时|耐心|认真|热情|周到|负责|专业).{0,10}(?:谢谢|感谢|辛苦)"
)
_NOT_PRAISE = re.compile(r"没|不|还是|又|还在|但|可是|怎么")
_PLAIN_MAX = 24


def _plain_praise(text: str) -> tuple[int | None, int, str] | None:
    said = text.strip()
    if len(said) > _PLAIN_MAX or not _PLAIN_PRAISE.search(said) or _NOT_PRAISE.search(said):
        return None
    return None, 4 if re.search(r"挺好|不错|还可以|还行", said) else 5, said


def rating_with_comment(text: str) -> tuple[int | None, int, str] | None:
    """(order number named, score, the resident's comment or ""), or None. A bare digit takes
    a comment only with 分 or 星 (「5，还是漏」 could be anything; 「5分，很好」 is a rating);
    a short thank-you for the fix (谢谢啊，修好了) counts as satisfied, its words the comment."""
    m = _RATING.match(halfwidth(text))  # one character for one: the spans fit ``text``
    if not m:
        return _plain_praise(text)
    said = text[m.start("comment") : m.end("comment")] if m.group("comment") else ""
    digit, word, comment = m.group("digit"), m.group("word"), said
    if comment and digit and not m.group("unit"):
        return None
    if m.group("stars"):
        score = len(m.group("stars"))
    elif word:
        score = _WORDS[word]
    else:
        score = _CN_DIGIT.get(digit) or int(digit)
    number = int(m.group("number")) if m.group("number") else None
    return number, score, comment.strip()


class SurveyAnswer:
    """A rating while one or more of the resident's orders await a verdict; injects
    ``score``, ``comment`` and ``waiting`` (the orders it may be about, newest first).

    Besides the strict forms, a score or a verdict in the resident's own words (马桶那个3分吧,
    师傅挺好的就是来晚了，给4分吧, 不太满意) is a rating — of the waiting order whose thing it
    names; naming a thing none of them is about, it is a report of its own (门锁坏了，很不满意)."""

    async def __call__(self, message: Incoming, data: dict[str, Any]) -> bool | dict[str, Any]:
        found = rating_with_comment(message.text)
        worded = None
        if found is None:
            worded = rating_in_words(message.text)
            if worded is None:
                return False
            found = (None, worded.score, worded.said)
        number, score, comment = found
        session, now = data["session"], data["clock"].now()
        waiting = await queries.awaiting_rating(session, message.openid, now - RATING_WINDOW)
        rerate = not waiting
        if rerate:  # nothing to rate: a rating just given may be changed
            waiting = await queries.rated_since(session, message.openid, now - RERATE_WINDOW)
        if number is not None:
            waiting = [o for o in waiting if o.id == number]
        elif named := things(message.text):
            meant = [o for o in waiting if not named.isdisjoint(things(o.text))]
            if worded is not None:
                waiting = meant  # none of them (门锁坏了，很不满意 with the tap waiting): a report
            elif len(waiting) > 1 and len(meant) == 1:
                waiting = (
                    meant  # 灯修好了，谢谢，5分 with the light and the tap waiting: the light's
                )
        if number is None and worded is not None and worded.named_first:
            waiting = named_in_words(message.text, waiting)  # 楼道灯那个不满意: only the light
        if (
            number is None
            and len(waiting) > 1
            and len(fits := named_in_words(message.text, waiting)) == 1
        ):
            waiting = fits  # 水箱的4分: a thing the lexicon does not know, in one order's words
        if waiting and worded is not None and not await _only_a_rating(message, data, worded):
            return False
        answer = {"score": score, "comment": comment, "waiting": waiting, "rerate": rerate}
        return answer if waiting else False


async def _only_a_rating(message: Incoming, data: dict[str, Any], worded: Worded) -> bool:
    """Words read as a rating that may be something else are not one: an emergency (太慢了！
    家里着火了) is a report; slowness alone (太慢了) while another order is still open may
    press that one."""
    parsed = parse(message.text, data["clock"].now(), zone=data["config"].tz)
    if parsed.urgent:
        return False
    if worded.slow:
        return not await queries.open_orders_of(data["session"], message.openid)
    return True


@router.message(MsgType("text", "voice"), HasText(), SurveyAnswer())
async def rate(
    message: Incoming,
    score: int,
    comment: str,
    waiting: list[Order],
    orders: OrderService,
    rerate: bool = False,
) -> str:
    if len(waiting) > 1:
        listed = "、".join(f"#{o.id}（{o.summary}）" for o in waiting[:5])
        which = texts.WHICH_RERATE if rerate else texts.WHICH_SURVEY
        return which.format(orders=listed, number=waiting[0].id)
    order = waiting[0]
    if rerate and only_a_score(comment):
        comment = ""  # 改成4分吧: the comment given with the first score stays
    if await orders.rate(message.openid, order, score, comment):
        return texts.RATE_LOW.format(number=order.id)
    if _RATING.match(halfwidth(message.text)) is None:  # said in words: the score taken, told
        return texts.RATED_FROM_WORDS.format(number=order.id, score=score)
    return texts.RATED.format(number=order.id, score=score)
