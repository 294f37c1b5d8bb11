"""Danger: the kinds of hazard, the words that name them, the danger band and the advice.

The decision itself is the model's (``urgent`` head: danger now, ``hazard`` head: which
kind), fed with the rule cues of :mod:`bot.intake.urgency` and the hazard words below.
This module turns its probabilities into the three-way band

``"urgent"`` (danger now: ``ParseResult.urgent``), ``"possible"`` (unsure: a short safety
line, the grid leader alerted, never an emergency number for paperwork) or ``None``.
:mod:`bot.intake.advice` says which emergency numbers and advice go with each kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from .concepts import concepts

HAZARDS = (
    "fire",
    "gas",
    "electric",
    "flood",
    "structure",
    "medical",
    "lift",
    "trapped",
    "child",
    "missing",
    "welfare",
    "violence",
    "self_harm",
    "drowning",
    "animal",
)

# Words that name (or describe the state of) each kind of danger: model features only,
# never a decision on their own.  General vocabulary, in simplified Chinese (the
# normaliser converts traditional characters and written Cantonese first).
_HAZARD_WORDS: dict[str, str] = {
    "fire": r"着火|著火|起火|失火|火灾|火苗|明火|大火|火光|火势|冒烟|浓烟|黑烟|烟雾|焦味|焦糊|糊味|烧焦"
    r"|塑料味|橡胶味|胶皮味"
    r"|烧着|烧起来|正在烧|在烧|烧了|(?<![睡找吓冻累饿凉碰摔急见拿接等熬馋])着了|燃|火|烟",
    "gas": r"煤气|燃气|天然气|液化气|石油气|瓦斯|沼气|臭鸡蛋|漏气|嘶嘶|报警器|气罐|气瓶|钢瓶|呲呲",
    "electric": r"火花|电火花|漏电|触电|电到|被电|电线|电缆|电箱|配电|短路|噼啪|滋滋|带电|电闸|插座|冒蓝光"
    r"|摸.{0,8}麻|电手|麻手",
    "flood": r"爆管|爆了|爆裂|喷水|水喷|往外喷|淹|进水|灌水|漫|积水|水往|阀门|总阀|水管|水喉|关不住|止不住"
    r"|哗哗|往下浇|停不下来|管子?.{0,2}裂",
    "structure": r"塌|坍|裂缝|开裂|裂开|掉下来|要掉|往下掉|摇摇|晃|歪|倾斜|脱落|砸|松动|外机|广告牌|招牌"
    r"|脚手架|棚架|(?<!马桶)水箱|水塔|花盆|玻璃|石屎|墙皮|天花",
    "medical": r"摔倒|跌倒|摔了|倒地|倒了|晕|昏迷|不省人事|没呼吸|没气|抽搐|吐血|流血|出血|血|心脏|胸口"
    r"|[嘴脸].{0,2}歪|说话不清|口齿不清|讲不清|抬不起|半边"
    r"|呼之不应|叫不应|推不醒|摇不醒|冰凉|躺地|躺在地|口吐|撞倒|被车撞|骨折|头破"
    r"|中风|脑梗|心梗|噎|吞了|中毒|过敏|休克|白沫|起不来|叫不醒|没反应|不动|喘不|呼吸",
    # 梯 alone is how a hurried writer names the lift (梯卡住了), but not in 楼梯 (stairs),
    # 梯子 (a ladder) or 滑梯 (a slide)
    # (nor after a masked address: 12号楼梯间 is masked as the address, then 梯间)
    "lift": r"电梯|电悌|(?<![楼爬木竹铁软云滑天人\ue000])梯(?![子田级])|轿厢|井道",
    "trapped": r"压住|压着|压在|卡住|卡在|困住|被困|困在|出不来|挂在|吊在|锁在|关在|反锁|上不来|爬不|踩空|坠落"
    r"|埋住|埋在|埋了",
    "child": r"小孩|孩子|娃|宝宝|幼儿|小朋友|细路|儿子|女儿|孙子|孙女|学生",
    "missing": r"走丢|走失|找不到|不见了|没回来|没回家|未回|失踪|痴呆|认知障碍|脑退化|迷路",
    "welfare": r"独居|一个人住|好几天|几天没|没人接|打不通|电话不通|电话又不通|不接|敲门|拍门|没开门|报纸|牛奶|信箱|堆在门口|臭味"
    r"|联系不上|没动静|没见|没出来过|没下楼|没露面",
    "violence": r"打人|打架|砍|刀|撬|入室|小偷|抢|动手|威胁|家暴|打老婆|打孩子|尖叫|砸门|闯|打起来|揍|掐"
    r"|殴|踹|棍|钢管|持械|行凶|群架",
    "self_harm": r"不想活|不想再活|不想再?生存|活不下去|想死|自杀|跳楼|要跳|往下跳|割腕|割自己|划自己|吞药|烧炭|轻生|一了百了"
    r"|活够了|想不开|遗书|死了算了|结束生命|不想再?熬|熬不下去|结束吧|结束算了|真的晚安|胶带封|封.{0,2}胶带|不想再?醒(?:过来|来)|想从.{0,6}(?:楼|窗|阳台|天台).{0,4}下去"
    r"|最后一天.{0,8}(?:不用回|别回|别找|再见|永别)|不(?:打算|想|准备)再?活(?:到|过)(?:明天|明早|天亮|今晚|今夜)|不打算再?活了"
    r"|活着(?:挺|真|太|好|都|也)?没(?:意思|意义|劲)|药.{0,2}攒(?:好|齐|够)",
    "drowning": r"落水|溺水|一沉一浮|沉沉浮浮|掉河|掉湖|掉水|掉进|河里|湖里|池里|塘里|泳池|水库|扑腾|沉下去|冰窟窿|沉了",
    "animal": r"狗|咬|蛇|马蜂|蜂窝|野猪|猴子|疯狗",
}
_HAZARD_RES = tuple((kind, re.compile(pattern)) for kind, pattern in _HAZARD_WORDS.items())
_STRUCTURE = dict(_HAZARD_RES)["structure"]
_CEILING = re.compile(r"天花板|天花")


def hazard_words(text: str) -> tuple[str, ...]:
    """The hazard kinds whose words occur in ``text`` (normalised)."""
    return tuple(kind for kind, pattern in _HAZARD_RES if pattern.search(text))


# An ordinary leak, drip, damp patch or blocked drain is a repair, not an emergency
# (1栋1单元101 水管漏了), unless something makes it one: a burst or spraying pipe, water
# that floods or keeps rising, water near electrics, someone hurt or in danger, a cry for
# help.  Used to keep the model from calling such a message urgent.
_MINOR_WATER = re.compile(
    r"漏水|漏了|在漏|有点漏|渗水|渗漏|滴水|在滴|滴答|往下滴|返水|反水|冒水|水管漏|水龙头|漏雨|水渍|返潮|发霉"
    r"|下水道堵|马桶堵|堵了|管.{0,3}裂|积水"
)
_WATER_ESCALATION = re.compile(
    r"爆|喷|淹|涌|哗|止不住|关不住|关不掉|控制不住|到处|满地|满屋|一屋|成河|漫|没过|泡|灌|往下冲|大水|好多水"
    r"|停不下来|停不住|[一二两三四五几\d]厘米|没过脚"
    r"|很多水|大量|越来越大|越来越多|一大片|(?:也|都|还是)(?:没用|不管用)|一直流|一直在流|流个不停|鼓起|像下雨|跟下雨|还在涨|涨|满了|全是|流到|冒烟|火|塌|掉|垮"
    # water near electrics (渗到灯里; not a broken light named beside a leak); nobody there
    # to shut it off, or faster and faster (滴得越来越快 都成线了)
    r"|(?:水|漏|渗|滴|湿)(?:(?!另|还有|顺便)[^。！!？?；;]){0,6}(?:电(?!话)|插座|开关|灯)"
    r"|(?:电(?!话)|插座|开关|灯)(?:(?!另|还有|顺便)[^。！!？?；;]){0,6}(?:水|漏|渗|滴|湿)"
    r"|(?:我家|家里|屋里)没人|没人在家|人在外地|没人开门|越来越快|成线"
    # out under the door and down the stairs, into the next home
    r"|门缝|顺着楼梯|沿着?楼梯|往下淌|进水了|已经进水|流进"
    r"|老人|孩子|小孩|摔|滑倒|受伤|救|快来|赶紧|紧急|急|打|刀|棍|冲得|老高|很深|深了|齐膝|齐腰"
    # up to the knees, around wheelchairs or beds (ankle-deep rainwater in a car park is a
    # complaint); a jet nothing stops (水柱直射天花板); an old neighbour who does not answer
    # (one named for whom it is reported is no danger: 刘奶奶家马桶堵了); a smell with it
    r"|膝盖|大腿|到腰|轮椅|卧床|瘫|水柱|直射|塞不住|堵不住"
    r"|不应|没人应|没反应|不开门|联系不上|打不通|味儿|气味|呛"
)


def minor_water(text: str, hazards: Collection[str]) -> bool:
    """True for an ordinary leak or blocked drain that names no other danger (``text``
    normalised, ``hazards`` its :func:`hazard_words`)."""
    kinds = set(hazards)
    if "structure" in kinds and not _STRUCTURE.search(_CEILING.sub("", text)):
        kinds.discard("structure")  # 天花板在滴水: the ceiling is only where the drip is
    # 马桶堵了 水漫出来了: a blocked toilet overflowing is a plumber's job, unless the water
    # goes on to fill the home
    told = _BLOCKED_OVERFLOW.sub("", text)
    return (
        kinds <= {"flood"}
        and _MINOR_WATER.search(text) is not None
        and _WATER_ESCALATION.search(told) is None
    )


_BLOCKED_OVERFLOW = re.compile(
    r"(?:马桶|地漏|下水道|水池|洗手池|洗菜池|浴缸|蹲坑)(?:又|也)?堵(?:了|住了)?[,，\s]*(?:水)?(?:都)?(?:漫|溢|冒|反)(?:出来|上来)了?"
)


# Something that could fall or give way some day (a rusty bracket, a cracked wall, 随时可能掉下来)
# and a bare wire with no spark, water or hand near it are hazards to report, not dangers now:
# the bot still answers with a safety line and alerts the grid leader (possible danger), but
# nobody is rushed.  Anything moving, dropping, sounding or hanging over people keeps the
# model's decision, as does a wire that sparks, is wet or is being touched.
_POTENTIAL = re.compile(
    r"随时|可能|要掉不掉|怕|担心|松了|松动|锈|开裂|倾斜|裂缝|裂了|歪了|早晚|迟早|万一|隐患"
)
_MOVING = re.compile(
    r"正在|在往下|一直|一路|掉渣|跌落|晃|摇|塌了|塌下|砸下|砸到|砸坏|砸了|砸在|掉下来了|掉了一|刚才|刚刚|咯吱"
    r"|咔|响|下沉|鼓|越来越|压|下面|底下|楼下|人行道|路上|主干道|人来人往|有人|小孩|孩子|在玩|在走"
    r"|快倒|要倒|要塌|在倒|翻起来|连根|马上|悬空|吊在|挂在|探|往外倒|(?<!有点)(?<!有些)(?<!稍微)往外歪|在歪|吹|风|往下掉|还在|变长|变宽|变大"
    r"|掉下来一|掉了一大|悬着|往下冲|哗哗"
)
_FEARED = re.compile(r"(?:怕|担心|万一|恐怕|生怕)[^,，。.!！?？;；\s]*")
_BARE_WIRE = re.compile(r"露|裸|破皮|铜丝|线头|外皮")
_LIVE_WIRE = re.compile(
    r"火花|打火|冒|滋|噼|啪|闪|水|湿|雨|雪|小孩|孩子|娃|摸|电到|电了|被电|麻|响|烧|焦|烟|带电|通电|碰|挂|垂|地上"
)
_RODENT = re.compile(r"老鼠(?:咬|啃)")
# 电梯坏了 困在家里下不去: stuck at home because the lift is out, nobody inside it
_STUCK_HOME = re.compile(r"困在(?:家|屋)|下不去|下不了楼|出不了门")
IN_LIFT = re.compile(
    r"电梯里|梯里|轿厢|(?:困|关|卡)(?:在|住)?(?:电梯|梯)|电梯.{0,6}(?:困|关|卡|夹)"
)


# a fixture that drips or will not shut (厨房水龙头一直滴水，关不紧): a repair, not even a
# possible danger; a pipe, a ceiling or a wall that leaks may still be looked at
_FIXTURE = re.compile(r"水龙头|龙头|花洒|马桶|水箱|冲水|地漏|水槽|洗手池|面盆|洗菜盆|阀门")


def dripping_fixture(text: str, hazards: Collection[str]) -> bool:
    """True for a tap, a cistern or a drain that drips, leaks or is blocked, and nothing else
    named (``text`` normalised, ``hazards`` its :func:`hazard_words`)."""
    return _FIXTURE.search(text) is not None and minor_water(text, hazards)


# 楼下有人在烧纸 有点烟: offerings burnt for the dead, a fire risk to look at, not a fire
_OFFERINGS = re.compile(r"烧纸|纸钱|烧香|烧衣|祭祖|上坟")
_OFFERINGS_SPREAD = re.compile(
    r"着火|起火|着了|明火|火苗|窜|蔓延|烧起来|浓烟|黑烟|烟很大|烟好大|呛|燃到|引燃"
)


def only_potential(text: str, hazards: Collection[str]) -> bool:
    """True for a structure that could give way some day, a bare wire, a broken lift
    that keeps someone at home, or offerings burnt with a little smoke, with nothing
    happening now (``text`` normalised, ``hazards`` its :func:`hazard_words`)."""
    if _OFFERINGS.search(text) and not _OFFERINGS_SPREAD.search(text):
        return set(hazards) <= {"fire"}
    # a rat's bite (老鼠咬破了电线) is how the wire got bare, not an animal attack
    kinds = set(hazard_words(_RODENT.sub("", text)) if _RODENT.search(text) else hazards)
    if kinds == {"structure"}:
        # 怕倒下来砸到人: what is feared is not what moves now
        told = _FEARED.sub("", text)
        return _POTENTIAL.search(text) is not None and _MOVING.search(told) is None
    if kinds == {"electric"}:
        return _BARE_WIRE.search(text) is not None and _LIVE_WIRE.search(text) is None
    if "lift" in kinds and kinds <= {"lift", "trapped"}:
        return _STUCK_HOME.search(text) is not None and IN_LIFT.search(text) is None
    return False


# The scare the message tells of turned out fine: the fallen man got up by himself, the pot
# missed everyone, the child was found, the lift let them out.  Nothing in the corpus that
# is labelled urgent says so without something still going on (还在, 但, 现在).
_SETTLED = re.compile(
    r"自己(?:爬)?起来了?|爬起来了|扶起来了|缓过来了|虚惊一场|放心了|找着了|找到了|自己开了(?=$|[\s,，.。!！、])(?!.*(?:空的|井道|黑洞洞|没有轿厢))"
    r"|(?<![见看])(?:人|他|她)(?:已经)?出来了|没破皮|没进屋|住院(?:去)?了|(?<!没)(?<!没有)(?<!刀)(?<!剪子)(?<!剪刀)(?<!绳子)(?<!药)拿进去了|抓走了"
    r"|没砸[着到]|没伤[着到]?人|没受伤|(?:倒是|倒|也)?没(?:扑|冲|追)(?:过来|上来|到人)|不疼了|止住了|没烧着|吵完走了|打完走了|出院了"
    r"|烧退了|退烧了|(?:撵|赶|劝|哄)(?:走|开|下来)了|(?:被)?(?<!耷)(?:抱|拉|拽|救)(?:了)?(?:下来|上来|回来|进来)了"
    # 原来她在跳广场舞没听见, 我下去一看他就是在等公交, 还好楼下没人, 后来她回电话了
    r"|原来(?:她|他|人家|老人|老太太|老爷子)(?:是|只是|就是)?在"
    r"|原来(?:是|只是|就是)(?:在|隔壁|邻居|食堂|饭店|楼下|人家)?.{0,6}(?:做饭|炒|蒸|煮|烧烤|熏|放烟花|装修|演练|演习|测试)"
    r"|一看.{0,12}(?:没事|就是在|只是在|原来)|还好.{0,4}没(?:人|砸|伤|事)"
    r"|(?<![没未不])回(?:了)?电话了|(?<![没未不])回电了|(?<![没未不])回消息了|(?<![没未])联系上了|精神(?:挺|还|很)好|(?:味道?|烟|气味)(?:也|都|已经)?散了"
    r"|(?:关|困)了(?:在)?(?:里面)?(?:几|一|两|十|十几|二十|半)(?:分钟|个小时|小时)|怎么赔|谁(?:来)?赔|赔偿"
    # 好彩冇人企喺下面: nobody was under it
    r"|(?:幸好|好在)(?:楼下|下面)?(?:没人|没有人)"
)
# 现在已经退了, 现在不响了: what is going on now is that it stopped
_SETTLED_NOW = re.compile(
    r"现在(?:已经|都|也)?(?:退了|不响了|不叫了|没事了|没味了|不冒烟?了|不漏了|不疼了|好了|没(?:有)?危险了?|安全了)"
    # 刚才楼下有人打架 现在人都走了 警察也来过了: the fight is over, what is left is cleaning
    r"|现在(?:人)?(?:都|已经)(?:走|散)了|警察.{0,3}(?:已经)?来过了"
    # 刚才…回过来了 在公园下棋 虚惊一场: the message's own verdict, whatever came before it
    r"|虚惊一场|白(?:担心|紧张|着急)(?:了)?一场|误会一场|(?:现在|刚刚?)(?:又)?(?:打通了|接通了|联系上了)"
    # 原来是隔壁开着炉煮东西 没漏 放心: the writer's own all-clear, said last
    r"|(?:没|冇)(?:漏|事)[\s,，。]*放心[啦喇吧啊]?[\s。.!！]*$"
)
_STILL_GOING = re.compile(r"还在|正在|一直在|但|可是|不过")
_GOING_ON = re.compile(r"现在|正在|一直在|还(?:在|开着|有|没|冒|漏)|但|可是|还是|不过|刚刚|刚才")


# 差点砸到小孩: a near miss told without anything still falling (还在掉, 刚才, 一直) is a
# hazard to remove, not a danger now; the review set labels it so.
_NEAR_MISS = re.compile(r"差(?:一)?点(?:儿)?(?:被|就)?(?:砸|撞|碰)")
_STILL_FALLING = re.compile(
    r"刚|又|继续|不停|块块|一块一块|一片一片|随时|马上|快要|松|晃|裂|喷|爆|挂着|悬着|吊着|另一半"
)


# 刚才说的冒烟是我看错了, 群里说有人掉河里了 是谣言: the alarm was false
_FALSE_ALARM = re.compile(
    r"(?<!可能)(?<!可能是)(?<!可能是我)(?<!是不是)(?<!是不是我)(?:看|搞|弄|听)错了(?![吗么嘛没])"
    r"|(?<!可能是)(?<!说是)误报|是谣言|是假消息|报错了(?!.{0,4}(?:码|提示|信息))"
    # 冒烟的是食堂在蒸馒头
    r"|(?:冒烟|烟|味道?)的?(?:是|原来是).{0,8}(?:蒸|煮|炒菜|做饭|烧烤|熏|烧水)"
)
_STILL_TRUE = re.compile(r"但|可(?![以能])|确实|不过|还在|现在还|真的有|真有")


# 狗咬人那事解决了没, 那天电梯往下掉了一层的事 给说法了没有, 那只狗后来抓到没有: what is
# asked is how a past danger ended, not for help with one now
# Only a question counts: 这事得赶紧处理 is a call for help.
_FOLLOW_UP = re.compile(
    r"后来(?:怎么样|咋样|怎样|如何|抓到|找到|处理|解决|有没有)"
    r"|(?:那|这)(?:件|个)?事.{0,8}(?:解决|处理|说法|结果|查清|了结)了?(?:没有?|吗|么|没得|冇)"
    r"|(?:那|这)(?:件|个)?事.{0,8}(?:怎么样|咋样)了"
    # 暑假孩子掉进水池那事以后 说要装栏杆 到现在都没装
    r"|(?:那|这)(?:件|次|个)?事(?:以后|之后|过后)"
    r"|的事.{0,10}(?:说法|结果|解决|处理|查清|调查)了?(?:没有?|吗|么|没得|冇)"
)
_HELP_NOW = re.compile(r"快来|马上|赶紧|赶快|救命|联系不上|还没回|现在还|又(?:来|在|开始)")


def follow_up(text: str) -> bool:
    """True for a question about how a past danger ended (``text`` normalised)."""
    return (
        _FOLLOW_UP.search(text) is not None
        and _STILL_GOING.search(text) is None
        and _HELP_NOW.search(text) is None
    )


def false_alarm(text: str) -> bool:
    """True when the message says the danger it names was a mistake (``text`` normalised)."""
    return _FALSE_ALARM.search(text) is not None and _STILL_TRUE.search(text) is None


# 饭烧糊了一屋子烟 窗户开了烟也散了 烟雾报警器还在滴滴响: the alarm still sounding is
# what the message asks about, not a fire
_COOKING_CLEARED = re.compile(
    r"(?:烧糊|炒糊|煮糊|糊锅|糊了|做饭|炒菜|煎|炸|烧烤).{0,16}(?:烟|味)(?:也|都|已经)?散(?:了|掉了)"
)
_NOBODY_SHUT_IN = re.compile(r"没(?:有)?被?困(?:到|住)?人|没(?:有)?人被困")
_FIRE_STILL = re.compile(r"着火|起火|明火|火还|烧起来|火苗|冒火")


def settled_scare(text: str) -> bool:
    """True when the message says the danger it names ended well, or only nearly happened,
    and nothing goes on (``text`` normalised)."""
    if _COOKING_CLEARED.search(text) is not None and _FIRE_STILL.search(text) is None:
        return True
    if _NOBODY_SHUT_IN.search(text) is not None:
        return True  # 紧急按钮没反应 没困人 不过想有人来看下: a fault, however it goes on
    if _SETTLED_NOW.search(text) is not None and _STILL_GOING.search(text) is None:
        return True
    if _GOING_ON.search(text) is not None:
        return False
    if _SETTLED.search(text) is not None:
        return True
    return _NEAR_MISS.search(text) is not None and _STILL_FALLING.search(text) is None


# A report of something already dealt with (a duty log's 情况说明: 火情已扑灭, 被困人员安全
# 救出, 无人员受伤, 读数为零): the danger words are the log's subject, not a call for help.
# Each part of the report that names a danger must say it was dealt with; a patrol log with
# one item handled and another still open (an old woman nobody can reach) stays urgent.
_HANDLED = re.compile(
    r"处理完毕|处置完毕|已(?:经)?(?:被)?(?:扑灭|救出|修复|捕获|抓获|带走|劝离|劝回|劝导|排净|抽干|关阀|更换)"
    r"|安全(?:救|放|走)出|自行(?:走出|逃出|离开)|无人员(?:伤亡|受伤)|(?:无|未有|没有)(?:人员)?(?:受伤|伤亡)"
    r"|乘客无伤|未发生|无异常|读数为零|无泄漏|浓度正常|情况稳定"
)
_STILL_OPEN = re.compile(
    r"还在|还有|还没|仍在|仍有|仍然|依然|尚未|未能|正在|现在|快来|马上|立即|赶紧|赶快|昏迷|不醒|没(?:有)?呼吸|没气|抢救|但|可是|不过|救命"
)
_REPORT_PARTS = re.compile(r"[。！？!?；;\n]|(?<!\d)\d{1,2}[.、)）](?!\d)")


def handled_report(text: str, kind_of: Callable[[str], str | None]) -> bool:
    """True for a report that every danger it names was dealt with (``text`` normalised;
    ``kind_of`` gives the rules' urgent kind of a part, or ``None``)."""
    if _HANDLED.search(text) is None or _STILL_OPEN.search(text) is not None:
        return False
    return all(
        _HANDLED.search(part) is not None or (not hazard_words(part) and kind_of(part) is None)
        for part in _REPORT_PARTS.split(text)
    )


# A child who is ill (fever, fits, choking, not breathing) needs 120, not the police or the
# fire brigade that a child at a height, in water or locked in a car needs.
_ILL = re.compile(
    r"发烧|发高烧|高烧|烧到\d|抽搐|抽筋|惊厥|不呼吸|没呼吸|没有呼吸|呼吸困难|喘不上|喘不过|噎住|噎着"
    r"|卡住喉咙|卡在喉咙|呛奶|呛到|过敏|呕吐|吐了|吐得|昏迷|晕倒|晕过去|脸色发紫|嘴唇发紫|误食|误吃|吃了药"
)
_CHILD_PERIL = re.compile(
    r"窗|阳台|楼顶|天台|护栏|栏杆|边上|水里|河|湖|池|塘|井|车里|车内|锁在|困在|关在|走丢|不见了|火|烟"
)


def ill_child(text: str) -> bool:
    """The danger to a child is an illness, not a place (``text`` normalised)."""
    return _ILL.search(text) is not None and _CHILD_PERIL.search(text) is None


# Below this probability, a message this short needs something harmful named in it to be
# urgent (a longer one tells its danger in words the lexicons may not hold: dialect).
UNSUPPORTED_URGENT = 0.5
UNSUPPORTED_MAX_CHARS = 12
# ... and under this for a longer one: on four held-out writers (loo_eval --models), urgent
# precision of the everyday writer w48 0.806 -> 0.833 and w13 0.922 -> 0.928, recall the same;
# at 0.35 recall fell on w13 (0.996 -> 0.988) and w41
UNSUPPORTED_URGENT_LONG = 0.2


def unsupported_limit(length: int) -> float:
    """The model verdict under which an urgent reading of a message of ``length`` characters
    that names nothing harmful is only a possible danger."""
    return UNSUPPORTED_URGENT if length <= UNSUPPORTED_MAX_CHARS else UNSUPPORTED_URGENT_LONG


# Below this, a possible danger needs something harmful named in the message.
FAINT_POSSIBLE = 0.01
# concepts that tell of harm by themselves (an old person, a child, a crowd, 现在 or 快 do not)
_HARM_CONCEPTS = frozenset(
    {
        "unreachable", "absent_days", "pileup", "odor", "unconscious", "injury", "breathing",
        "poison", "despair", "edge", "moving", "burning", "gas", "water", "electric", "lift", "enclosed",
        "weapon", "fight", "fall_into",
    }
)  # fmt: skip


def nothing_harmful_named(
    text: str, hazards: Collection[str], cues: Collection[str], strict: bool = True
) -> bool:
    """True when ``text`` (normalised) names no kind of danger, no live danger cue and no
    harmful concept: whatever urgency the model reads comes from its style alone. Not
    ``strict``: water alone (a tap, a pipe with no flood named) is not harmful either."""
    harmful = _HARM_CONCEPTS if strict else _HARM_CONCEPTS - {"water"}
    return (
        not hazards
        and not any(cue.startswith("live:") for cue in cues)
        and harmful.isdisjoint(concepts(text.lower()))
    )


def danger_band(p_urgent: float, meta: Mapping[str, float]) -> str | None:
    """``"urgent"``, ``"possible"`` or ``None`` from the urgent head's probability and the
    thresholds chosen at training time (``meta``)."""
    if p_urgent >= meta.get("urgent_threshold", 0.5):
        return "urgent"
    if p_urgent >= meta.get("possible_threshold", 0.2):
        return "possible"
    return None
