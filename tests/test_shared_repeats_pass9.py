"""A neighbour reporting again a shared part's problem that was fixed within the month: the
new order's history names the earlier one (再次报修), as when its own resident reports it
again. Found from outside (pass 9): a stairwell window fixed and rated, reported again by two
neighbours, became two orders with no word of the first."""

from __future__ import annotations

from datetime import timedelta

from tests.support import order_number
from tests.test_timers import START, World


async def _fixed(world: World, openid: str, text: str) -> int:
    n = order_number(await world.chat.say(openid, text))
    await world.chat.say("o_m02", f"接单 {n}")
    await world.chat.say("o_m02", f"完成 {n} 换了玻璃")
    await world.chat.say(openid, "5")
    return n


async def _notes(world: World, number: int) -> list[str]:
    return [note for *_, note in await world.chat.history(number)]


async def test_a_neighbour_reporting_a_fixed_stairwell_window_again_is_linked(
    world: World,
) -> None:
    await world.chat.say("o_res_101", "绑定 1栋1单元101")
    await world.chat.say("o_res_201", "绑定 1栋1单元201")
    first = await _fixed(world, "o_res_101", "楼道窗户玻璃碎了")
    world.clock.set(START + timedelta(days=3))
    reply = await world.chat.say("o_res_201", "我们单元楼道的窗户玻璃碎了")
    again = order_number(reply)
    assert again != first and f"#{first}" in reply.replace(f"#{again}", "")
    assert any(f"再次报修：与 #{first}" in note for note in await _notes(world, again))


async def test_another_stairwell_or_a_home_of_its_own_is_not_linked(world: World) -> None:
    await world.chat.say("o_res_101", "绑定 1栋1单元101")
    await world.chat.say("o_res_221", "绑定 1栋2单元201")
    await world.chat.say("o_res_201", "绑定 1栋1单元201")
    first = await _fixed(world, "o_res_101", "楼道窗户玻璃碎了")
    other_stair = order_number(await world.chat.say("o_res_221", "楼道窗户玻璃碎了"))
    assert not any("再次报修" in note for note in await _notes(world, other_stair))
    home = await world.chat.say("o_res_201", "家里窗户玻璃碎了")
    assert f"#{first}" not in home
    assert not any("再次报修" in note for note in await _notes(world, order_number(home)))
