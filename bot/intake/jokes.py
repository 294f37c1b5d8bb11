"""Slang and jokes: venting in internet slang, rage at a noise, 火 meaning popular — words
of danger that are not a report of one."""

from __future__ import annotations

import re

# Venting in internet slang (人麻了, 我裂开了, 打工人, 笑死, 家人们谁懂): "不想活了" about a
# Monday or "原地去世" about a client is a mood, not a danger.  The normaliser has removed the
# emoji.  Anyone who says it is real this time (是真的, 不是开玩笑, 笑不出来) keeps the reading.
_JOKE = re.compile(
    r"哈哈|嘻嘻|hhh|笑死|xswl|(?<!不是)(?<!没)开(?:个)?玩笑的|逗你(?:们)?的|骗你(?:们)?的"
    # office drudgery is what the despair is about: 改PPT改到凌晨 想从楼上跳下去算了
    r"|打工人|甲方|PPT|年终总结|改稿|方案又被",
    re.IGNORECASE,
)
# slang for a mood, which is also how a young writer opens a real report (家人们谁懂啊 对面楼窗户
# 往外冒黑烟): it cancels a danger only when the rules read none as live
_SLANG_MOOD = re.compile(
    r"栓Q|家人们谁懂|谁懂啊|破大?防|人麻了|麻了麻了|我裂开|原地(?:升天|去世|爆炸)"
    r"|躺平|emo了|无语子|社死|心态炸",
    re.IGNORECASE,
)
# a worried question (是不是出啥事了) is no joke, whatever nervous laugh opens the message
_SERIOUS = re.compile(
    r"是真的|不是开玩笑|没开玩笑|没有开玩笑|笑不出|认真的|别笑|不是玩梗|是不是出(?:了)?(?:啥|什么)?事"
    # hhh 不知道该不该说 楼下那个大爷趴在花坛边上好久了: a nervous laugh before a worry
    r"|不知道(?:该不该|要不要)(?:说|讲|报|管)"
)


def joking(text: str) -> bool:
    """True for venting in internet slang with nothing said to be real (``text``
    normalised)."""
    return (
        _JOKE.search(text) is not None or _SLANG_MOOD.search(text) is not None
    ) and _SERIOUS.search(text) is None


# 要杀人了 楼上装修电钻从早上七点钻到现在: rage at a noise, nobody armed or hurt
_RAGE = re.compile(r"要杀人了|想杀人|杀人的心都有|要出人命|要疯了|逼疯|疯掉了|要崩溃")
_NOISE = re.compile(r"装修|电钻|钻|砸墙|敲|跳绳|拍球|广场舞|音响|音乐|噪音|吵|唱歌|麻将|狗叫")
_ARMED = re.compile(r"刀|棍|砍|捅|打起来|动手|打人|打架|被打|拿着|持|威胁|血|伤")


def only_joking(text: str, live: bool) -> bool:
    """True when a danger reading is a joke: said laughing, rage at a noise, or slang for a
    mood while the rules read no danger as live (``live``)."""
    if _SERIOUS.search(text) is not None:
        return False
    if _RAGE.search(text) and _NOISE.search(text) and _ARMED.search(text) is None:
        return True
    if _POPULAR.search(text) and _BURNING.search(text) is None:
        return True
    return _JOKE.search(text) is not None or (not live and _SLANG_MOOD.search(text) is not None)


# 那家烧烤又被抖音推爆了, 烤肠店着火了 排队排到马路对面: 火 meaning popular, with no smoke,
# flame or fire brigade named
_POPULAR = re.compile(
    r"推爆|火到爆|爆火(?![花星])|火爆(?!炸)|网红|爆单|排队.{0,6}(?:排到|好长|小时)|生意.{0,2}(?:太好|好火|火)"
)
_BURNING = re.compile(r"烟|火苗|火光|火花|火星|明火|烧起来|消防|119|灭火|烧着|救火|焦|糊")


# 救命 这个人脸识别老是过不了, 我被这个表格困住了 救命: a cry at a gadget, a form or a job
_CRY = re.compile(r"救命|救救我|要命|崩溃|不想活|快来人")
_GADGET = re.compile(
    r"人脸识别|刷脸|验证码|密码|二维码|扫码|打卡|门禁|健康码|小程序|app|系统|网课|作业|功课|表格"
    r"|手机|缴费|社保|医保|考试|老板|登不上|登录|过不了|过不到|识别不了|刷不开|刷不上|刷不出|咋填|怎么填|填表",
    re.IGNORECASE,
)


def gadget_cry(text: str) -> bool:
    """救命 or 要命 cried at a gadget, a form or a chore (``text`` normalised)."""
    return _CRY.search(text) is not None and _GADGET.search(text) is not None
