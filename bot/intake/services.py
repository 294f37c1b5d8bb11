"""What is a service, not a danger: an outage, a routine request, a resident locked out, a
fitting come off. The model, with so many emergencies in its corpus, reads words like 没气,
打不开 or 老人 + 药 as danger; these rules take such messages out of the danger bands unless
something in them is harmful now."""

from __future__ import annotations

import re
from collections.abc import Collection

from .danger import dripping_fixture, hazard_words
from .jokes import gadget_cry

# No water, no power, no heating: an outage is a repair however it is told (屋里冇得水了 一滴
# 都冇得), unless something makes it a danger: sparks or smoke, water reaching electrics,
# someone trapped, hurt or dependent on power (a ventilator), an old person who cannot be
# reached, the cold.  A cracked pipe is an ordinary leak too (冻裂 滴水), which is why 裂 is
# not a water escalation above: a burst says 爆 and water that pours says so.
_OUTAGE = re.compile(
    # (没有电器开着, 没电话: no appliance on, no phone — not an outage)
    r"停水|没水|冇得水|没得水|没有水|不来水|不出水|停电|没电(?![器话梯脑视])|没得电|没有电(?![器话梯脑视])"
    r"|断电|跳闸|没(?:有)?热水|没暖气|暖气不热"
)
# gas that ran out or was cut (燃气卡没钱了, 天然气没气了 做不了饭), not gas that escapes; 没气
# alone is also how one says someone stopped breathing, so the gas must be named
_GAS_OUTAGE = re.compile(
    r"(?:天然气|燃气|煤气|液化气)(?:卡)?(?:里)?(?:也|又|都)?(?:没气|没了|用完|用光|停了|欠费|没钱|余额不足)"
    r"|停气|(?:没|没有)(?:天然气|燃气|煤气)(?:用)?了|打不着火|点不着火"
    # 家里突然没气了 饭做一半: the gas, by what it was for
    r"|没气了.{0,10}(?:做饭|饭做|做不了饭|开不了火|卡里|充气|交费|缴费)"
)
# what makes a gas outage a danger: what makes gas one, or a person in trouble
_GAS_OUTAGE_ESCALATION = re.compile(
    r"烟|焦|糊|冒|爆|摔|倒|晕|血|伤|烫|痛|疼|哭|病|烧|救|快来|紧急|呼吸|氧|冻|冷得|中暑|困在|关在|出不"
)
_LIT = re.compile(r"(?:开|点|打)不(?:了|着)火")  # the stove will not light: the gas, not a fire
_GAS_ESCALATION = re.compile(r"味|闻|臭|嘶|漏|泄|跑气|冒|晕|头疼|恶心|爆|响|火苗|窜")
_OUTAGE_ESCALATION = re.compile(
    r"火|烟|焦|糊|烧|冒|滋|噼|啪|闪|响|淹|漫|喷|爆|涌|困|卡|锁|关在|出不|摔|倒|晕|血|救|快来|赶紧|紧急"
    r"|呼吸|氧|透析|冻|冷得|中暑|几天|联系不上|不接|没人应|敲门|孩子|小孩|婴|宝宝"
    # 人被电线粘住了 快断电: the power asked to be cut, not missing
    r"|粘住|麻了|触电|电到|(?:快|赶紧|马上|先)(?:断电|拉闸)"
)


def utility_outage(text: str, hazards: Collection[str]) -> bool:
    """True for an outage (water, power, heating) that names no other danger (``text``
    normalised, ``hazards`` its :func:`hazard_words`)."""
    if _GAS_OUTAGE.search(text) is not None:
        rest = _GAS_OUTAGE.sub("", text)  # its 没气 is the gas's, not someone's breath
        return (
            set(hazard_words(_LIT.sub("", rest))) <= {"flood", "electric", "gas", "child"}
            and _GAS_ESCALATION.search(text) is None
            and _GAS_OUTAGE_ESCALATION.search(text) is None
        )
    return (
        set(hazards) <= {"flood", "electric"}
        and _OUTAGE.search(text) is not None
        and _OUTAGE_ESCALATION.search(text) is None
    )


