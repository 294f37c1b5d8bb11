"""Whether a time phrase asks for a visit or describes the problem.

A time in a message is a preferred time only when the words around it ask someone to
come, call or be met (来, 上门, 在家, 有空, 预约 …).  Times reached by the problem (吵到晚上十点),
starting points (昨晚开始), recurring schedules (每天, 平时), attributive times (四点半的课堂) and
questions about opening hours are rejected here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .features import MASK

RECURRING_PRE = re.compile(r"每.{0,3}$|(?:天天|经常|总是|老是|总|老|一到|平时|平常|一般|通常)\s?$")
_PRE_REJECT = re.compile(
    r"(?:直到|自从|一直到|持续到|吵到|闹到|弄到|搞到|干到|响到|到了|上次|上回|放学|下班|以前|之前|说好?|说的是)\s?$"
    r"|(?:^|[^一])(?:一|整个|整|半个|一个)$"
)
_POST_REJECT = re.compile(
    r"^\s?(?:(?:到|至|-)\s?(?:周|星期|礼拜)|的(?!时候|话)|了|好|都.{0,4}了|开始|起|(?<!可)以来|就开始|就在|就有|就吵|就响"
    r"|才|到现在|至今|一直|都在吵|还在|又|就没|没|也不停|课|班|放学|关门|开门|上班|下班"
    # 今天听见墙里咔咔响: when the problem was noticed
    r"|听见|听到|发现|闻到|闻着|看见"
    # 材料明天就要交, 五点前要交, 之前要交: a deadline, not a time to come
    r"|(?:就|都)?要(?:交|续|截止|到期)|(?:之|以)?前(?:要|得|必须)?(?:交|截止|到期|办好|办完|提交)|截止|到期)"
)
_POST_WINDOW_REJECT = re.compile(
    r"开始|(?<!可)以来|到现在|至今|就一直|停水|停电|停气|放假|才能|才回"
)
_CLAUSE_REJECT = re.compile(
    r"不用|不要来|别来|不需要|取消|不在家|没人在|家里没人|没空|不方便|几点|什么时候|哪天|多久|几号"
    r"|有吗|开不开|开吗|营业|办公|开放|上课|开课|会不会|是不是|来不来|还没来|还不来|怎么还|能办|办不办"
    r"|培训|讲座|活动|报名|休息吗|骗子|有人吗|值班|上班吗|有人上班|还能(?:去|办)|(?<!行)不行|(?<!可以)(?<!可)不可以|有人.{0,4}吗|有没有(?!人|师傅|工人|志愿者|谁)"
)
_FILLER_RE = re.compile(r"[\s,，.。!！?？~…吧吗呢啊呀哦了的好行可以都]+")
# a phone number or the address given beside the time is part of the same "fields" tail
# (明天上午十点 电话…, 明天上午十点 家属院6号楼1门102)
_CONTACT_RE = re.compile(
    r"电话|手机|座机|联系方式|号码|地址|住址|家属院|大院|小区|宿舍|[苑院楼排号门座栋幢室]"
)
# a request just before a bare time (能找个人教教不 下午三点): the time is when to come
_REQUEST_BEFORE = re.compile(r"能不能|能否|可不可以|可以吗|帮|麻烦|请|找个?人|派")
_AFTER_APPOINT = re.compile(r"预约|约")
_COME = r"(?<![回起出下进原本后将未带外])来(?!不来)"
_STRONG_CUE = re.compile(
    _COME
    + r"|上门|过来|(?<!一个人)在家|在屋|方便|有空|预约|约|联系|回电|回个?电话|打电话|打我电话|打给我|给我打"
    r"|派人|派个|安排|等你|等着|送到|送过来|送上|陪|接一下|接回|接送|到家|过去|去社区|赶到|能到|想用"
    r"|回复我|回我电话|打回给我"
)
_WEAK_CUE = re.compile(
    r"可以|能|行|要|帮|送|需要|得不得|好不好|有没有(?:人|师傅|工人)|麻烦|请|去买|去拿|带|都行|ok|有人|都在|我在|开门|找人|找一下|去交|去开|最好|希望|尽量|有时间"
    r"|(?:我|就|再)?(?:过)?去(?:办|问|报名|登记|领|取|一趟|社区|$)|修(?!好|过|完)|上去说|去说说|管管"
)
# without a day word a bare clock time needs a plainer request (三点来 / 我在家)
_STRICT_CUE = re.compile(
    _COME
    + r"|上门|过来|(?<!一个人)在家(?!里)|在屋(?!里)|家里有人|有人在家|方便|有空|预约|约|联系|回电|回个?电话"
    r"|打电话|打给我|给我打|打我电话|打我手机|帮|送|能到|赶到|过去|我在|在.{0,3}等"
)
_POST_PRESENT = re.compile(r"^\s?(?:都|我|家里|店里)?(?:有人|在家(?!里)|在屋(?!里)|都在)")


@dataclass(frozen=True)
class PhraseContext:
    """The words around one time phrase."""

    pre: str  # up to 4 characters before it, inside its clause
    post: str  # up to 8 characters after it, inside its clause
    clause: str  # its whole clause
    before: str  # the clause up to the phrase
    own: str  # the clause without the phrase
    around: str  # its clause and the neighbouring ones


def describes_problem(ctx: PhraseContext, has_day: bool, recurring: bool) -> bool:
    """True when the phrase tells when the problem happens rather than asks for a visit."""
    pre, post = ctx.pre, ctx.post
    attributive = post.startswith("的") and not post.startswith(("的时候", "的话"))
    return (
        recurring
        or bool(_PRE_REJECT.search(pre))
        or pre.endswith("到")
        or (pre.endswith("从") and not has_day)
        or (
            bool(_POST_REJECT.search(post))
            and not (attributive and _AFTER_APPOINT.search(pre + ctx.before))
        )
        or bool(_POST_WINDOW_REJECT.search(post))
        or bool(_CLAUSE_REJECT.search(ctx.clause))
    )


def _before_clause(ctx: PhraseContext) -> str:
    """The clause before the phrase's own (``around`` up to its clause)."""
    at = ctx.around.find(ctx.clause)
    return ctx.around[:at] if at > 0 else ""


