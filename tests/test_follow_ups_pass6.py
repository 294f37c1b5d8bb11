"""Found from outside (pass 6): for two hours after an emergency, unrelated messages (电梯里有人
抽烟, 我家孩子在阳台上晒被子, 昨天有人吵架已经没事了) were added to it; follow-ups sent while the
emergency's address was asked were answered "没关系。能说个楼号吗" and lost, and the address
then went to the newest emergency only; a new request sent while an address was asked was
merged into an unrelated fire order and the reply named that order as just filed; a
self-harm order never took the resident's home address when they bound it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp.test_utils import TestClient

from tests.support import count_orders, order_number
from tests.test_timers import World

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
LI = "o_resident_li6"
WANG = "o_resident_wang6"


async def _notes(world: World, number: int) -> list[str]:
    return [note or "" for *_, note in await world.chat.history(number)]


# --- N1: only what is about the emergency is added to it --------------------------------------
async def test_unrelated_messages_after_an_emergency_are_not_added_to_it(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    fall = order_number(await world.chat.say(LI, "我老伴在卫生间摔倒了起不来，头上流了好多血"))
    smoking = await world.chat.say(LI, "电梯里有人抽烟，烟味好大")
    assert f"#{fall}" not in smoking
    lift = await world.chat.order(order_number(smoking))
    assert lift.id != fall and "抽烟" in lift.text

    dumplings = await world.chat.say(
        LI, "想给楼下独居的刘奶奶送点饺子，她好几天没下楼了，我们敲门她应了"
    )
    assert f"补充到紧急工单 #{fall}" not in dumplings
    quilt = await world.chat.say(LI, "我家孩子在阳台上晒被子")
    assert f"补充到紧急工单 #{fall}" not in quilt
    quarrel = await world.chat.say(LI, "昨天小区里有人吵架，已经没事了，就是说一声")
    assert f"#{fall}" not in quarrel
    notes = await _notes(world, fall)
    unrelated = ("抽烟", "饺子", "被子", "吵架")
    assert not any(word in note for note in notes for word in unrelated)

    arrived = await world.chat.say(LI, "救护车来了，人已经送医院了")
    assert f"补充到紧急工单 #{fall}" in arrived
    assert any("送医院" in note for note in await _notes(world, fall))


async def test_a_child_at_the_window_takes_its_news_but_not_the_lift(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    child = order_number(
        await world.chat.say(LI, "楼上邻居家孩子坐在窗台上，腿都伸出去了，家里好像没大人")
    )
    smoking = await world.chat.say(LI, "电梯里有人抽烟，烟味好大")
    assert f"#{child}" not in smoking and order_number(smoking) != child
    down = await world.chat.say(LI, "孩子已经被抱下来了")
    assert f"补充到紧急工单 #{child}" in down
    assert not any("抽烟" in note for note in await _notes(world, child))


async def test_a_bare_calm_word_after_a_calm_report_leaves_the_emergency(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    fall = order_number(await world.chat.say(LI, "我老伴在卫生间摔倒了起不来，头上流了好多血"))
    await world.chat.say(LI, "电梯里有人抽烟，烟味好大")
    assert f"#{fall}" not in await world.chat.say(LI, "搞错了，没那么急")
    assert (await world.chat.order(fall)).urgent


# --- N3: follow-ups and the address while the address is asked --------------------------------
async def _three_unplaced(world: World) -> tuple[int, int, int]:
    fall = order_number(await world.chat.say(LI, "我老伴在卫生间摔倒了起不来，头上流了好多血"))
    knife = order_number(await world.chat.say(LI, "楼道里有个男的拿着刀在追人！"))
    fire = order_number(await world.chat.say(LI, "楼下有辆电动车在充电的时候冒烟了，还有火星"))
    return fall, knife, fire


async def test_follow_ups_while_the_address_is_asked_go_to_their_emergency(
    world: World,
) -> None:
    fall, knife, fire = await _three_unplaced(world)
    arrived = await world.chat.say(LI, "救护车来了，人已经送医院了")
    assert f"补充到紧急工单 #{fall}" in arrived and "没关系" not in arrived
    assert any("送医院" in note for note in await _notes(world, fall))

    calmed = await world.chat.say(LI, "刚才那个拿刀的是看错了，是在拍视频")
    assert f"#{knife}" in calmed and "普通工单" in calmed and "没关系" not in calmed
    assert not (await world.chat.order(knife)).urgent
    assert (await world.chat.order(fire)).urgent and (await world.chat.order(fall)).urgent
    assert await count_orders(world.sessions) == 3


async def test_an_address_after_several_emergencies_goes_to_all_of_them(world: World) -> None:
    fall, knife, fire = await _three_unplaced(world)
    placed = await world.chat.say(LI, "3栋2单元501")
    for number in (fall, knife, fire):
        assert f"#{number}" in placed
        order = await world.chat.order(number)
        assert (order.building, order.unit, order.room) == ("3", "2", "501")
    # the grid leader of 3栋 hears of the fall, not only of the newest emergency
    assert any(f"#{fall}" in text for text in await world.chat.pushed("o_m01"))


async def test_the_address_after_a_follow_up_still_reaches_every_emergency(
    world: World,
) -> None:
    fall, knife, fire = await _three_unplaced(world)
    asked = await world.chat.say(LI, "救护车来了，人已经送医院了")
    assert "哪栋楼" in asked  # the address is still wanted
    await world.chat.say(LI, "3栋2单元501")
    for number in (fall, knife, fire):
        assert (await world.chat.order(number)).building == "3"


# --- N4: a new request while an address is asked -----------------------------------------------
async def test_a_new_request_is_not_merged_into_an_unrelated_fire(world: World) -> None:
    fire = order_number(await world.chat.say(WANG, "4栋1单元楼道里着火了，好多烟"))
    await world.chat.say(WANG, "家里马桶堵了，水漫出来了")
    await world.chat.say(WANG, "去年3栋着过一次火，现在楼道里的灭火器都过期了，能不能换一下")
    reply = await world.chat.say(WANG, "楼下饭店炒菜的油烟太大了，天天熏得开不了窗")
    assert f"#{fire}" not in reply
    assert not any("灭火器" in note for note in await _notes(world, fire))
    mine = await world.chat.say(WANG, "查询")
    extinguisher = next(
        int(line.split()[0].lstrip("#")) for line in mine.splitlines() if "灭火器" in line
    )
    assert extinguisher != fire and f"#{extinguisher}" in reply and "灭火器" in reply


async def test_a_waiting_report_found_to_repeat_an_order_is_said_to_be_joined(
    world: World,
) -> None:
    light = order_number(await world.chat.say(WANG, "3栋1单元楼道灯坏了"))
    assert "哪栋楼" in await world.chat.say(WANG, "楼道灯坏了，一直不亮")
    reply = await world.chat.say(WANG, "小区门口的井盖松了，差点绊倒人")
    assert f"和工单 #{light} 是同一件事" in reply and "已先登记" not in reply
    assert any("一直不亮" in note for note in await _notes(world, light))


# --- N5: the home address goes to a self-harm order --------------------------------------------
async def test_binding_the_home_places_a_self_harm_order_and_tells_the_grid_leader(
    world: World,
) -> None:
    harm = order_number(await world.chat.say(WANG, "我不想活了，活着太累了，今晚就从楼上跳下去"))
    bound = await world.chat.say(WANG, "绑定 5栋2单元302")
    assert f"#{harm}" in bound
    order = await world.chat.order(harm)
    assert (order.building, order.unit, order.room) == ("5", "2", "302")
    assert any(f"#{harm}" in text for text in await world.chat.pushed("o_m04"))  # 5栋's leader