# A bill, a top-up or an account with the gas, water or power company (燃气费又涨了, 燃气卡充值,
# 天然气开户): money, not gas escaping.  我晕 / 晕死 opening such a message is exasperation
# (我晕，燃气费又涨了 was read as gas poisoning).  Anything that makes gas a danger keeps the
# model's decision: a smell, a hiss, a leak, smoke, someone dizzy or sick — and so does a bill
# left on a door, which is how a neighbour who has not been seen is noticed.
_BILL = re.compile(
    r"(?:燃气|煤气|天然气|液化气|水|电|暖气|取暖)(?:费|卡充值|卡充|账单|开户|过户|户号)"
    r"|缴费|交费|充值|账单|扣费|多扣|开户|过户|户号|涨价|价格|阶梯价"
)
_EXASPERATED = re.compile(r"^(?:我晕|晕死了?|真晕|我的天|天哪|我去)[\s,，!！~～。…]*")
_BILL_DANGER = re.compile(
    r"味|闻|臭|嘶|漏|泄|跑气|冒|烟|火(?!车)|爆|晕|头疼|头痛|恶心|倒|昏|叫不醒|血|救|困|报警器|响|快来"
    r"|贴|塞|揭|撕|门上|门口|信箱|几天|好久|一周|礼拜|星期|没见|独居|敲门|不应|没人|担心|联系|关机|不接"
)


def utility_bill(text: str) -> bool:
    """True for a question or complaint about a utility bill or account that names no danger
    (``text`` normalised)."""
    if _BILL.search(text) is None:
        return False
    return _BILL_DANGER.search(_EXASPERATED.sub("", text.strip())) is None


# A routine service request (buy groceries, a regular clean, an application, a question)
# that names no acute state at all is not an emergency, however old or frail the person it
# is for: the model otherwise reads "老人" + "药" as a medical danger.  Any word of harm,
# fire, water, violence, absence or pain keeps the model's decision.
_ROUTINE_REQUEST = re.compile(
    r"帮.{0,8}买|帮忙买|帮我买|买点|买些|买两|买几|送点|送些|代买|定期|每周|每个月|每月|打扫|想找人|想请人|能不能安排|安排个"
    r"|申请|办理|咨询|请问|问一下|想问|有没有.{0,6}服务|陪.{0,4}聊|上门理发|助浴|送餐|老年餐"
    r"|换.{0,2}灯泡|灯泡坏"
    # where someone lives: 我搬家了 现在住…, 她住5栋 我不住那
    r"|搬家|搬过来|搬走了|新地址|(?:不|没)住(?:在)?(?:那|这)|住(?:在)?(?:那边|这边)"
    r"|报名|报个名"
    # where to leave a parcel: 快递放在门口就行 我奶奶在家
    r"|(?:快递|外卖|包裹|件|东西)(?:就|直接)?放(?:在)?(?:门口|门外|楼下|门卫|驿站|快递柜|丰巢)"
)
_ACUTE_STATE = re.compile(
    r"摔|跌|倒|晕|昏|不动|叫不醒|叫不应|没反应|没气|呼吸|流血|出血|吐血|是血|血流|抽|吐|火|烟|焦|糊|煤气|燃气|天然气|味|漏|喷"
    r"|淹|塌|掉|砸|困(?!难)|卡|压住|压着|压到|被压|打人|打架|被打|打起来|殴|刀|砍|撬|跳|死|不想活|活不|活够"
    r"|不见|找不到|走丢|没回|联系不上|打不通|不接|没人应|敲门|几天|疼|痛|急|快来|快点|赶快|救|喊|哭"
    r"|烧|触电|漏电|电线|火花|冒|水|没人|声音|门铃|三天|礼拜|星期|放了|堆着|堆了|没接|心脏|犯病|发病"
    r"|没开门|不开门|敲不开|还放在|在屋里响|天了|没拿|没取|没收|(?:饭|餐|盒|菜|东西|快递|外卖|报纸|牛奶).{0,4}没动"
    # an animal in the home, a child climbed up, someone face down: 请问发现蛇应该打什么电话
    r"|蛇|咬|蛰|马蜂|野猪|爬到|爬上|叫不下来|趴在"
)


