"""Urgency: danger to life or property happening now.

A danger cue (fire, smoke, gas smell, sparks, a fall, someone unconscious or missing,
trapped in a lift, a burst pipe flooding, …) makes a message urgent unless, in its
clause, it is hypothetical (万一/如果/怕/会不会/隐患), negated (没有/不/未), past
(上次/以前/昨天, 摔倒过) or already fixed (已经灭了/修好了).
"""

from __future__ import annotations

import re

from .clauses import Clauses
from .danger_cues import DANGER_KINDS as _DANGER_KINDS
from .danger_cues import PEOPLE as _PEOPLE
from .danger_cues import UNCLE as _UNCLE

_DANGER = tuple((kind, re.compile(pattern), trigger) for kind, pattern, trigger in _DANGER_KINDS)
_DANGER_SETS = tuple((kind, pattern, frozenset(trigger)) for kind, pattern, trigger in _DANGER)
_MISSING = re.compile(
    r"走丢|走失|(?<!看)不见了|找不到了|找不着了|失踪|联系不上|没回来|没回家|迷路|一直没回"
    r"|找不到(?:妈妈|爸爸|家长|家人|大人)"
    # 我家闺女不见一个多小时了: gone for the hours told
    r"|(?<!看)不见[一两三四五六七八九十几半]+个?多?(?:钟头|小时)了"
    r"|(?:这礼拜|这周|这个礼拜|这个星期|一礼拜|一个礼拜|一周|一星期)(?:了)?(?:一回|一次)?(?:都|也)?没(?:见|看见|见着|见到|露面|出来)"
    r"|(?:出门|出去|出了去)[^。！!？?]{0,10}(?:之后|以后|后)?(?:就)?没回来"
    r"|好几天都?没(?:见|出门|出来|下楼|露面)|[两三四五六七几]天(?:都|了)?没(?:见到?|见着|看到|看见|露面)了?"
    r"|跟丢|(?:孩子|小孩|娃|孙子|孙女|儿子|女儿|老人)丢了"
    # 我家老头又跑了 … 这回出去三个钟头了: wandered off again, hours ago
    r"|(?:老头|老太|老人|老爷子|老太太|老伴|爸|妈|爷爷|奶奶|外公|外婆)\s?(?:他|她)?\s?又(?:跑|走丢|跑丢|走失|跑出去)了"
    r"|出去(?:了)?[一两三四五六七八九十几半]+个?多?(?:钟头|小时)(?:了|还没)"
    r"|(?:陌生|不认识)的?人.{0,4}(?:接走|带走|抱走|拉走)"
    # 老师说被一个男的接走了 我们家没人去接: a child taken by someone the family did not send
    r"|被(?:一个|个)?(?:男的|女的|男人|女人|陌生人|什么人|谁).{0,4}(?:接走|带走|抱走|领走)"
    # 应该六点到家 现在八点多了: overdue home, and it is now past
    r"|(?:应该|早该|本该|早就该|平时)(?:在)?.{0,8}(?:到家|回家|回来)(?:了)?.{0,6}(?:现在|都|还没|到现在)"
)
# 三天没下楼 … 刚去敲门她开了, 两天没见 … 在他女儿家: found since, told in the same message
_FOUND_SINCE = re.compile(
    r"好好的|没事|[她他](?:说|开了|开门|接了|回来|应了|答应了|应声了|回话了)|原来|开门了|回来了|看到[她他]了|碰到[她他]"
    r"|在(?:她|他)?(?:儿子|女儿|闺女|亲戚|朋友|老家)家"
)
_ELDER_RE = re.compile(
    r"妈|爸|奶奶|爷爷|外婆|外公|姥|老人|老伴|一个人住|独居|老爷子|老太太|老头|阿嬷|阿嫲|阿公|阿婆"
    r"|(?<![姑新])娘|老舅|舅舅|姑妈|姑姑|姨妈|老姨|姨婆|姑婆|婶婶|老汉|"
    + _UNCLE
    # an older neighbour called 老 and the surname (老周家): whom a welfare check is about
    + r"|老[张王李陈刘黄林杨赵周吴徐孙朱胡郭何罗郑梁谢](?:家|头|大爷|奶奶|太)?(?![师板总公婆])"
)
_UNANSWERED = re.compile(
    r"(?:打了|一直|一天|好几|半天|几个|[两三四五几]天|这周|视频|电话).{0,8}"
    r"(?:没人接|不接|打不通|关机|(?:都|也|还)?没(?:有)?接(?![到单受收]))"
    r"|敲不开|[敲拍]门.{0,4}(?:没人应|没反应|不应|没声)|电话.{0,2}(?:又|也|都)?不通"
    r"|(?:成日|整天|一整天|一天|两天|几天|好几天).{0,3}(?:没|不)(?:回复?|覆)(?:信息|消息|微信|我)?"
    # no sound or movement from the flat for a day or more (两天没动静了, 一天没挪窝)
    r"|(?:一天|一整天|整天|[两三四五几]天|好几天|一宿|一晚上).{0,3}没(?:有)?(?:动静|声音|声响|挪窝|挪地方|下床|下过床)"
    r"|电话.{0,4}(?:就是|还是|总是|都|也|一直)(?:没人接|不接|打不通|关机|占线)"
    r"|(?:菜|奶|牛奶|报纸|外卖|饭|饭盒|垃圾袋?|快递|包裹).{0,10}(?:[都也]没人?拿|没拿进去|没收进去|一直(?:放着|挂着|在门口))"
    r"|(?:快递|包裹).{0,10}没人收"
    r"|饭盒.{0,3}没(?:人)?动"
    # 怎么敲都不开门, 电话在屋里响 (nobody picks up a phone ringing inside)
    r"|(?:怎么|咋)[敲拍叫喊]都不(?:开|应)|电话在(?:屋里|里面|家里)响|饭(?:还)?(?:放|搁|挂)在门口"
    # the signs seen from outside: a light or the television on for days, curtains never opened
    r"|(?:灯|电视)(?:一直|还|都|整天)?(?:亮|开)着?了?.{0,6}(?:[两三四五六七几好多]天|三天三夜|几天几夜)"
    r"|(?:亮|开)着灯.{0,6}(?:[两三四五六七几好多]天|[两三]天[两三]夜|几天几夜)"
    r"|窗帘.{0,6}[两三四五六七几好多]天.{0,3}没(?:拉开|开|动)"
)
# something swallowed, told in either order: 喝了农药, 喝了一口…是除草剂
_SWALLOWED = re.compile(r"喝了|喝下|吃了|吞了|误服|误食|灌了")
_POISON = re.compile(
    r"农药|除草剂|杀虫剂|敌敌畏|百草枯|老鼠药|耗子药|安眠药|消毒液|84消毒|漂白水|洁厕灵|一整?瓶药|整瓶|半瓶|大半瓶|一把药|降压药|降血压药|血压药"
)
# distress said from a height: 受不了 … 站在天台
_DISTRESS = re.compile(r"受不了|顶不顺|撑不住|崩溃|绝望|不想活|没法活|好累好累|活不下去")
_AT_EDGE = re.compile(
    r"(?:站|企|坐|爬|蹲)(?:了|着)?(?:在|上)?.{0,3}(?:天台|露台|阳台|楼顶|窗台|窗边|窗外|桥上|桥边|河边|江边|栏杆外)"
)
# (kind, what is said, where it happens): 喝了 + 除草剂, 受不了 + 站在天台, in either order
_PAIRED = (("fall", _SWALLOWED, _POISON), ("violence", _DISTRESS, _AT_EDGE))
_PEOPLE_RE = re.compile(_PEOPLE + r"|一个人住|独居")
_THING_RE = re.compile(r"猫|狗|宠物|鹦鹉|钥匙|手机|快递|车|东西|包裹|卡|证")
_HYPOTHETICAL = re.compile(
    r"万一|如果|要是|假如|假设|怕|担心|害怕|恐怕|会不会|可能|容易|小心|预防|隐患|以防|避免|一旦"
    r"|注意|演练|演习|培训|知识|是否|真(?![的系係])|会$|(?<![怪些句样])的话|差点|差一点|一下雨|一到|每次|每逢|经常|总是|老是"
    r"|天天|每天|防止|防范|防走失|防火|防盗|火得|火爆"
)
# 如果有个小孩在冷气机架上坐着要不要报警? 对面楼现在就是这样: the "if" is what is seen
_SO_NOW = re.compile(
    r"(?:现在|而家|此刻|眼下)(?:就|正)(?:是|系)?(?:这样|这么|这个样子|咁|这个情况)"
)
_NEGATED = re.compile(
    # (是不是煤气漏了, 有没有人在里面: a question asked of something seen, not a denial)
    r"(?:(?<!有)没有?|并没有?|未|无|别|(?<!是)不|不会|没再)(?:人|再|在|有|是|会|要)?$"
    # 没闻着煤气味, 没看见冒烟: not perceived
    r"|(?:没有?|并没有?|未)(?:闻到|闻着|闻见|看到|看见|看着|听到|听见|见)(?:有|什么|啥|一点)?$"
    # 她最近压力大 但没说想不开: not said
    r"|没(?:有)?说(?:过|要)?$"
)
_PAST = re.compile(
    r"上次|上回|以前|之前|去年|前年|上个月|上周|曾经|前几天|那次|昨天|昨晚|前天|小时候|那年|夜里|老早|早先"
)
# 从前天起就敲不开门: a danger that began in the past and goes on is live
_STILL = re.compile(
    r"现在还|还在(?:冒|烧|漏|喷|响|叫)|正在|一直在|从.{0,5}(?:起|开始)"
    # 阀门关了 人出来了 味道还是好大: what was done has not ended it
    r"|(?:味|味道|烟|气味)(?:还是|还)(?:好|很|特别|那么|挺)?(?:大|浓|冲|重|呛)"
    # 一股怪味 越洗越浓: growing still, whatever was switched off
    r"|越.{0,3}越(?:浓|大|冲|重|呛|厉害)"
    # 今天早上比昨天宽了好多: worse now than before
    r"|比(?:昨天|前天|昨晚|上午|早上|以前|上次)|现在又|这回又|这次又"
    # 昨天的饭也还挂在门上: left since yesterday, still there
    r"|还(?:挂|放|堆|摆)在"
)
# 昨天下午到现在电话一直占线: nobody has answered since yesterday
# 昨天中午的饭盒没动，今天的也没拿: still not, today
_UNTIL_NOW = re.compile(r"到现在|至今|到今天|到今早|今天(?:的)?(?:也|还|又)")
_POST_CANCEL = re.compile(
    r"^(?:过|的话|隐患|风险|演练|知识|预防|检查|似的|一样)|跑都跑|跑不出|跑不掉|跑不了|怎么跑|怎么办|咋办|怎么(?:急救|处理|预防|防)|遭殃|完了"
)
# 燃气报警器响了要怎么处理 现在就在响: asked what to do, and it is happening as they ask
_GOING_NOW = re.compile(r"现在(?:就|正|还)在|(?:正在|还在|一直在)(?:响|冒|漏|烧|叫)")
_FIXED = re.compile(
    r"(?<!灯)(?<!灯光)(?:已经灭|已灭)|已经(?:给|被)(?:灭|扑灭|浇灭|弄灭)了|扑灭了|灭掉了|已经熄|(?<!灯)熄灭了|救了出来|已经出来了|没事了|修好了|处理好了|已经好了|(?<!房门)(?<!台门)(?<!屋门)(?<!室门)(?<!间门)(?<!家门)(?<!窗户)已经关了(?!炉|灶|灯|窗|门|电闸|开关|总闸)|找到了|已经回来|救出来|正常了"
    r"|已经没有了|现在没(?:烟|味|事|水|了)|多亏|(?:么|莫|冇)得(?:啥)?事"
    # the ambulance has come and gone: what is left (a stain) is not an emergency
    r"|救护车.{0,4}(?:走了|开走|拉走|接走)|(?<!生人)(?<!识的人)(?<!识人)(?<!男的)(?<!女的)(?<!个人)(?<!什么人)(?<!谁)(?:拉走|接走|送走|送去医院|送到医院|送医院)了"
)

