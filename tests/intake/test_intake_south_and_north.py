"""Rules made from the first contact of writers w66–w70 (an examiner, a clerk's categories,
Minnan / Teochew / Hakka speakers, residents in conflict, the north in winter) and a
Cantonese writer's held-out miss: people who got out of a danger that goes on, water leaving
the flat down the stairs, gas heard hissing, something already falling, a
person buried, a snake in the home, a knife taken into a locked room, parcels left for days
at a dark flat — and Minnan written forms read as Mandarin."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.normalize import normalize
from bot.intake.parser import parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    "text",
    [
        # the people are out; the sparks go on
        "浴室热水器的电线烧穿了，一直冒火花，我和孩子已经出来了",
        # out under the door, down the stairs, into the next home
        "楼上租户开着水龙头就走了，水从他家门缝流出来顺着楼梯往下淌，我家门口已经进水",
        "楼顶水箱的管子裂了，水顺着楼梯往下冲，一楼都成河了",
        # water pouring from above into the furniture, nobody upstairs
        "楼上家没人，试水漏了，顶棚往下哗哗流，都流进电视柜了",
        # gas heard escaping; a workman's 没事 is not an all-clear
        "我家燃气表那里一直咝咝响，凑近一闻特别冲，物业说明天派人，我觉得等不到明天",
        "楼道里的燃气管接口被装修工人碰松了，呲呲漏气，工人说没事还在继续干",
        # one piece already down and the next hanging
        "我家阳台顶上那块水泥板裂了，刚掉下来一大块，还有一块悬着要掉",
        # buried under snow off a roof
        "扫雪的环卫大姐让房顶滑下来的雪埋了，就露个脑袋",
        # scissors taken into a locked bathroom by someone who does not want to live
        "我闺女把自己锁卫生间里了，说不想活了，她把剪子拿进去了",
        # parcels left for days, no light at night, an active neighbour
        "对门王姨家门口快递放好几天了，晚上屋里也没灯，平时她天天下楼跳广场舞的",
        # a snake in the bathroom, nobody dares go in; one on the balcony behind a shut door
        "我家浴室有一条蛇，在马桶边，我们不敢进去",
        "阳台上趴着一条花蛇 我爸差点踩到 阳台门已经关了 这蛇有毒吗",
        # a smell like rotten eggs through two floors, asked as a question
        "楼道里一股臭鸡蛋味 五楼六楼都有 是不是哪家煤气漏了",
    ],
)
def test_dangers_that_go_on(text: str) -> None:
    result = parse(text, NOW)
    assert result.urgent, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        # a fire put out and everyone out: over
        "厨房着火了，火已经灭了，人都出来了",
        # an overflowing tank running down an outside wall, a little
        "二十一幢楼顶的消防水箱好像一直在溢水 顺着外墙往下流 量不大",
        # a snake dealt with, or no snake at all
        "值班记录：住户报9栋阳台有蛇，捕蛇人员到场，确认为无毒锦蛇，已捕获放生，住户无受伤",
        "家里来了只壁虎 不是蛇 别紧张 就问问怎么赶出去",
        # leaning, and only feared to fall (the released review set's convention)
        "院子的砖墙裂了条缝，有点往外倾斜，担心哪天倒下来",
        # parcels taken in: fine
        "隔壁阿姨的快递我帮她拿进去了，她去女儿家住几天",
    ],
)
def test_look_alikes_stay_calm(text: str) -> None:
    assert not parse(text, NOW).urgent, text


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("阮翁修电灯去予电着，今倒佇土跤无振动", "我老公修电灯去被电到了,现在倒在地上不动"),
        ("阮查某囝放学无返来，同学攏毋知", "我女儿放学没回来,同学都不知道"),
        ("暗时楼梯间无电火，好佳哉无跌倒", "晚上楼梯间没电灯,幸好没跌倒"),
        ("阮阿姨明仔载下晡来", "我阿姨明天下午来"),
        # no Minnan form: a surname 阮 and Mandarin's 无 stay as they are
        ("阮老师说无法办理", "阮老师说无法办理"),
    ],
)
def test_minnan_written_forms_are_read_as_mandarin(written: str, read: str) -> None:
    assert normalize(written) == read


@pytest.mark.parametrize(
    "text",
    [
        "阮翁修电灯去予电着，今倒佇土跤无振动，阮毋敢摸伊",
        "阮查某囝放学无返来，学校讲四点就出校门了，今已经七点，同学攏毋知",
        "阮囝去楼下买酱油，半点钟无返来，店主讲无看着伊",
    ],
)
def test_minnan_emergencies(text: str) -> None:
    assert parse(text, NOW).urgent, text