# A short answer to "where?": 住幸福里 二栋, 7栋 我爸住那, 就在小区大门口 (only a short one: a
# longer message that opens 住我对面的独居伯伯… goes on to tell something)
_WHERE_ONLY = re.compile(
    r"^(?:就|我|我们|她|他)?住|住的是|(?:我|他|她|爸|妈|婆婆|奶奶|爷爷|外婆|姥姥)住那"
    r"|^(?:就)?在.{1,10}(?:门口|旁边|边上|楼下|附近|对面|里面|那边)$"
)
_WHERE_ONLY_MAX = 16


def routine_request(text: str) -> bool:
    """True for a routine request, or a short answer saying where, that names no acute state
    (``text`` normalised)."""
    asked = _ROUTINE_REQUEST.search(text) is not None or (
        len(text) <= _WHERE_ONLY_MAX and _WHERE_ONLY.search(text) is not None
    )
    return asked and _ACUTE_STATE.search(text) is None


# 推拉门掉轨了, 单元门的把手掉了: a fitting that came off, nothing falling on anyone
_FITTING = re.compile(
    r"(?:把手|拉手|门把|扶手|合页|铰链|门吸|锁芯|按钮|按键|旋钮|滑轮|挂钩|门牌|插销)(?:也|又|都)?掉了|掉轨|脱轨"
)
# (燃气灶旋钮掉了 还一直往外跑气: what came off lets gas, water or current out)
_FITTING_DANGER = re.compile(
    r"砸|伤|人|孩子|小孩|楼下|高空|窗外|往下|掉下|血|摔|气|烟|火|焦|水|电|漏|冒|嘶|喷|响|味"
)


# 锁打不开了 进不去门, 钥匙丢了: locked out, nobody shut in, nothing burning inside
_LOCKED_OUT = re.compile(
    r"(?:锁|钥匙|门).{0,8}(?:打不开|开不了|开不开|拧不动)|(?:进不去|进不了)(?:门|家|屋)?|钥匙(?:丢|掉|断|忘|落)"
    r"|(?:锁|关)在(?:了)?(?:门外|外面|外头)"
)
_SHUT_IN = re.compile(
    r"里面|屋里|家里(?:有|还)|孩子|小孩|宝宝|婴|娃|老人|老太|大爷|奶奶|爷爷|出不来|关在(?!了?(?:门外|外面|外头))|困"
    r"|火|烟|气|味|水|电(?!话)|晕|倒|摔|血|哭|喊|炉|灶|锅|救"
    # 想从二楼爬窗户进去 现在挂在窗外: the locked-out resident is now in danger
    r"|挂在|吊在|悬在|爬窗|翻窗|掉下"
)


def locked_out(text: str) -> bool:
    """True for a resident locked out of their own home, with nobody and nothing at risk
    inside (``text`` normalised)."""
    return _LOCKED_OUT.search(text) is not None and _SHUT_IN.search(text) is None


# 卧室窗帘杆掉下来了: a fitting inside the home came down; nothing outside a window is named
_INDOOR_FALL = re.compile(
    r"(?:窗帘杆|窗帘轨道?|窗帘盒|窗帘|浴帘杆|毛巾架|置物架|衣柜门|柜门|柜子门|抽屉|灯罩|挂画|镜子|门帘)"
    r"(?:也|又|都)?(?:掉下来了|掉下来|掉了|脱落了?|松了)"
)
_INDOOR_FALL_DANGER = re.compile(
    r"砸|伤|人|孩子|小孩|楼下|高空|窗外|往下|血|摔|气|烟|火|焦|水|电|漏|冒|响|味|阳台|外墙"
)