# people who got out (已经出来了, 救出来了) end a danger to them, not a fire, a leak or a fall
# of masonry that goes on without them
_ESCAPED = re.compile(r"(?:都|全都|全家|一家人?)?(?:已经)?(?:跑|逃|救了?|撤)?出来了?")
_THINGS = frozenset({"fire", "smoke", "spark", "gas", "flood", "wet_electric", "falling", "animal"})


_DOWNPLAY = re.compile(
    r"^\s*(?:h+|哈+|嘿嘿|嗯+|那个)?\s*(?:(?:可能|应该|也许|估计|大概)?(?:是我)?(?:没(?:什么|啥)?(?:大)?事|不是(?:什么|啥)?大事"
    r"|不(?:太)?严重|多虑了?|想多了|多心了?|小题大做)"
    r"(?:吧|哈|哦|啊|哈哈)?)[\s,，。.]*(?=但|不过|可是|就是|只是)"
    # 也可能人家是冬泳 但是…, 可能她出门了吧 但…: the innocent reading offered first
    r"|^\s*(?:也|或者|当然)?(?:可能|也许|或许|说不定)(?:人家|她|他|它|老人|是)[^，,。.!！?？但]{1,14}"
    r"(?:吧|呢|哈)?[\s,，。.]*(?=但|不过|可是)"
)


