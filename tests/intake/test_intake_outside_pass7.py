"""Parser defects found by the seventh outside pass: a second matter after 另外 is not the
first one's water reaching the second one's light; an ordinary leak alarms nobody whether the
address comes first or not; voice input's 四懂 and 楼道等; a long message's gist is its problem,
not its run-up."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.intake.parser import parse
from bot.intake.timeparse import TZ

NOW = datetime(2026, 12, 7, 20, 20, tzinfo=TZ)


def test_a_leak_and_then_a_broken_light_are_not_water_in_the_electrics() -> None:
    result = parse("厨房水管漏水了，另外楼道灯也坏了", NOW)
    assert not result.urgent and result.hazard != "electric", result


def test_water_reaching_a_light_in_one_matter_still_is() -> None:
    assert parse("卫生间漏水了，水顺着渗到灯里了", NOW).urgent


@pytest.mark.parametrize(
    "text", ["1栋2单元501厨房水管漏水了", "我家厨房水管漏水了", "3栋2单元402 卫生间水管漏了"]
)
def test_an_ordinary_leak_alerts_nobody(text: str) -> None:
    result = parse(text, NOW)
    assert result.danger is None and result.hazard is None, (text, result)


def test_voice_input_homophones_for_building_and_light() -> None:
    result = parse("我家住在东亭四懂一单元，楼道等不亮了", NOW)
    assert result.intent == "order" and result.category == "repair"
    assert result.address is not None
    assert (result.address.building, result.address.unit) == ("4", "1")
    assert "灯" in result.summary


def test_a_long_message_is_summed_up_by_its_problem() -> None:
    run_up = "我跟你们说一下我们家的情况，" + "这个事情已经很久了，物业也不管，" * 20
    text = run_up + "就是我家卫生间的下水道堵了，水漫不下去，麻烦派人来看看，2栋1单元302"
    result = parse(text, NOW)
    assert result.summary.startswith("我家卫生间的下水道堵了"), result.summary


@pytest.mark.parametrize("text", ["孩子已经被抱下来了", "人已经被拉上来了"])
def test_a_person_brought_down_or_up_is_news_that_it_is_over(text: str) -> None:
    assert not parse(text, NOW).urgent, text


def test_a_wire_hanging_down_and_sparking_is_not_brought_down() -> None:
    assert parse("电线杆上的线耷拉下来了 搭在铁栅栏上直冒火花 小孩放学都从那过", NOW).urgent
