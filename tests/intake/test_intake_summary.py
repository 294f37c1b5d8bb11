"""The summary: the problem in the resident's words, cut only where a clause or phrase ends."""

from __future__ import annotations

import re

import pytest

from bot.intake import parse
from bot.intake.summary import MAX_SUMMARY


def _summary(text: str) -> str:
    return parse(text).summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the 了 of a one-character verb stays: without it the clause is cut off
        ("1栋1单元101 水管漏了", "水管漏了"),
        ("卫生间下水道堵了", "卫生间下水道堵了"),
        ("7号楼楼道灯坏了", "楼道灯坏了"),
        ("我妈在厨房摔了，起不来", "我妈在厨房摔了，起不来"),
        ("隔壁阳台着了 3栋", "隔壁阳台着了"),
        ("单元门的锁卡住了，钥匙拔不出来", "单元门的锁卡住了，钥匙拔不出来"),
        ("楼顶的太阳能热水器被风吹歪了", "楼顶的太阳能热水器被风吹歪了"),
        # after a verb with its object the 了 may go (the contract's 厨房水管漏水)
        ("您好，3栋2单元501厨房水管漏水了，电话13800000000", "厨房水管漏水"),
        ("家里停电了 12栋", "家里停电"),
        # particles go, the statement stays
        ("电梯又坏了啊 5号楼", "电梯又坏了"),
        ("楼下垃圾好几天没人收了吧", "楼下垃圾好几天没人收了"),
    ],
)
def test_final_le_of_the_problem_verb_is_kept(text: str, expected: str) -> None:
    assert _summary(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("厨房水龙头一直滴水，能找人来修一下吗", "厨房水龙头一直滴水"),
        ("楼道的声控灯不亮了，麻烦尽快派人来看看，谢谢", "楼道的声控灯不亮了"),
        ("8栋2单元602 热水器打不着火 明天下午能来修吗", "热水器打不着火"),
        ("绿化带的树枝伸到我家窗户上了，挡光还招虫子。周四上午能来修剪吗", None),
        ("车棚顶上的石棉瓦被风刮掉一块，下雨淋车，你们能不能派人来处理一下", None),
    ],
)
def test_bare_requests_to_come_are_not_the_problem(text: str, expected: str | None) -> None:
    summary = _summary(text)
    if expected is not None:
        assert summary == expected
    for request in ("能找人", "派人", "来修", "来看看", "来处理", "修剪吗"):
        assert request not in summary


def test_a_request_that_is_the_need_is_kept() -> None:
    # buying groceries is the need itself, not a request to come and look
    assert _summary("能帮我妈买一袋大米吗 5栋") == "能帮我妈买一袋大米"
    assert _summary("能不能派人来看一下") == "能不能派人来看一下"


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("我大姨一个人住在五号楼一单元六零一，这两天电话没人接", None),
        ("我妈住12栋，楼上天天半夜拖椅子", "我妈住"),
        ("她一个人住在3号楼，敲门没人应", None),
        ("对面楼有人开麻将馆 半夜还在吵 我爸住在十二栋", "我爸"),
        ("楼道里有人在吵架，就在我们23栋门口", "就在"),
        ("小孩被关在车里了，就在9栋楼下停车位", "就在"),
        ("我是10栋3单元的业主 房号是五零二 楼下漏水", "房号"),
    ],
)
def test_words_that_only_led_to_the_address_are_dropped(text: str, forbidden: str | None) -> None:
    summary = _summary(text)
    assert summary
    if forbidden:
        assert forbidden not in summary
    assert not summary.endswith(("住在", "在", "是", "住户", "地址"))


def test_living_alone_keeps_its_verb() -> None:
    assert "一个人住" in _summary("我大姨一个人住在五号楼一单元六零一，这两天电话没人接")


@pytest.mark.parametrize(
    "text",
    [
        "你好我要投诉我们楼下那个烧烤摊天天晚上搞到两三点钟吵的要死我们家老人心脏不好根本睡不着觉",
        "我想反映一下我们楼上那家人每天晚上都在那里放音乐跟蹦迪一样音响开的好大声我已经报了好几次警了",
        "喂你好我想问一下那个残疾证要到哪里去办我儿子腿不好走路要拄拐",
        "楼上的暖气片接口崩开了热水哗哗往下流冒着热气我们家天花板已经在滴水了",
        "小区门口那个路灯坏了好久了晚上黑乎乎的老人出门不方便然后上周还有人在那里摔了一跤",
        "尊敬的社区领导：本人系退休教师，现反映如下：小区东门外的人行道地砖松动多处，雨天踩上去溅水，"
        "老年人行走极易滑倒，恳请尽快安排维修。",
        "我家卫生间的下水道从昨天开始就一直往上返水味道很大家里还有个刚出生的孩子实在受不了了",
    ],
)
def test_long_messages_end_on_a_phrase_boundary(text: str) -> None:
    summary = _summary(text)
    assert 4 <= len(summary) <= MAX_SUMMARY
    # the summary's last piece ends where the resident's clause ends, or where a new phrase
    # starts inside a run-on clause
    last = summary.split("，")[-1]
    index = text.find(last)
    assert index >= 0, summary
    after = text[index + len(last) : index + len(last) + 2]
    assert (
        not after
        or after[0] in "，,。！!？?：: 了吗呢吧"
        or re.match(r"我们|我家|家里|我已|已经|然后|而且|但是|现在|一直|根本|每天|天天", after)
    ), (summary, after)


@pytest.mark.parametrize(
    "text",
    [
        "尊敬的社区工作人员：本人系2栋1单元501住户，对门老人三天没开门了，恳请上门看看。",
        "【报修】地址：4栋3单元1202 问题：卫生间下水堵了 电话：18722113090",
        "社区您好，本人是24栋住户。刚才电梯停在两层楼之间，我母亲被关在里面出不来",
    ],
)
def test_formal_openings_and_form_labels_are_dropped(text: str) -> None:
    summary = _summary(text)
    assert summary
    for word in ("尊敬", "本人", "住户", "【", "地址", "问题，", "电话"):
        assert not summary.startswith(word), summary


@pytest.mark.parametrize(
    "text",
    ["。。。", "？？", "！！！", "……"],
)
def test_punctuation_alone_has_no_summary(text: str) -> None:
    assert _summary(text) == ""


@pytest.mark.parametrize(
    ("text", "gist"),
    [
        # found from outside: the gist kept 对了 / 还有 and the cry, and dropped 师傅
        ("对了，小区门口那个路灯也不亮", "小区门口那个路灯也不亮"),
        ("还有，楼道里堆了好多杂物", "楼道里堆了好多杂物"),
        ("水龙头还是滴水，师傅根本没来", "水龙头还是滴水，师傅根本没来"),
        ("师傅，我家水管漏了", "我家水管漏了"),
    ],
)
def test_the_gist_leaves_out_asides_but_keeps_who_did_not_come(text: str, gist: str) -> None:
    assert parse(text).summary == gist
