"""Rules made from the first contact of writers w71–w74 (Cantonese shopkeepers and helpers,
a south-west examiner, young renters writing in slang, relatives writing for someone else):
gas told by a stove or heater that dizzies, a knob left open, a valve heard and smelt; a
lift with someone knocking inside; a farewell before a locked door; a person down who does
not respond; a leak insisted to be no joke; wild mushrooms; chest pain told second-hand; a
child out on an air-conditioner bracket; and the words that had read such messages as
hypothetical (奇怪的话, 真系, 如果…现在就是这样)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.parser import parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    "text",
    [
        # a cistern pipe split, the water will not stop, the floor under water
        "卫生间马桶水箱下面的管子裂开了 水一直停不下来 地上有两厘米了",
        # insisted to be real
        "救命 楼道里真的有一股煤气味 没开玩笑 5栋",
        # someone down who does not respond, asked as a question about the account
        "你们这里能报什么 我老公躺在地板上一动不动 叫他也没反应",
        # a nervous laugh before a worry
        "hhh 不知道要不要报 单元门口有个老太太趴在台阶上很久了 一直没起来",
        # the stove is off, the smell is not, and the head spins
        "顺便问下 灶台明明关了 厨房还是有股味 我女儿说头有点晕",
        "在洗澡 热水器那边一股怪味 越来越浓 我头有点晕 水已经关了",
        # the flame went out, the knob still open
        "婆婆说锅下面的火早就灭了 但旋钮还开着 屋里全是味",
        # someone knocking inside a lift, or an old man stuck in a stopped one
        "电梯里面好像有人 一直有拍门的声音 楼层显示也不亮",
        "小区新装的电梯停了 坐轮椅的老爷爷还在里面",
        # a farewell
        "药已经准备好了 就想跟谁说一声",
        "合租的室友刚才一直谢谢我这一年照顾她 说完就把门反锁了 叫她也不应",
        "真系顶唔顺 呢个世界冇咗我都一样",
        # a gas bottle heard and smelt; a burst water pipe in Cantonese
        "屋企石油氣個閥壞咗 有聲又有味 係咪要搬出去",
        "水喉爆咗 急 九栋一零二",
        # wild mushrooms
        "吃了山上采的野菌子 一家人都在吐 停不下来",
        # chest pain told by a relative far away
        "我外公刚才电话里说胸口疼 想躺一下 我在外地 能不能有人去看看",
        "我爸在卫生间待了快一个多小时了 叫他只哼一声 门打不开",
        # a child out on an air-conditioner bracket, asked as "if"
        "想问如果有个小孩在空调外机上面坐着要不要报警 对面楼现在就是这样",
    ],
)
def test_dangers_told_second_hand_or_in_other_words(text: str) -> None:
    result = parse(text, NOW)
    assert result.urgent, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        # a cistern running, nothing on the floor
        "马桶水箱一直在流水 声音很吵 帮忙看下",
        # a hypothetical that stays one
        "如果有小孩爬到空调外机上该打什么电话 我们想在群里提醒一下",
        # someone's odd words about something harmless
        "她说了一些奇怪的话 问我周末去不去爬山",
        # chest pain last week, an appointment wanted
        "我妈上周胸口有点闷 想约社区医生周三上午看看",
        # a rooftop water tank that is only old
        "楼顶水箱太旧了 水有锈味 什么时候换",
        # mushrooms eaten and fine
        "昨天吃了蘑菇炖鸡 味道不错 谢谢社区食堂",
    ],
)
def test_look_alikes_stay_calm(text: str) -> None:
    assert not parse(text, NOW).urgent, text


def test_a_break_in_s_mark_is_looked_at_however_calmly_it_is_told() -> None:
    """信箱被人撬了 was a possible danger (the grid leader checks) until a retrained model put
    it just under the possible band; a break-in's mark no longer depends on the model."""
    assert parse("信箱被人撬了", NOW).danger == "possible"
    assert parse("楼下那辆车的车锁被人撬坏了", NOW).danger == "possible"
    assert parse("信箱的锁坏了 打不开", NOW).danger is None
