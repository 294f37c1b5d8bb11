"""Found from outside (pass 7): a new fire after the resident said the first was out went onto
the old order; 救护车还没到，他还在流血 after a falling pot hit someone opened a second urgent
order and asked the address again; the "nobody has taken it yet" push gave 110/119/120 for
every kind (no 96333 for a lift, no 12356 for self-harm) and still sounded the alarm after the
resident said it was over; 有人吗？ with an emergency nobody had taken was not understood; a
bare 嗯 went to the emergency's handlers as the resident's news."""

from __future__ import annotations

from datetime import timedelta

from tests.support import count_orders, order_number
from tests.test_timers import World

WANG = "o_resident_wang7"
ZHANG = "o_resident_zhang7"
LI = "o_resident_li7"


async def _notes(world: World, number: int) -> list[str]:
    return [note or "" for *_, note in await world.chat.history(number)]


def _waiting(pushed: list[str], number: int) -> list[str]:
    return [t for t in pushed if f"#{number}" in t and "还没有人接手" in t]


# --- #1: a new fire after the first was said to be out ------------------------------------
async def test_a_new_fire_after_the_first_was_out_is_a_new_emergency(world: World) -> None:
    stairs = order_number(await world.chat.say(WANG, "楼道里好大的烟，好像是哪家着火了"))
    await world.chat.say(WANG, "3栋2单元")
    out = await world.chat.say(WANG, "消防车来了，火灭了")
    assert f"补充到紧急工单 #{stairs}" in out

    pan = await world.chat.say(WANG, "炒菜锅里的油着火了，火苗窜得老高")
    assert f"#{stairs}" not in pan and "119" in pan
    kitchen = order_number(pan)
    assert kitchen != stairs and (await world.chat.order(kitchen)).urgent
    assert await count_orders(world.sessions) == 2
    assert not any("炒菜锅" in note for note in await _notes(world, stairs))


async def test_the_same_fire_flaring_up_again_stays_on_its_order(world: World) -> None:
    stairs = order_number(await world.chat.say(WANG, "3栋2单元楼道里好大的烟，好像是哪家着火了"))
    await world.chat.say(WANG, "消防车来了，火灭了")
    again = await world.chat.say(WANG, "楼道里又冒烟了，又烧起来了")
    assert f"补充到紧急工单 #{stairs}" in again
    assert await count_orders(world.sessions) == 1


# --- #2: more about an injury is not a second emergency -------------------------------------
async def test_the_ambulance_not_here_yet_is_added_to_the_injury(world: World) -> None:
    pot = order_number(await world.chat.say(ZHANG, "楼上阳台的花盆掉下来砸到人了，头破了"))
    await world.chat.say(ZHANG, "就在我们3栋楼下")
    before = len(await world.chat.pushed("o_m01"))

    more = await world.chat.say(ZHANG, "救护车还没到，他还在流血怎么办")
    assert f"补充到紧急工单 #{pot}" in more
    assert "120" in more  # the injured person's number comes first again
    assert "哪栋楼" not in more and "几单元" not in more  # the place is known
    assert await count_orders(world.sessions) == 1
    told = (await world.chat.pushed("o_m01"))[before:]  # 3栋's grid leader hears it
    assert any(f"#{pot}" in t and "流血" in t for t in told)
    order = await world.chat.order(pot)
    assert order.building == "3" and order.room is None


# --- #15: the "nobody has taken it yet" push ------------------------------------------------
async def test_the_waiting_push_gives_the_numbers_of_a_lift_emergency(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    lift = order_number(await world.chat.say(LI, "电梯里困了个小孩，出不来了"))
    await world.at(timedelta(hours=4, minutes=1))  # grid leader, then staff: the resident hears
    waiting = _waiting(await world.chat.pushed(LI), lift)
    assert len(waiting) == 1
    assert "96333" in waiting[0] and "110、119 或 120" not in waiting[0]


async def test_the_waiting_push_gives_the_numbers_of_self_harm(world: World) -> None:
    await world.chat.say(WANG, "绑定 5栋2单元302")
    harm = order_number(await world.chat.say(WANG, "活着太累了，我想从楼上跳下去"))
    await world.at(timedelta(hours=4, minutes=1))
    waiting = _waiting(await world.chat.pushed(WANG), harm)
    assert len(waiting) == 1 and "12356" in waiting[0]


async def test_no_alarm_after_the_resident_said_it_was_over(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    lift = order_number(await world.chat.say(LI, "电梯里困了个小孩，出不来了"))
    assert f"#{lift}" in await world.chat.say(LI, "人已经出来了，没事了")
    await world.at(timedelta(hours=4, minutes=1))
    pushed = [t for t in await world.chat.pushed(LI) if f"#{lift}" in t]
    assert not _waiting(pushed, lift)
    assert not any("请不要等待" in t or "96333" in t for t in pushed)
    # asked whether it can be closed, and told how
    assert any("没事了" in t and f"取消 {lift}" in t for t in pushed)
    assert "已取消" in await world.chat.say(LI, f"取消 {lift}")


# --- #19: 有人吗？ with an emergency nobody has taken ---------------------------------------
async def test_anyone_there_with_an_untaken_emergency_chases_it(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    lift = order_number(await world.chat.say(LI, "电梯里困了个小孩，出不来了"))
    for said in ("有人吗？", "人呢"):
        reply = await world.chat.say(LI, said)
        assert f"#{lift}" in reply and "还没有人接单" in reply, reply
        assert "96333" in reply and "补充" not in reply
    # its holder is chased (once for the two: pressing is keyed by the quarter hour)
    told = [t for t in await world.chat.pushed("o_m01") if f"#{lift}" in t]
    assert sum("居民催办" in t for t in told) == 1
    assert not any("居民补充" in t for t in told)
    assert await count_orders(world.sessions) == 1
    # taken: the answer says who has it
    await world.chat.say("o_m01", f"接单 {lift}")
    assert "张美丽" in await world.chat.say(LI, "有人吗")


async def test_anyone_there_without_an_emergency_is_not_a_chase(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    await world.chat.say(LI, "楼道灯坏了")
    reply = await world.chat.say(LI, "有人吗？")
    assert "催办" not in reply and await count_orders(world.sessions) == 1


# --- #22: a bare filler is not the resident's news ------------------------------------------
async def test_a_bare_filler_is_not_pushed_as_news(world: World) -> None:
    await world.chat.say(LI, "绑定 3栋2单元501")
    lift = order_number(await world.chat.say(LI, "电梯里困了个小孩，出不来了"))
    before = len(await world.chat.pushed("o_m01"))
    for filler in ("嗯", "好", "哦", "嗯嗯，知道了。"):
        reply = await world.chat.say(LI, filler)
        assert "补充到紧急工单" not in reply and "没太看明白" not in reply, reply
        assert f"#{lift}" in reply  # acknowledged, with the emergency still followed
    assert len(await world.chat.pushed("o_m01")) == before
    assert not any(f"：{w}" in n for n in await _notes(world, lift) for w in ("嗯", "好", "哦"))
    # something said after the filler still is news
    assert f"补充到紧急工单 #{lift}" in await world.chat.say(LI, "嗯 电梯停在5楼了")
