from __future__ import annotations

import json
from datetime import UTC

import pytest

from bot.intake import ParseResult, parse
from bot.intake.classify import CATEGORIES, INTENTS
from bot.intake.normalize import normalize
from bot.intake.numerals import to_number_string

CONTRACT_KEYS = [
    "intent",
    "category",
    "urgent",
    "address",
    "phones",
    "preferred_time",
    "summary",
    "hazard",
    "danger",
    "chat_kind",
]


def check_contract(result: ParseResult) -> dict[str, object]:
    data = result.to_dict()
    assert list(data) == CONTRACT_KEYS
    assert data["intent"] in INTENTS
    if data["intent"] == "order":
        assert data["category"] in CATEGORIES
    else:
        assert data["category"] is None
    assert isinstance(data["urgent"], bool)
    assert data["urgent"] is (data["danger"] == "urgent")
    assert data["danger"] in (None, "urgent", "possible")
    assert data["hazard"] is None or data["danger"] is not None
    assert (data["chat_kind"] is not None) is (data["intent"] == "chat")
    assert isinstance(data["summary"], str)
    assert len(data["summary"]) <= 30
    json.dumps(data, ensure_ascii=False)
    return data


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t\r",
        "\x00\x01\x02\x1b[31m",
        "😀😀😀👍🏻🙏",
        "\u200b\u200d\ufeff",
        "<b>漏水</b><script>alert(1)</script>",
        "<xml><Content><![CDATA[3栋2单元501 水管漏水]]></Content></xml>",
        "&lt;p&gt;hello&amp;",
        "hello, my kitchen pipe is leaking, 3栋2单元501, call 13800000000",
        "漏水!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "ﾊﾟｲﾌﾟ 漏水 ０１２３４５６７８９",
        "𠮷𠮷𠮷 \U0010ffff \ud800"[:-1],
        "一二三四五六七八九十百千万亿" * 20,
        "1" * 500,
        "3栋" * 300,
    ],
)
def test_never_crashes(text: str) -> None:
    check_contract(parse(text))


def test_empty_and_emoji_only_are_chat() -> None:
    for text in ("", "   ", "😀👍", "\x00\x07"):
        data = check_contract(parse(text))
        assert data["intent"] == "chat"
        assert data["address"] is None
        assert data["phones"] == []
        assert data["summary"] == ""


def test_ten_thousand_characters() -> None:
    text = ("3栋2单元501厨房水管漏水了，" + "我等了很久" * 10) * 200
    assert len(text) >= 10_000
    data = check_contract(parse(text))
    assert data["address"] == {"building": "3", "unit": "2", "room": "501"}


def test_markup_is_stripped_for_analysis() -> None:
    data = check_contract(parse("<p>3栋2单元501 <b>厨房水管漏水</b></p>"))
    assert data["address"] == {"building": "3", "unit": "2", "room": "501"}
    assert "<" not in str(data["summary"])


def test_mixed_scripts_and_traditional() -> None:
    data = check_contract(parse("熱水器壞了 5號樓2單元302 電話：１３９ ０７１２ ３４５６"))
    assert data["address"] == {"building": "5", "unit": "2", "room": "302"}
    assert data["phones"] == ["13907123456"]


def test_summary_strips_address_phone_and_greeting() -> None:
    data = check_contract(parse("您好，3栋2单元501厨房水管漏水了，电话13800000000"))
    assert data["summary"] == "厨房水管漏水"


def test_non_string_text_is_rejected() -> None:
    with pytest.raises(TypeError):
        parse(123)  # type: ignore[arg-type]


def test_normalize_keeps_meaning() -> None:
    assert normalize("３栋　２单元") == "3栋 2单元"
    assert normalize("樓上漏水") == "楼上漏水"
    assert normalize("a\x00b") == "a b"


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("五零一", "501"),
        ("十五", "15"),
        ("二十三", "23"),
        ("一百零一", "101"),
        ("幺三八", "138"),
        ("洞洞七", "007"),
        ("501", "501"),
    ],
)
def test_numeral_spans(span: str, expected: str) -> None:
    assert to_number_string(span) == expected


def test_words_with_numerals_are_not_converted() -> None:
    # whole-message conversion would turn 一下 into 1下: only captured spans are converted
    data = check_contract(parse("麻烦看一下，一个人住，十分着急"))
    assert "看一下" in str(data["summary"]) or "一个人住" in str(data["summary"])
    assert data["address"] is None
    assert data["phones"] == []


def test_lone_surrogate_and_private_use() -> None:
    check_contract(parse("漏水\ud800了\ue000 3栋"))


def test_result_is_frozen_and_has_no_id() -> None:
    result = parse("您好")
    assert "id" not in result.to_dict()
    with pytest.raises(AttributeError):
        result.intent = "order"  # type: ignore[misc]


def test_other_timezones_are_converted() -> None:
    from datetime import datetime

    utc = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    data = check_contract(parse("明天上午来修", utc))
    assert data["preferred_time"] == {
        "start": "2026-11-21T08:00:00+08:00",
        "end": "2026-11-21T12:00:00+08:00",
    }


def test_the_service_zone_decides_which_morning_tomorrow_is() -> None:
    """Found from outside: a service configured for another zone still read times in
    Shanghai's, so 明天上午 sent just after midnight there was the wrong day."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 00:30 on the 21st in Tokyo
    tokyo = parse("明天上午来修", now, zone=ZoneInfo("Asia/Tokyo")).preferred_time
    assert tokyo is not None
    assert (tokyo.start, tokyo.end) == (
        "2026-11-22T08:00:00+09:00",
        "2026-11-22T12:00:00+09:00",
    )
    shanghai = parse("明天上午来修", now).preferred_time  # 23:30 on the 20th
    assert shanghai is not None and shanghai.start == "2026-11-21T08:00:00+08:00"
