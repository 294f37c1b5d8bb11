"""What a resident is told to do first about a danger: the one place that decides the
emergency numbers and first advice of a reply.

bot.intake.advice_for gives those of the one kind of danger the parser found. A message often
holds more than that kind (a falling flowerpot that hit someone, leaking gas and a collapsed
mother, a pan of burning oil, people trapped above a fire); what else it says is read here, so
an injured person is never dropped from the numbers for the sake of the other danger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.intake import ParseResult, advice_for, advice_kind
from bot.intake.chat import CRY_RE
from bot.intake.normalize import normalize


@dataclass(frozen=True)
class FirstAid:
    numbers: tuple[str, ...]
    tip: str
    # the advice says when to call (gas: out of the room first), so the numbers are not led with
    leave_first: bool = False


# leaking gas or fumes: 热水器漏气, 煤气, 燃气; with a collapse, gas poisoning
_GAS = re.compile(r"漏气|煤气|燃气|天然气|液化气|热水器|一氧化碳|煤炉|炉子")
_COLLAPSED = re.compile(
    r"晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|叫不醒|没(?:有)?反应|倒(?:在)?地|人倒了|倒下了"
)
# oil burning in a pan (炒菜锅里的油着火了, 油锅起火了); not a boiler room (锅炉)
_PAN_FIRE = re.compile(
    r"(?:油锅|锅(?!炉))[^，,。；;！!]{0,6}(?:着火|起火|烧起来|冒火|窜火|火苗)|油(?:着火|起火|烧起来)"
)
# a gas cylinder or pipe already burning (煤气罐阀门那里着火了, 燃气管着火了)
_CYLINDER_FIRE = re.compile(
    r"(?:煤气|液化气|燃气|天然气)?(?:罐|瓶|管|阀门|软管|接口)[^，,。；;！!]{0,6}"
    r"(?:着火|起火|冒火|喷火|烧起来)"
)
_FIRE = re.compile(r"着火|起火|失火|火灾|大火|冒烟|浓烟|烧起来")
# someone hurt or unwell: 砸到人了 头破了, 他说心脏不舒服, 有人烧伤
_HURT = re.compile(
    r"砸(?:到|着|中|伤)(?:了)?(?:一个|一名|个)?(?:人|头|他|她|孩子|小孩|小朋友|老人|路人)|受伤|伤着|伤到|头破|(?:头|手|腿|脚|脸|额头)[^，,。]{0,3}破了|流血|出血|骨折"
    r"|心脏|胸口(?:疼|痛|闷)|胸闷|喘不上气|呼吸困难|不舒服|抽搐|烧伤|烫伤|晕倒|昏倒|昏迷|叫不醒"
    r"|(?:滑倒|摔倒|跌倒|摔伤)[^，,。]{0,8}(?:动不了|起不来|站不起来|爬不起来)|(?:腿|脚|腰)[^，,。]{0,3}(?:动不了|断了)"
)
# 没砸到人, 人没事, 没有人受伤, 差点砸到人: said to be unhurt
_UNHURT = re.compile(
    r"没(?:有)?(?:人)?(?:受伤|伤着|伤到|砸到|砸着|事)|人没事|都没事|没伤|(?:差点|险些|差一点)(?:就)?砸"
)
# someone fell or jumped from a height (楼上有人跳楼了，躺在地上): the police as well
_FELL = re.compile(
    r"跳楼|坠楼|楼上(?:掉|摔|跳)下来|高处(?:掉|摔|坠)"
    r"|从(?:\d+|[一二三四五六七八九十几]+)(?:楼|层)(?:的)?(?:阳台|窗户?|窗台|楼顶)?(?:上)?(?:掉|摔|跳)"
    r"|(?:阳台|窗户?|窗台|楼顶|天台)(?:上)?(?:掉|摔|跳)下(?:来|去)"
)


# a fire away from the home (a burning car, another building, the rubbish bins): keep away,
# shut the windows, rather than "evacuate down the stairs" (outside pass 9)
_FIRE_AWAY = re.compile(
    r"(?:汽车|轿车|小车|车子|私家车|面包车|货车|卡车|出租车|(?<![电瓶])车(?!库))(?:[^，,。；;！!]{0,6})"
    r"(?:自燃|着火|起火|烧起来|烧着|冒烟|冒火|燃烧|在烧)"
    r"|(?:对面|隔壁|旁边|前面|后面|远处|另一)(?:的|那)?(?:楼|栋|幢|座|一栋|一幢|小区|单元)"
    r"|垃圾桶|垃圾箱|垃圾堆|草地|草坪|草丛|绿化带|树林|荒地|工地"
)
_FIRE_INSIDE = re.compile(
    # (a garage under the building sends its smoke up the stairs: leave)
    r"楼道|楼梯|走廊|家里|屋里|室内|房间|厨房|卧室|客厅|电梯|我家|我们(?:这|家|楼)|车库|地库|地下室"
)
# a bare cry for help says nothing of the danger: every number fits
_CRY_NUMBERS = ("110", "120", "119")
# what someone hurt needs first, by how they are hurt
_BURN = re.compile(r"烫伤|烧伤|烫到|烫了|烧到(?:了)?(?:手|脚|脸|身|人|孩子)")
_HURT_FALL = re.compile(
    r"(?:滑倒|摔倒|跌倒|摔伤|摔了|摔下)[^，,。]{0,8}(?:动不了|起不来|站不起来|爬不起来)"
    r"|(?:腿|脚|腰|胳膊)[^，,。]{0,3}(?:动不了|断了|骨折)"
)
_BLEEDING = re.compile(r"流血|出血|血流|头破")
# choking, a stroke: their own advice beside the ambulance
_CHOKING = re.compile(
    r"噎住|噎着|噎到|卡住喉咙|卡在喉咙|卡喉咙|(?:鱼刺|骨头|枣核|果冻|汤圆|年糕)[^，,。]{0,4}卡"
)
_STROKE = re.compile(
    r"中风|脑梗|脑溢血|说话不清|口齿不清|话说不清|说不出话|(?:嘴|脸)[^，,。]{0,2}歪"
    r"|半边(?:身子|身体|脸)?[^，,。]{0,3}(?:动不了|没劲|不能动|发麻|麻了|没知觉)"
    r"|(?:左边|右边|一边)(?:的)?(?:手脚|身子|胳膊)[^，,。]{0,3}(?:动不了|没劲|不听使唤|发麻)"
)


def first_aid(hazard: str | None, text: str = "") -> FirstAid:
    """The numbers and advice for a danger of kind ``hazard`` as ``text`` tells it."""
    numbers, tip = advice_for(hazard, text)
    told = normalize(text) if text else ""
    if hazard is None and told and CRY_RE.match(told):
        return FirstAid(_CRY_NUMBERS, tip)  # 救命 / 🆘 alone: whatever it is, whom to call
    if hazard is None or not told:
        return FirstAid(numbers, tip, leave_first=hazard == "gas")
    # the kind whose advice fits what happened (a child already in the river is drowning,
    # a flowerpot thrown down is a falling object): what else the text says is read for it
    aid = _situation(advice_kind(hazard, text), numbers, tip, told)
    return _hurt_too(aid, told)


def _situation(hazard: str | None, numbers: tuple[str, ...], tip: str, told: str) -> FirstAid:
    """The advice for the danger as it is told, before anyone hurt beside it."""
    if hazard in ("medical", "gas") and _GAS.search(told) and _COLLAPSED.search(told):
        return FirstAid(_with(numbers, "119", "120"), texts.GAS_COLLAPSE_ADVICE, True)
    if hazard in ("fire", "gas") and _PAN_FIRE.search(told):
        return FirstAid(_with(numbers, "119"), texts.PAN_FIRE_ADVICE, True)
    if hazard in ("fire", "gas") and _CYLINDER_FIRE.search(told):
        return FirstAid(_with(numbers, "119"), texts.CYLINDER_FIRE_ADVICE, True)
    if hazard == "trapped" and _FIRE.search(told):
        return FirstAid(_with(numbers, "119"), texts.TRAPPED_BY_FIRE_ADVICE)
    if hazard == "fire" and _FIRE_AWAY.search(told) and not _FIRE_INSIDE.search(told):
        return FirstAid(numbers, texts.FIRE_AWAY_ADVICE)
    if hazard == "medical" and tip == texts.HAZARD_ADVICE["medical"]:
        if _CHOKING.search(told):
            return FirstAid(numbers, texts.CHOKING_ADVICE)
        if _STROKE.search(told):
            return FirstAid(numbers, texts.STROKE_ADVICE)
        if _BURN.search(told):
            return FirstAid(numbers, texts.BURN_ADVICE)
    if hazard == "medical" and _FELL.search(told) and "110" not in numbers:
        return FirstAid(_with(numbers, "110"), tip + texts.FELL_FROM_HEIGHT_ADVICE)
    return FirstAid(numbers, tip, hazard == "gas")


def _hurt_too(aid: FirstAid, told: str) -> FirstAid:
    """``aid`` with 120 and first aid for someone hurt beside the danger (a hand burnt by the
    pan fire, a leg broken slipping on a burst pipe's water): never dropped for the danger."""
    if "120" in aid.numbers or not _HURT.search(told) or _UNHURT.search(told):
        return aid
    tip = aid.tip + texts.HURT_TOO_ADVICE
    for told_as, advice in ((_BURN, texts.BURN_ADVICE), (_HURT_FALL, texts.HURT_FALL_ADVICE)):
        if told_as.search(told):
            tip += advice
    if _BLEEDING.search(told):
        tip += texts.BLEEDING_ADVICE
    return FirstAid(_with(aid.numbers, "120"), tip, aid.leave_first)


def _with(numbers: tuple[str, ...], *more: str) -> tuple[str, ...]:
    return numbers + tuple(n for n in more if n not in numbers)


def safety_lines(parsed: ParseResult, text: str = "", waiting: bool = False) -> str:
    """What to do first: the emergency numbers that fit the danger (:func:`first_aid`), or a
    short line for a report that may be dangerous — its check promised once the address is
    known when the report ``waiting`` for it has reached nobody yet."""
    aid = first_aid(parsed.hazard, text)
    if waiting and parsed.danger == "possible":
        tip = aid.tip.replace(texts.FOLLOWED_UP, "。")
        return texts.possible_danger(aid.numbers, tip, texts.CHECK_AFTER_ADDRESS)
    if parsed.danger == "urgent":
        return texts.emergency_first(aid.numbers, aid.tip, leave_first=aid.leave_first)
    if _FRAUD.search(text) and parsed.intent == "order":
        return texts.FRAUD_ADVICE  # 被骗了五万块: the police and the anti-fraud line first
    if parsed.danger == "possible":
        return texts.possible_danger(aid.numbers, aid.tip)
    return ""


# money taken by a swindle: 被骗了, 遇到诈骗, 转账给了骗子
_FRAUD = re.compile(r"被骗|受骗|诈骗|骗子|骗了.{0,6}(?:钱|块|元|万)")