_DOWNPLAY_END = re.compile(
    r"[\s,，。.]+(?:可能|应该|也许|估计|大概)(?:是我)?(?:不是(?:什么|啥)?大事|想多了|多虑了)"
    r"(?:吧|哈|哦|啊)?[\s。.!！~～]*$"
    # 窗台上站着个小朋友 … 应该没事吧？: asking to be told it is fine is no all-clear
    r"|[\s,，。.]+(?:应该|可能|不会)?(?:没事|没什么事|没啥事|有事)(?:吧|吗|嘛)[？?]*\s*$"
)


def _clause(clauses: Clauses, start: int, end: int) -> tuple[str, str]:
    left, right = clauses.bounds(start, end)
    return clauses.text[left:start], clauses.text[end:right]


def _why_dead(clauses: Clauses, start: int, end: int, fixed: bool) -> str | None:
    """``None`` when the danger at ``text[start:end]`` is live, else why it is not."""
    text = clauses.text
    pre, post = _clause(clauses, start, end)
    if (
        _HYPOTHETICAL.search(pre + text[start:end]) or _HYPOTHETICAL.match(post)
    ) and not _SO_NOW.search(text):
        return "hyp"
    if _NEGATED.search(pre) or (_POST_CANCEL.search(post[:8]) and not _GOING_NOW.search(text)):
        return "neg"
    if _PAST.search(pre) and not _STILL.search(pre + text[start:end] + post):
        return "past"
    if fixed and not _STILL.search(text[start:end] + post):
        return "fixed"
    return None


