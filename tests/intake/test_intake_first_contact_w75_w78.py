"""Rules made from the first contact of writers w75–w78 (a north-China examiner, elderly
voice input from the lower Yangtze, Cantonese households, night messages from a resettlement
estate): despair with a time or a stockpile, a bin or a sofa 着了, a child missing for hours,
a dementia patient who went out and did not come back, charcoal that dizzies, bleeding that
will not stop, a lift stopped in the dark, a beating heard, flyers nobody took down, a loose
grille over the street, someone who did not come up from the water; Cantonese 唔郁 / 惊 /
跳落去 / 封晒; sentences separated by spaces; and the look-alikes that read as danger: sleep
told alone, a lost pet, a stray with fleas, 救命 at a form, a driver who does not answer."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.clauses import Clauses
from bot.intake.parser import parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 12, 7, 23, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "hazard"),
    [
        ("楼下那个垃圾箱着了 旁边就是电瓶车棚", "fire"),
        ("邻居家沙发着了 烟往楼道里冒", "fire"),
        ("我不打算活到明天了 麻烦你们帮我照顾下我的狗", "self_harm"),
        ("其实没什么 就是觉得活着真没意思 安眠药已经攒齐了", "self_harm"),
        ("我唔想再做人，对唔住屋企人", "self_harm"),
        ("我老公今晚要去江边 说活着太没意思", "self_harm"),
        ("儿子不见两个多小时了 最后在小区东门看到的", "missing"),
        ("我外婆有点老年痴呆 早上出门之后就没回来 手机也没带", "missing"),
        ("一家人早上起来头晕想吐 昨晚在屋里烧了炭盆 窗户关着", None),
        ("刚拆线的伤口一直在流血 纱布全湿了 止不住", "medical"),
        ("电梯突然停了 灯也黑了 我和孩子在里面好怕", "lift"),
        ("隔壁一直有小孩哭着喊不要打我 已经半个钟头了", "violence"),
        ("楼上阿婆门口的传单贴了一个礼拜没人撕 她平时很爱干净的", None),
        ("五楼的防盗窗一边脱落了 整个挂在外面晃 下面是人行道", "structure"),
        ("我舅舅下河游泳 下去以后就没上来 岸上的人在喊", None),
        ("细路食咗半樽降血压药 点算", "medical"),
        ("公园有个阿伯瞓咗喺地下唔郁", "medical"),
        # a danger buried after a question, separated by spaces only
        ("问一下 燃气报警器响了要怎么处理 现在就在响 我没闻到味", "gas"),
    ],
)
def test_dangers_from_the_fresh_writers_are_urgent(text: str, hazard: str | None) -> None:
    result = parse(text, NOW)
    assert result.urgent, (text, result)
    if hazard is not None:
        assert result.hazard == hazard, (text, result.hazard)


@pytest.mark.parametrize(
    "text",
    [
        "他睡着了",
        "奶奶在沙发上睡着了",
        "孩子刚睡着",
        "我家的猫跑丢了 橘色的 有人看到吗",
        "大堂有只流浪狗 身上全是跳蚤 小孩还去摸",
        "救命 这个社保表格到底怎么填",
        "快来人啊 门禁的人脸识别又刷不上了",
        "有人把车停在我车库门口挡住了 打电话也没人接",
        "窗帘轨道整条掉下来了 好彩冇人企喺下面",
        "电梯里的紧急按钮按了没反应 没困人 就是想有人来检查一下",
        "我不想活到九十岁那么老 太受罪",
        "要是 那个 家里 煤气 漏了 先 干嘛",
        "有人喺十楼窗台摆咗几盆花，好惊跌落嚟",
    ],
)
def test_look_alikes_from_the_fresh_writers_stay_calm(text: str) -> None:
    assert not parse(text, NOW).urgent, text


def test_a_space_breaks_a_clause_only_between_sentences() -> None:
    spaced = "问下 燃气报警器响了该咋办 现在就在响 俺在屋里没闻着味啊"
    assert [spaced[i] for i in Clauses(spaced, None).breaks] == [" ", " "]
    assert Clauses("要是 那个 家里 煤气 漏了", None).breaks == []
    assert Clauses("救命 周一早上起不来 困成狗了", None).breaks == [10]