# 墙皮一大块一大块往下掉粉: paint and plaster flaking indoors, a repair
_FLAKING = re.compile(
    r"(?:墙皮|墙灰|腻子|涂料|油漆|墙面).{0,12}(?:掉粉|掉灰|掉渣|起皮|起鼓|发霉|脱皮|掉皮)"
)
_FLAKING_DANGER = re.compile(r"砸|伤|人|孩子|小孩|头|楼下|外墙|高空|窗外|裂|塌|歪|鼓出来|晃")
# 对门养了三条狗 楼道里全是狗骚味: a neighbour's pet as a nuisance, nothing attacked
_PET = re.compile(r"狗|(?<![藏躲])猫(?![眼猫])|鸽子")
_PET_NUISANCE = re.compile(r"骚味|臭|屎|尿|粪|掉毛|吵|扰民|睡不着|拴|吓到|吓着|乱叫|养了|遛狗")
# an attack, or a pet crying in a home whose owner is not seen: a danger, not a nuisance
_ATTACK = re.compile(
    r"(?<!不)(?<!不会)(?<!没)咬|扑|追|攻击|流血|出血|伤|疯|凶|围|圍|冲|龇牙|堵|撕|抽|蛇|马蜂|野猪|猴"
    r"|没出来|冇出来|出嚟|动静|聲音|联系|敲|一整天|[一两三几]天|一夜|喂|屋里|屋头|家里|独居|一个人|老人"
)
# a foul smell in a shared place (车库入口一股尿骚味), nobody's flat named
_FOUL = re.compile(r"(?:尿|屎|粪|骚|馊|腥|霉|下水道)(?:臭)?味|臭烘烘|恶臭")
_FOUL_PLACE = re.compile(
    r"车库|楼道|垃圾|电梯|下水道|化粪池|公厕|厕所|花坛|草丛|路边|绿化带|地下室"
)
_FOUL_DANGER = re.compile(
    r"煤气|燃气|天然气|液化气|焦|糊|烟|烧|塑料|臭鸡蛋|头晕|恶心|独居|老人|几天|好久|没见|联系|敲门|屋里|家里|尸"
)


# 楼下有人在烧烤 烟一股一股飘上来: a neighbour's or a stall's cooking smoke drifting in is a
# nuisance, unless something burns, a pot boils dry or someone is hurt, lost or away
_COOKING = re.compile(
    r"(?:楼下|楼上|隔壁|对门|对面|邻居|摊|饭店|餐馆|饭馆|店|有人在).{0,8}"
    r"(?:烧烤|烤肉|烤串|羊肉串|撸串|炒菜|做饭|烧菜|炒辣椒|油烟|熏腊肉|熏肉)"
    r".{0,12}(?:飘|上来|进来|往上|返|熏|呛)"
    # 厨房在炒辣椒 烟好大呛死了: one's own cooking
    r"|(?:厨房|锅里?|我|我们|我家)(?:在|正在)?(?:炒|煎|炸|爆炒|烙|做饭|烧菜|做菜).{0,12}烟.{0,8}(?:呛|大|好多|熏)"
)
_COOKING_DANGER = re.compile(
    r"着火|起火|着了|明火|火苗|冒火|火光|烧起来|窜|黑烟|浓烟|干烧|烧干|忘关|没关火|没人在|人不在|没人应|敲门"
    r"|锁|晕|倒|昏|喘|咳|血|伤|哭|救|煤气|燃气|天然气|液化气|电|爆|不是|糊涂|出去|出门|走了|塑料|橡胶|烫"
)


# 楼上还在装修砸墙 吵得老人睡不着: building work heard, a noise complaint
_WORKS = re.compile(r"装修|施工|电钻|冲击钻|砸墙|敲墙|拆墙|打孔")
_WORKS_NOISE = re.compile(r"吵(?!起来|架)|噪音|睡不着|扰民|太响|震得|嗡嗡|咚咚")
_WORKS_DANGER = re.compile(
    r"塌|裂|掉下|砸到|砸伤|砸中|伤|血|晕|倒了|火|烟|气|电线|漏水|打人|骂|刀|抄起|榔头|锤|棍|动手|打起来"
)