def _live(clauses: Clauses, start: int, end: int, fixed: bool) -> bool:
    return _why_dead(clauses, start, end, fixed) is None


# Whole-message cues for the model: tense, who is in danger, and the look-alike contexts of
# LABELLING.md (cooking smoke, 急 about paperwork, exclamations, drills, news from elsewhere).
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        (
            "now",
            r"现在|正在|还在|一直在|马上|赶紧|赶快|快来|快点|快派|快救|救命|救救|刚刚|刚才|这会|此刻|眼看",
        ),
        (
            "help",
            r"救命|救救|帮帮|快来人|来人啊|怎么办|咋办|咋整|么样搞|怎么搞|报警|打110|打119|打120",
        ),
        ("person", _PEOPLE + r"|一个人住|独居|邻居|有人|人在"),
        ("child", r"孩子|小孩|娃|宝宝|伢|儿子|女儿|孙子|孙女|小朋友|学生"),
        ("elder", r"老人|爷爷|奶奶|外婆|外公|姥|爹爹|娭毑|老伴|老太|老头|大爷|大妈|阿婆|阿公|独居"),
        (
            "unreach",
            r"打不通|没人接|不接|联系不上|没回|没开门|没人应|敲门|没动静|没反应|好几天没|几天没",
        ),
        ("hyp", _HYPOTHETICAL.pattern),
        ("past", _PAST.pattern),
        ("fixed", _FIXED.pattern),
        (
            "neg",
            r"没有(?:着火|冒烟|漏|人受伤|受伤|危险)|(?<!是)不是(?:着火|煤气)|没事|不严重|不急|不着急|不打紧|不赶时间|慢慢来"
            r"|没(?:有)?闻(?:着|到|见)",
        ),
        # 熏腊肉 is cooking; 熏得头疼 is what a smell does to someone
        # (and a burning that is a custom, not a fire: 烧纸 / 烧香 for the dead)
        (
            "cook",
            r"做饭|炒菜|烧菜|煎|炸东西|油烟|烧烤|烤肉|熏(?![得的死])|炖|煮|烧水|做菜"
            r"|(?:在|正在)炒|炒(?:辣椒|肉|鸡蛋|花生|糊|东西)|爆锅|炝锅|烙饼|烤红薯"
            r"|烧纸|纸钱|烧香|祭祖|上坟",
        ),
        ("paper", r"材料|截止|证明|低保|办理|盖章|审核|手续|申请|补贴|医保|社保|证件|表格"),
        ("exclaim", r"热死|笑死|累死|困死|烦死|气死|吓死我|饿死|冷死|臭死|忙死|死了都|要死了啊"),
        # (电梯困了人, 喘气好困难: trapped and short of breath, not sleepy)
        (
            "sleepy",
            r"(?<!被)困了(?![人两几一二三四五六七八九十半0-9])|困觉|困不着|没困着|好困(?!难)|犯困|困得(?!出不|动不)|困死|太困|瞌睡",
        ),
        ("drill", r"演练|演习|培训|讲座|宣传|知识|检查|巡查|排查"),
        (
            "news",
            # a video seen online, not a video call that nobody answers (两天没接视频)
            r"新闻|报道|听说|做梦|梦见|梦到|梦里|网上|(?<![接打回开])视频(?!电话|通话|的时候|时)|别的小区|隔壁小区|外地|老家"
            r"|电视上|电视剧|电影里|朋友圈|群里说",
        ),
        ("old", r"血迹|以前的|那次|去年|上个月|已经走了|救护车走了|过去了"),
        ("rust", r"生锈|锈了|老化|旧了|该换"),
        # the scare turned out fine: the neighbour answered, the smell was a barbecue, the dog
        # did not bite, the fallen man got up by himself
        (
            "resolved",
            r"打通了|接通了|[她他]接了|[她他]说(?:在|去|是|没)|刚.{0,3}(?:碰到|碰着|碰见)[她他]|[她他]应了"
            r"|送回来|找着了|虚惊|放心了|没啥事|没什么事|原来是|其实是|结果是|以为是|自己起来|扶起来了"
            r"|原来(?:她|他|人家|老人)|咳出来|缓过来|没咬|没砸着|没砸到|没伤到|没冒火|没着火|出来就没了|没味了|处理了"
            r"|看错了|搞错了|弄错了|误报|还以为|我以为",
        ),
        ("q", r"吗[?？]?$|[?？]$|请问|咨询|怎么申请|怎么办理|能不能|可不可以"),
    )
)


