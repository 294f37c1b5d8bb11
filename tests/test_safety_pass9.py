"""What a resident is told to do first (outside pass 9): someone hurt beside a fire or a burst
pipe gets 120 and first aid on top of the hazard's advice; a child already pulled out of the
water gets 120 and CPR, not "throw a rope"; someone cut off by rising water is an emergency;
choking and a stroke get their own advice; a burning car or another building on fire gets
"keep away", not "evacuate down the stairs"; a bare 救命 or 🆘 names the numbers."""

from __future__ import annotations

import pytest

from tests.support import first_line, order_number
from tests.test_timers import World

RESIDENT = "o_resident_safety9"


async def test_a_pan_fire_that_burnt_a_hand_adds_the_ambulance_and_cooling(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "油锅起火了，我手也烫伤了"))
    assert "119" in first and "120" in first, first
    assert "锅盖" in first  # the pan fire's own advice is kept
    assert "凉水" in first  # and the burn's


@pytest.mark.parametrize(
    ("text", "aid"),
    [
        ("水管爆了，我滑倒了腿动不了", "不要随意搬动"),
        ("暖气片爆了，烫伤了孩子", "凉水"),
    ],
)
async def test_someone_hurt_by_a_burst_pipe_gets_the_ambulance(
    world: World, text: str, aid: str
) -> None:
    reply = await world.chat.say(RESIDENT, text)
    order_number(reply)
    first = first_line(reply)
    assert "120" in first and aid in first, first
    assert "总阀" in first  # the flood's own advice is kept


async def test_a_burst_pipe_with_nobody_hurt_names_no_ambulance(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "水管爆了，水哗哗往外喷"))
    assert "总阀" in first and "120" not in first, first


@pytest.mark.parametrize(
    "text",
    [
        "我孙子在小区池塘边玩，掉进水里了，刚捞上来没反应",
        "孩子溺水了，已经救上来了，但是没有呼吸",
    ],
)
async def test_a_child_pulled_out_of_the_water_gets_cpr_not_a_rope(world: World, text: str) -> None:
    reply = await world.chat.say(RESIDENT, text)
    order_number(reply)
    first = first_line(reply)
    assert first.startswith("情况紧急请先拨打 120"), first
    assert "心肺复苏" in first and "保暖" in first, first
    assert "绳子" not in first and "抽搐" not in first


async def test_a_child_still_in_the_water_keeps_the_rope(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "小孩掉水里了，快来人"))
    assert "绳子" in first and "心肺复苏" not in first, first


async def test_someone_cut_off_by_rising_water_is_an_emergency(world: World) -> None:
    reply = await world.chat.say(RESIDENT, "水淹到膝盖了，地下室出不去")
    first = first_line(reply)
    assert "119" in first and "110" in first, first
    assert "高处" in first and "电" in first, first
    assert "总阀" not in first


async def test_choking_gets_the_abdominal_thrust(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "我爸吃饭噎住了，喘不上气，脸都紫了"))
    assert "120" in first and "海姆立克" in first, first
    assert "抽搐" not in first


async def test_a_stroke_gets_note_the_time_and_nothing_to_eat(world: World) -> None:
    first = first_line(await world.chat.say(RESIDENT, "我奶奶突然说话不清楚，半边身子动不了"))
    assert "120" in first and "时间" in first and "不要给" in first, first
    assert "抽搐" not in first


@pytest.mark.parametrize(
    "text", ["小区里一辆汽车烧起来了", "对面楼冒黑烟了，好像着火了", "楼下停的车自燃了"]
)
async def test_a_fire_outside_the_home_says_keep_away(world: World, text: str) -> None:
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first and "远离" in first and "门窗" in first, first
    assert "沿楼梯撤离" not in first


@pytest.mark.parametrize("text", ["楼道里的电动车着火了，烟很大", "地下车库着火了，烟往楼上冒"])
async def test_a_fire_in_the_stairwell_keeps_the_evacuation_advice(world: World, text: str) -> None:
    """A garage under the building sends its smoke up the stairs: not "keep away"."""
    first = first_line(await world.chat.say(RESIDENT, text))
    assert "119" in first and "沿楼梯撤离" in first, first


@pytest.mark.parametrize("text", ["救命", "🆘", "🆘🆘🆘"])
async def test_a_bare_cry_for_help_names_the_numbers(world: World, text: str) -> None:
    reply = await world.chat.say(RESIDENT, text)
    for number in ("110", "120", "119"):
        assert number in reply, reply
    assert "没太看明白" not in reply