# 楼上孩子跳绳跳到半夜 楼板都要塌了: a noise complaint's hyperbole, nothing giving way
_HYPERBOLE = re.compile(r"都(?:要|快)(?:被)?(?:震|跺|蹦|跳|吵)?塌了")
_NOISY = re.compile(r"跳绳|蹦|跺|跑来跑去|吵|音响|广场舞|噪音|装修|敲|咚咚|拍球|跳操")
_GIVING_WAY = re.compile(r"裂|掉下|掉渣|往下掉|砸|鼓|歪|斜|血|伤|晕|倒了")
# 楼上每晚拖椅子放音乐 老人心脏不好 被吵醒 敲门说过也没用: a neighbour's noise, however hard
# on someone's health, told with nothing acute happening
_NEIGHBOUR_NOISE = re.compile(
    r"(?:楼上|楼下|邻居|隔壁|对门|对面).{0,30}"
    r"(?:噪音|吵得|吵醒|太吵|好吵|很吵|吵死|吵到|拖椅子|拖凳子|拖桌子|放音乐|音响|跳绳|蹦迪|跺脚|唱歌|K歌)"
)
_CHRONIC = re.compile(r"每天|天天|每晚|每天晚上|经常|总是|老是|好几次|多次|长期|几个月|半年|一直")
_NOISE_ACUTE = re.compile(
    r"摔|晕倒|昏|倒地|倒在|不省|叫不醒|没反应|没气|流血|出血|血|打人|打起来|动手|刀|棍|砍|救命|快来|120|110"
    r"|火|烟|煤气|燃气|漏|喘不|抽搐|发病了|犯病了|送医|急救|撞|打破|砸|锤|扳手|抓着|掐|推|栏杆|窗台|悬"
)


def nuisance(text: str, hazards: Collection[str]) -> bool:
    """True for flaking plaster, building work's noise, a neighbour's pet, cooking smoke or a
    foul smell in a shared place, told with nothing harmful (``text`` normalised, ``hazards`` its
    :func:`hazard_words`)."""
    kinds = set(hazards)
    if _COOKING.search(text) and _COOKING_DANGER.search(text) is None:
        return kinds <= {"fire"}
    if _FLAKING.search(text) and _FLAKING_DANGER.search(text) is None:
        return kinds <= {"structure"}
    if _WORKS.search(text) and _WORKS_NOISE.search(text) and _WORKS_DANGER.search(text) is None:
        return kinds <= {"structure"}
    if _HYPERBOLE.search(text) and _NOISY.search(text) and _GIVING_WAY.search(text) is None:
        return kinds <= {"structure", "child"}
    if (
        _NEIGHBOUR_NOISE.search(text)
        and _CHRONIC.search(text)
        and _NOISE_ACUTE.search(text) is None
    ):
        return kinds <= {"medical", "welfare", "child", "structure"}
    if (
        _PET.search(text)
        and _PET_NUISANCE.search(text)
        and kinds <= {"animal", "child"}
        and _ATTACK.search(text) is None
    ):
        return True
    return (
        not kinds
        and _FOUL.search(text) is not None
        and _FOUL_PLACE.search(text) is not None
        and _FOUL_DANGER.search(text) is None
    )


def loose_fitting(text: str) -> bool:
    """True for a door handle or a sliding door come off, or a curtain rail come down in a
    room, and no harm told (``text`` normalised)."""
    if _INDOOR_FALL.search(text) is not None and _INDOOR_FALL_DANGER.search(text) is None:
        return True
    return _FITTING.search(text) is not None and _FITTING_DANGER.search(text) is None


# 井盖没了, 井盖被偷了, 路上塌了个坑: an open hole in a path, a danger to whoever walks there
# tonight — a possible danger for the grid leader to look at, whatever the model thinks
_OPEN_HOLE = re.compile(
    r"井盖(?:子)?(?:没了|不见了|丢了|被偷|被人偷|翻了|掀了|碎了|破了|塌了|没盖|掉下去了|松了.{0,6}(?:晃|翘))"
    r"|(?:路|地|人行道|路面|地面)(?:上)?.{0,4}塌(?:了)?(?:个|一个)?(?:大)?(?:坑|洞)"
)
_HOLE_DEALT = re.compile(r"已经盖|盖上了|围起来了|拦起来了|放了锥|锥桶|修好了|补上了")