def _person_dangers(text: str, clauses: Clauses, fixed: bool, cues: set[str]) -> str | None:
    """Dangers told by what happens to a person rather than a danger word (someone gone,
    an old neighbour nobody hears from, poison swallowed, despair said from a height): adds
    their cues to ``cues`` and returns the first live kind."""
    found: list[str] = []
    if _PEOPLE_RE.search(text):
        spaced = Clauses(text, spaces=True)
        for m in _MISSING.finditer(text):
            pre, post = _clause(spaced, m.start(), m.end())
            if _THING_RE.search(pre + post):
                continue
            why = _why_dead(clauses, m.start(), m.end(), fixed)
            if why is None and _FOUND_SINCE.search(text, m.end()):
                why = "fixed"
            if why is None:
                cues.add("live:missing")
                found.append("missing")
            else:
                cues.add("dead:missing:" + why)
    if _ELDER_RE.search(text):
        for m in _UNANSWERED.finditer(text):
            why = _why_dead(clauses, m.start(), m.end(), fixed)
            if why == "past" and _UNTIL_NOW.search(text, max(0, m.start() - 8), m.end()):
                why = None
            if why is None:
                cues.add("live:unanswered")
                found.append("missing")
            else:
                cues.add("dead:unanswered:" + why)
    for kind, said, where in _PAIRED:
        anchor = said.search(text) and where.search(text)
        if anchor and _live(clauses, anchor.start(), anchor.end(), fixed):
            cues.add("live:" + kind)
            found.append(kind)
    return found[0] if found else None


