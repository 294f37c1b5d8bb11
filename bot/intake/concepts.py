"""Concepts: the parts a danger is composed of, in any register.

A resident says the same thing in many ways: 没人接 / 无人接听 / 冇覆 / 唔通 / 停机 are one
*state* (cannot be reached); 独居 / 孤老 / 一个人住 / 子女在外地 one *person* (alone). A
character n-gram model learns each way separately, from the writers it has seen; a concept
learns them together, and a *pair* of concepts (an old person living alone + cannot be
reached, something swaying + people underneath) composes a danger the way a reader does,
whatever the words.  Model features only (``c:<concept>`` and ``cc:<a>&<b>``): the weights
are learned, never a decision on their own.  Written as general vocabulary (plain Mandarin,
formal reports, northern and southern dialect, written Cantonese after the normaliser).
"""

from __future__ import annotations

import re
from itertools import combinations

_CONCEPTS: dict[str, str] = {
    # who is at risk
    "elder": r"老人|老年|独居|孤老|空巢|老伯|老伯伯|阿婆|阿伯|阿公|阿嬷|爹爹|娭毑|奶奶|爷爷|婆婆|外婆|外公|姥"
    r"|老太|老头|老豆|老窦|阿妈|老母|老妈|老爸|老汉|老爷子|大爷|大妈|老人家|老两口|[七八九]十(?:多|几)?岁",
    "alone": r"独居|独自|一个人住|一个人在家|自己住|孤老|空巢|孤寡|子女.{0,6}(?:外地|外国|国外|不在)"
    r"|儿女.{0,6}(?:外地|外国|国外|不在)|无人照顾|没人照顾",
    "child": r"小孩|孩子|细路|细佬|娃|宝宝|幼儿|小朋友|学生|儿子|女儿|孙子|孙女|伢|囡",
    "crowd": r"下面是|下方|底下|楼下|正下方|路过|通道|出入口|门口|人行道|公交站|操场|游乐|滑梯|行人|住户出入"
    r"|好多人|很多人|上学|放学|小孩玩|孩子玩",
    # states of a person
    "unreachable": r"没人接|无人接|冇人接|不接|打不通|唔通|关机|停机|冇覆|没回(?:复|信|消息|微信)|不回"
    r"|联系不上|联络不上|联系唔到|没人应|无人应|冇人应|没动静|无动静|冇动静|没反应|无反应|冇反应"
    r"|没人开|无人开门|冇人开|敲门.{0,6}(?:没|无|冇)|按门铃.{0,4}(?:没|无|冇)",
    "absent_days": r"[两二三四五几好多数]{1,2}[天日]|一?个?礼拜|一?个?星期|一周|两周|几周|半个月"
    r"|没下楼|没出门|未见|没见|冇见|唔见",
    "pileup": r"(?:快递|外卖|报纸|牛奶|菜|信件|包裹|垃圾|饭).{0,10}(?:堆|放了|挂|没人拿|无人领|冇人拎|没拿|没收|未取)",
    "odor": r"异味|臭味|怪味|臭|苍蝇|味道",
    "unconscious": r"神志|意识不清|昏|晕|呼之不应|叫不醒|喊不醒|没反应|无反应|不省人事|口吐|白沫|呕吐物|抽搐"
    r"|倒在|躺在|瘫|不动了|冇反应|唔识郁|动唔到",
    "injury": r"流血|出血|血流|好多血|一地血|骨折|头破|伤口|咬伤|咬了|烫伤|烧伤|割伤|划伤",
    "breathing": r"喘不|呼吸|憋气|噎|卡喉|窒息|透唔到气|抖唔到气|嘴唇发紫|脸发紫",
    "poison": r"农药|老鼠药|耗子药|安眠药|除草剂|杀虫剂|敌敌畏|百草枯|吞了|喝了.{0,4}(?:药|水|液)|中毒|误食|吃错药|一瓶药|整瓶",
    "despair": r"不想活(?!到|那么|太)|活不下去|不想撑|撑不下去|活着没意思|没意思了|想死|去死|死了算|了结|一了百了|遗书|再见了|不想再?醒|emo到头|这辈子(?:太|好)累|活得太累"
    r"|最后一天.{0,8}(?:不用回|别回|别找|再见|永别)"
    r"|唔想再生存|唔想活|生存落去|轻生|想不开|跳下去|往下跳|割腕",
    "edge": r"边上|边缘|栏杆外|护栏外|窗台外|窗外|天台|楼顶|屋顶|阳台外|腿.{0,4}(?:伸|悬|吊)|悬空|坐在.{0,6}(?:边|沿)",
    # states of a thing
    "moving": r"晃|摇|松动|松脱|松了|倾斜|歪|往外倒|往下掉|掉落|坠落|剥落|脱落|掉下来|冧|塌|坍|垮|断裂|裂开|裂缝"
    r"|开裂|变形|弯晒|弯了|哐哐",
    "burning": r"浓烟|冒烟|烟雾|黑烟|火势|蔓延|明火|着火|起火|烧着|点着|烧起来|火光|火苗|焦味|焦糊|烧焦|塑料味"
    r"|胶味|烧嘅味|着咗火|弧光|放电|火花|橘红|噼啪",
    "gas": r"煤气|燃气|天然气|液化气|瓦斯|沼气|臭鸡蛋|嘶嘶|报警器",
    "water": r"水(?!费|电费|表读)|漏|渗|淹|浸",
    "electric": r"电线|电箱|配电|插座|电闸|开关|灯|电表|电源|带电|漏电|麻手|电到|触电|通电|电器",
    "lift": r"电梯|电悌|升降机|轿厢|梯门|井道",
    "enclosed": r"困|关在|锁在|卡在|卡住|夹住|压住|压着|出不来|出唔到|上不来|爬不出|开不了门|打不开",
    "weapon": r"刀|斧|棍|钢管|枪|淋红油|泼油|泼汽油|威胁|恐吓|放火|纵火|砍|捅|持械",
    "fight": r"打人|打架|殴打|动手|打起来|掐|揍|踹|家暴|尖叫|呼救|喊救命|求救|砸门|撬",
    "deep_water": r"河|湖|池|塘|水库|江|海|泳池|水坑|井|冰面|冰窟",
    "fall_into": r"掉进|掉落|落水|跌落|掉入|坠入|跌入|掉咗落|跌咗落|冲走|沉下|扑腾|没露头|冒不出头",
    # time and urgency of the telling
    "now_words": r"现在|正在|还在|目前|此刻|眼下|马上|立即|立刻|紧急|尽快|速派|赶紧|赶快|快来|快点|依家|而家|宜家"
    r"|紧|仲在|眼看|随时",
    "help_words": r"救命|救救|帮帮|快来人|来人|报警|110|119|120|急救|救护车|消防|派出所|开门核实|破门",
}
_CONCEPT_RES = tuple((name, re.compile(pattern)) for name, pattern in _CONCEPTS.items())
#: the words for an old person (other modules widen it for their own purpose)
ELDER = _CONCEPTS["elder"]
_MAX_PAIRS = 60  # a long report can name many concepts; its pairs are capped


def concepts(text: str) -> tuple[str, ...]:
    """The concepts named in ``text`` (normalised, lower-cased), in a fixed order."""
    return tuple(name for name, pattern in _CONCEPT_RES if pattern.search(text))


def concept_features(text: str) -> list[str]:
    """``c:<concept>`` for each concept and ``cc:<a>&<b>`` for each pair of them."""
    found = concepts(text)
    feats = ["c:" + name for name in found]
    feats.extend(f"cc:{a}&{b}" for a, b in list(combinations(found, 2))[:_MAX_PAIRS])
    return feats