def open_hole(text: str) -> bool:
    """True for an open manhole or a hole in a path nobody has covered (``text`` normalised)."""
    return _OPEN_HOLE.search(text) is not None and _HOLE_DEALT.search(text) is None


# 信箱被人撬了, 门锁被撬过: a break-in's mark; someone looks at it whatever the model says
_PRIED = re.compile(
    r"(?:门|锁|门锁|防盗门|窗|窗户|信箱|电表箱|车|车锁)(?:子)?被(?:人)?撬(?:了|过|开|坏)"
)


def pried_open(text: str) -> bool:
    """True for a door, lock, window or mailbox pried open (``text`` normalised)."""
    return _PRIED.search(text) is not None


def cooking_smoke(text: str, kind: str | None) -> bool:
    """Smoke from cooking, one's own or a neighbour's, with nothing burning or anyone hurt
    (``kind``: the rules' urgent kind, which reads the smoke itself as live)."""
    return (
        kind in (None, "smoke") and bool(_COOKING.search(text)) and not _COOKING_DANGER.search(text)
    )


# 我家孩子在阳台上晒被子: a chore told, nobody leaning out or climbing
_CHORE = re.compile(r"(?:晒|收|晾|浇|擦|拖|扫)(?:被子|衣服|被单|床单|花|地|窗户|玻璃)")
_CHORE_DANGER = re.compile(
    r"掉|摔|爬|翻|探出|站在(?:栏杆|窗台|护栏)|坐在(?:栏杆|窗台|护栏)|外面|悬|挂|够不着|踩|凳子|椅子|哭|喊|救"
)


# 走失了只狗, 流浪狗在大堂睡 周身虱子: a pet gone, or a stray that is only dirty; a dog that
# bites, chases, circles or bares its teeth is the danger (as are snakes, bees, wild boar)
_PET_LOST = re.compile(
    r"(?:狗|猫|宠物|鹦鹉|兔子|仓鼠|乌龟)[^。！!？?]{0,4}(?:走失|走丢|跑丢|丢了|不见了|跑了)"
    r"|(?:走失|走丢|跑丢|丢)了?[一只条]{0,2}(?:狗|猫|宠物|鹦鹉|兔子)"
)
_PARKED = re.compile(r"(?:挡住|堵住|堵着|挡着)[^。！!？?]{0,6}(?:车|出不|进不|门口)")
_STRAY_DIRTY = re.compile(r"虱|跳蚤|脏|掉毛|癞|皮肤病")
_ANIMAL_HARM = re.compile(
    r"咬|扑|追|攻击|冲|撕|叼|围|龇|吠|叫|跟着|堵|吓|不敢|蛇|蜂|野猪|猴|疯狗|狂犬|血|抓伤"
)


def _harmless(text: str, hazards: Collection[str]) -> bool:
    if not hazards and gadget_cry(text):
        return True
    if set(hazards) <= {"welfare"} and _PARKED.search(text):
        return True  # 挡住我车位 打电话都没人接: the driver does not answer, nobody is in danger
    if "animal" not in hazards or set(hazards) - {"animal", "missing", "child"}:
        return False
    if _ANIMAL_HARM.search(text):
        return False
    return bool(_PET_LOST.search(text) or _STRAY_DIRTY.search(text))


def no_danger(text: str, hazards: Collection[str], kind: str | None) -> bool:
    """A service, an outage or a fitting come off, a nuisance or cooking smoke, with no
    danger the rules read as live (``kind``: their urgent kind)."""
    if cooking_smoke(text, kind):
        return True
    if kind in (None, "help") and _harmless(text, hazards):
        return True
    if kind is None and _CHORE.search(text) and not _CHORE_DANGER.search(text):
        return set(hazards) == {"child"}  # a child's chore; an old neighbour's is a welfare sign
    return kind is None and (
        routine_request(text)
        or utility_outage(text, hazards)
        or utility_bill(text)
        or loose_fitting(text)
        or nuisance(text, hazards)
        or dripping_fixture(text, hazards)
        or locked_out(text)
    )