def urgency_cues(text: str) -> tuple[str | None, tuple[str, ...]]:
    """(kind of the first live danger or ``None``, cue features for the model).

    Cue features: ``live:<kind>`` for each live danger pattern, ``dead:<kind>:<why>``
    for a danger pattern cancelled by hypothesis, negation, past or a fix, and the
    whole-message cues above.
    """
    if not text:
        return None, ()
    if _DOWNPLAY.match(text):
        # 可能没什么事 但是…: the hedge is politeness, what follows 但是 is the report
        text = _DOWNPLAY.sub(lambda m: " " * len(m.group(0)), text)
    # …扶手摸起有点烫 可能不是啥大事: the same politeness said last
    text = _DOWNPLAY_END.sub(lambda m: " " * len(m.group(0)), text)
    fixed = bool(_FIXED.search(text))
    # 一直冒火花，我和孩子已经出来了: people got out, the sparks go on
    ended = fixed and bool(_FIXED.search(_ESCAPED.sub(" ", text)))
    clauses = Clauses(text, spaces=None)
    found: list[tuple[int, int, str]] = []
    chars = set(text)
    for kind, pattern, trigger in _DANGER_SETS:
        if not trigger.isdisjoint(chars):
            found.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    first: str | None = None
    cues: set[str] = set()
    for start, end, kind in sorted(found):
        why = _why_dead(clauses, start, end, ended if kind in _THINGS else fixed)
        if why is None:
            cues.add("live:" + kind)
            if first is None:
                first = kind
        else:
            cues.add(f"dead:{kind}:{why}")
    person = _person_dangers(text, clauses, fixed, cues)
    first = first or person
    for name, pattern in _CUES:
        if pattern.search(text):
            cues.add(name)
    return first, tuple(sorted(cues))


def is_urgent(text: str) -> bool:
    """True when ``text`` (normalised) reports a danger happening now."""
    return urgency_kind(text) is not None


def urgency_kind(text: str) -> str | None:
    """The kind of the first live danger (fire, smoke, gas, spark, fall, help, trapped,
    lift, flood, wet_electric, violence, missing), or ``None`` when nothing urgent is
    reported."""
    return urgency_cues(text)[0]
