"""Rules made from the first contact of writers w61 (south-western residents), w62 (young
tenants, riders and carers typing fast in slang) and w63 (Cantonese households), and from
the fifth outside pass in the sandbox: nervous laughter before a real report, 火 meaning
popular, deadlines that are no appointment, the home of the relative the message is about,
and no visit time read out of a message that asks for none."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.parser import parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    "text",
    [
        # a nervous laugh and a hedge, then smoke from a window and nobody answering
        "hhh可能是我想多了 就是楼下有烧东西的味道 黑烟从一楼那个窗户往外冒 敲门没人开 是不是出啥事了",
        # gas flowing with no flame, the old woman feeling sick
        "阿婆说闻到臭味 我以为是垃圾 现在才看到燃气灶旋钮开着没火 满屋都是味 她说有点想吐",
        # a stroke told by what it does, behind a question about the clinic
        "在吗在吗 请问社区医生今天在吗 我家阿公刚说眼前一黑 然后就说不出话了 半边身子没劲",
        # a second matter after an appointment, however short the message
        "下礼拜三上午想约个师傅修热水器 另外刚刚楼道里闻到好大一股煤气味 现在都还有",
        # a robbery going on now, after a question about paperwork
        "想问下居住证的事 另外刚出门看到两个人把一个老人家按在地上抢包 现在还在那边",
        # a loose dog attacking people now
        "遛狗没拴绳 那条狗把我家狗咬死了 现在又在扑人",
        # yesterday's meal still hanging on the door of an old man who does not answer
        "送餐的志愿者说 老人家今天中午没来开门 昨天的饭也还挂在门上",
    ],
)
def test_dangers_told_in_passing_are_urgent(text: str) -> None:
    assert parse(text, NOW).urgent, text


@pytest.mark.parametrize(
    "text",
    [
        # 着火 / 火 meaning popular
        "着火了着火了 我们巷子那家烧烤又被抖音推爆了",
        "xswl 楼下新开那家烤肠店着火了 排队排到马路对面",
        # 困 meaning held up at work, or lost on the way
        "我困在公司加班 今晚回不去 阿婆那边我找了人看着 就报备一下",
        # the fight is over; what is left is cleaning
        "刚才楼下有人打架 现在人都走了 警察也来过了 就是地上有点血没人清",
        # the neighbour answered the door
        "想给楼下独居的刘奶奶送点饺子，她好几天没下楼了，我们敲门她应了",
        # the dog did not come at anyone
        "有够吓人，楼下那只大狗没拴绳，阮囝仔看到就哭，狗倒是没扑过来",
        # the smell was the neighbour's cooking, and the writer says so last
        "頭先有陣煤氣味，原來係隔籬開緊爐煮嘢，冇漏，放心",
    ],
)
def test_look_alikes_are_not_urgent(text: str) -> None:
    assert not parse(text, NOW).urgent, text


def test_a_spark_is_no_slang_for_popular() -> None:
    # 爆火花 is a socket sparking, not 爆火 (gone viral)
    assert parse("個插蘇啪一聲爆火花 而家仲有焦味 1502", NOW).urgent


def test_a_little_smoke_and_a_hot_handrail_is_a_danger_named() -> None:
    result = parse("我们单元楼梯间好像有点烟 扶手摸起有点烫 可能不是啥大事", NOW)
    assert result.danger in ("urgent", "possible")
    assert result.category == "safety"


@pytest.mark.parametrize(
    "text",
    [
        "急急急 居住证材料明天就要交 还差张照片",
        "急!!! 低保材料今天下午五点前要交 我人在外地 能找人代交吗",
        "想開個居住證明俾個仔報小學，禮拜五之前要交",
    ],
)
def test_a_deadline_is_no_visit_time(text: str) -> None:
    assert parse(text, NOW).preferred_time is None, text


@pytest.mark.parametrize(
    "text",
    [
        "早晨",  # the Cantonese good morning
        "尋日話今日嚟整個門鐘，幾點到？",  # asks about an appointment: status
        "師傅話聽日嚟，係咪確認咗？",
        "我不想活了，活着太累了，今晚就从楼上跳下去",  # when a life is in danger
    ],
)
def test_no_visit_time_outside_a_request(text: str) -> None:
    assert parse(text, NOW).preferred_time is None, text


def test_the_self_harm_message_is_still_urgent_without_a_time() -> None:
    result = parse("我不想活了，活着太累了，今晚就从楼上跳下去", NOW)
    assert result.urgent and result.hazard == "self_harm"


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        # the mother's home, where she fell, not the caller's building
        ("我是3栋的，我妈住在5栋2单元301，她刚才摔倒了起不来，我在外地赶不过去", "5", "2", "301"),
        ("我是东亭3栋的，我妈住在东亭5栋2单元301，她刚才摔倒了起不来", "5", "2", "301"),
        # a neighbour called 奶奶 is not the writer's family: the writer's own flat
        (
            "楼下奶奶家门口的快递堆了好多了 她一个人住的 我们家是2号楼202 奶奶住102",
            "2",
            None,
            "202",
        ),
    ],
)
def test_the_relatives_home_is_where_help_goes(
    text: str, building: str | None, unit: str | None, room: str | None
) -> None:
    address = parse(text, NOW).address
    assert address is not None
    assert (address.building, address.unit, address.room) == (building, unit, room)


def test_a_stairwell_after_a_masked_address_is_not_a_lift() -> None:
    result = parse("12號樓梯間嘅燈感應唔到，行到半路就黑晒", NOW)
    assert not result.urgent
    assert result.hazard != "lift"