def asks_for_visit(ctx: PhraseContext, named_day: bool, short_text: bool) -> bool:
    """True when the words around the phrase ask someone to come, call or meet."""
    if named_day:
        cue = bool(_STRONG_CUE.search(ctx.around) or _WEAK_CUE.search(ctx.own))
    else:
        cue = bool(_STRICT_CUE.search(ctx.own) or _POST_PRESENT.search(ctx.post))
    if not cue:
        # the time given on its own, as a field ("… 10栋101 周三上午")
        bare = _CONTACT_RE.sub("", ctx.own.replace(MASK, ""))
        cue = _FILLER_RE.sub("", bare) == "" and (
            named_day or short_text or bool(_REQUEST_BEFORE.search(_before_clause(ctx)))
        )
    return cue


_ASKING = re.compile(r"[?？吗嗎]|几点|幾點|什么时候|幾時|几时|确认|確認|没有?$|未$")
# 早晨 / 早晨呀: the Cantonese good morning, not a time to come
_GREETING_TIME = re.compile(r"^\s*早晨(?:呀|啊|哦|晒)?\s*[!！~～。.]*\s*$")


def keeps_time(intent: str, hazard: str | None, norm: str) -> bool:
    """Whether a message's time phrase is a visit time at all: only a request carries one.
    师傅话听日嚟 係咪确认咗 asks about an appointment (status), 今晚就从楼上跳下去 tells when
    a life is in danger, 早晨 greets."""
    if intent in ("cancel", "help", "bind") or hazard == "self_harm":
        return False
    if intent == "status" and _ASKING.search(norm):
        return False  # (明天上午来修, read as status, still says when to come)
    return not (intent == "chat" and _GREETING_TIME.match(norm))
