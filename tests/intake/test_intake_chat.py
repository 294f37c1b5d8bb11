"""Every message gets a reading: chat kinds, gibberish, problems without a request."""

from __future__ import annotations

import pytest

from bot.intake import parse


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("谢谢你们", "thanks"),
        ("辛苦了👍", "thanks"),
        ("谢谢社区的帮助", "thanks"),
        ("感谢你们的帮助！", "thanks"),
        ("您好", "greeting"),
        ("在吗", "greeting"),
        ("好的", "ack"),
        ("收到", "ack"),
        ("👍", "ack"),
        ("5", "rating"),
        ("满意", "rating"),
        ("不满意", "rating"),
        ("asdfghjkl qwerty 123", "unclear"),
        ("。。。", "unclear"),
        ("？？？", "unclear"),
        ("😂😂", "unclear"),
        ("啊啊啊", "unclear"),
    ],
)
def test_chat_kinds(text: str, kind: str) -> None:
    result = parse(text)
    assert result.intent == "chat"
    assert result.chat_kind == kind
    assert result.category is None
    assert result.urgent is False


def test_gibberish_is_never_an_order_or_an_address() -> None:
    for text in ("asdfghjkl qwerty 123", "qwe 502", "zxcv", "!!!???"):
        result = parse(text)
        assert result.intent == "chat"
        assert result.address is None


def test_only_chat_has_a_chat_kind() -> None:
    assert parse("3栋2单元501厨房水管漏水了").chat_kind is None
    assert parse("取消 1024").chat_kind is None


@pytest.mark.parametrize(
    "text",
    [
        "家里没热水了",
        "楼道灯不亮",
        "门口的垃圾好几天没人收",
        # manners in front of the problem
        "早上好 我家马桶漏水",
        "你好你好 电梯又停了",
        "好的 对了 我家厨房灯也不亮了",
    ],
)
def test_a_problem_is_an_order_without_a_request(text: str) -> None:
    assert parse(text).intent == "order"


@pytest.mark.parametrize(
    "text",
    ["你好 今天好累啊", "好的 明天上午在家", "好的 谢谢 水管师傅修得很好", "你好 我想问一下"],
)
def test_manners_with_nothing_to_act_on_stay_chat(text: str) -> None:
    assert parse(text).intent == "chat"


def test_asking_someone_to_come_and_look_is_not_a_how_to_question() -> None:
    assert parse("我妈有点头晕，你们能不能来看看").intent == "order"
    assert parse("怎么看工单进度").intent == "help"


@pytest.mark.parametrize(
    "text",
    ["人麻了 地铁挤到变形", "家人们谁懂啊 周一又要开三个会 麻了", "躺平了 这周末哪也不去 哈哈"],
)
def test_venting_in_slang_is_chat(text: str) -> None:
    result = parse(text)
    assert (result.intent, result.urgent) == ("chat", False)


@pytest.mark.parametrize(
    "text",
    [
        "笑死 楼道灯又坏了 摸黑爬了八楼 3栋",
        "刷卡进不去门禁 救命 我裂开了",
        "最近压力好大 破防了 社区有心理咨询吗",
    ],
)
def test_slang_around_a_problem_or_a_question_is_still_an_order(text: str) -> None:
    assert parse(text).intent == "order"


@pytest.mark.parametrize(
    "text",
    [
        "我申请的低保审核得怎么样了",
        "上个月交的老年证材料 办好了没有",
        "给我妈约的助浴到底来不来",
        "寒假托管报了名 咋没回音",
        "请问我那个居住证明开好没得",
        "上周报的门锁 换好了没有",
    ],
)
def test_asking_how_far_an_earlier_request_has_got_is_a_status_query(text: str) -> None:
    """办得怎么样了, 到底来不来, 咋没回音: the resident asks after something already asked
    for, which the bot answers from their orders instead of filing a new one."""
    assert parse(text).intent == "status"


@pytest.mark.parametrize(
    "text",
    [
        "电梯上次关人以后修好了吗 我还是不敢坐",
        "停电了 黑灯瞎火的 到底好久来电",
        "能别装修了吗 孩子要睡觉",
    ],
)
def test_a_new_worry_asked_as_a_question_is_still_an_order(text: str) -> None:
    assert parse(text).intent == "order"
