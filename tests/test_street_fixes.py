"""Found from outside on a street whose estates share building numbers (青和居 and 东亭 both
have a 3栋): the estate question lost when something else was sent in between, a bare estate
name not understood, a report nobody could take gone from every list, a first address not
kept as the home when the estate had to be asked, a transfer to the other estate's member,
addresses shown without their estate, and a stairwell of the resident's own building filed
with no building at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import ROSTER
from bot.clock import FakeClock
from bot.keys import CLOCK, CONFIG, SESSIONS
from bot.ticks.drafts import file_lapsed
from bot.ticks.order_timers import order_timer_tick
from models.community import Member, Resident
from tests.support import order_number
from tests.test_street import START, ClientFactory, Street3, make_street

MOTHER = "我妈82了一个人住在3栋1单元301，腿脚不好，能不能帮忙买点菜送上去"


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def _at(street: Street3, delta: timedelta) -> None:
    """Move the clock on and run the order timers due by then."""
    clock = street.app[CLOCK]
    assert isinstance(clock, FakeClock)
    clock.set(START + delta)
    app = street.app
    await order_timer_tick(app[SESSIONS], clock, app[CONFIG], app[ROSTER])


async def _home(street: Street3, openid: str) -> Resident | None:
    async with street.app[SESSIONS]() as s:
        return await s.get(Resident, openid)


async def _filed_without_estate(street: Street3, openid: str, text: str) -> int:
    """A report whose estate the resident would not say: filed with its building only."""
    assert "您是哪个小区的" in await street.say(openid, text)
    await street.say(openid, "不知道")
    filed = await street.say(openid, "随便")
    assert "先不分小区" in filed
    return order_number(filed)


# --- 1. the estate question ----------------------------------------------------------------
async def test_a_question_in_between_leaves_the_estate_question_open(street: Street3) -> None:
    assert "您是哪个小区的" in await street.say("o_z1", MOTHER)
    aside = await street.say("o_z1", "水龙头那个师傅什么时候来啊")
    assert "先不分小区" not in aside and "#" not in aside
    assert "还在等小区名" in aside  # the waiting report is recalled
    n = order_number(await street.say("o_z1", "青和居"))
    order = await street.order(n)
    assert order.community_id == await street.community_id("qhj") and order.building == "3"
    assert order.text == MOTHER


async def test_a_bare_estate_name_places_a_report_filed_without_one(street: Street3) -> None:
    # a new matter while asked: the waiting report is filed without its estate …
    assert "您是哪个小区的" in await street.say("o_z2", MOTHER)
    moved_on = await street.say("o_z2", "家里水龙头坏了，一直滴水")
    assert "先不分小区" in moved_on and "哪栋楼" in moved_on  # … the new one asks the address
    n = order_number(moved_on)
    placed = await street.say("o_z2", "青和居")
    assert f"#{n}" in placed and "青和居3栋1单元301" in placed
    assert "还在等地址" in placed  # the address question stays open
    order = await street.order(n)
    assert order.community_id == await street.community_id("qhj") and order.estate_code == "QHJ"
    assert any(f"#{n}" in t for t in await street.pushed("o_a02"))  # 青和居's 3栋 representative
    # with no question open at all
    m = await _filed_without_estate(street, "o_z3", "3栋1单元102 楼道灯不亮了")
    said = await street.say("o_z3", "东亭小区")
    assert f"#{m}" in said and "东亭3栋1单元102" in said
    assert (await street.order(m)).community_id == await street.community_id("dt")
    assert any(f"#{m}" in t for t in await street.pushed("o_b02"))


async def test_binding_a_home_takes_the_estate_name_alone(street: Street3) -> None:
    asked = await street.say("o_z4", "绑定 3栋2单元501")
    assert "您是哪个小区的" in asked
    bound = await street.say("o_z4", "东亭")
    assert "地址登记好了" in bound and "东亭3栋2单元501" in bound
    home = await _home(street, "o_z4")
    assert home is not None and home.estate_code == "DT" and home.room == "501"


async def test_an_address_then_the_estate_name_files_the_report(street: Street3) -> None:
    assert "哪栋楼" in await street.say("o_z5", "家里马桶堵了")
    assert "您是哪个小区的" in await street.say("o_z5", "我家3栋1单元302")
    filed = await street.say("o_z5", "东亭")
    n = order_number(filed)
    assert (await street.order(n)).community_id == await street.community_id("dt")
    assert "已记下您家的地址：东亭3栋1单元302" in filed  # the answer to "where?" is the home


async def test_a_lapsed_estate_question_files_the_report_at_its_building(
    street: Street3,
) -> None:
    assert "您是哪个小区的" in await street.say("o_z6", "3栋1单元101 门锁坏了")
    clock = street.app[CLOCK]
    assert isinstance(clock, FakeClock)
    clock.set(START + timedelta(minutes=31))
    app = street.app
    assert await file_lapsed(app[SESSIONS], clock, app[CONFIG], app[ROSTER]) == 1
    told = [t for t in await street.pushed("o_z6") if "没等到小区名" in t]
    assert len(told) == 1 and "青和居" in told[0] and "东亭" in told[0]
    n = order_number(told[0])
    assert (await street.order(n)).building == "3"
    assert f"#{n}" in await street.say("o_z6", "是东亭的")
    assert (await street.order(n)).community_id == await street.community_id("dt")


# --- 2. an order nobody can take -------------------------------------------------------------
async def test_an_order_everyone_declined_stays_on_the_lists_and_is_flagged_overdue(
    street: Street3,
) -> None:
    n = await _filed_without_estate(street, "o_z7", MOTHER)
    assert "已退单" in await street.say("o_a03", f"退单 {n} 不归我管")  # 王芳, the staff
    assert "暂时没有其他人" in await street.say("o_s01", f"退单 {n} 不归我管")
    order = await street.order(n)
    assert order.assignee_id is None and order.status == "received"
    for openid in ("o_a03", "o_s01", "o_a01"):  # staff, the street's duty, the grid leader
        listed = await street.say(openid, "待办")
        assert f"#{n}" in listed and f"接单 {n}" in listed, openid
    assert f"#{n}" in await street.say("o_a01", "网格工单")
    await _at(street, timedelta(days=3, hours=1))  # past the three days
    for openid in ("o_a03", "o_s01"):
        assert any(f"#{n}" in t and "超时" in t for t in await street.pushed(openid)), openid
    assert "【超时】" in await street.say("o_s01", "待办")
    assert "已接单" in await street.say("o_s01", f"接单 {n}")


# --- 3. the first address is the home ------------------------------------------------------
async def test_a_first_address_is_kept_as_the_home_after_the_estate_question(
    street: Street3,
) -> None:
    assert "您是哪个小区的" in await street.say("o_li", "3栋2单元501 楼道灯不亮了")
    filed = await street.say("o_li", "东亭")
    assert "已记下您家的地址：东亭3栋2单元501" in filed
    home = await _home(street, "o_li")
    assert home is not None and home.estate_code == "DT" and home.building == "3"
    n = order_number(await street.say("o_li", "家里门锁坏了"))  # not asked again
    assert (await street.order(n)).community_id == await street.community_id("dt")
    # a relative's address is not the resident's home
    assert "您是哪个小区的" in await street.say("o_z8", MOTHER)
    assert "已记下" not in await street.say("o_z8", "青和居")
    assert await _home(street, "o_z8") is None


# --- 4. transfers and addresses across estates ---------------------------------------------
async def test_a_transfer_to_the_other_estates_member_is_refused_but_for_staff(
    street: Street3,
) -> None:
    # (written 青和居小区…: what the pushes say of the place is not the resident's own words)
    n = order_number(await street.say("o_z9", "青和居小区3栋1单元301 楼道里垃圾堆了好几天"))
    accepted = await street.say("o_a01", f"接单 {n}")  # 青和居's grid leader
    # the estate leads the address once, not again in the summary
    assert f"已接单 #{n}：青和居3栋1单元301 楼道里垃圾堆了好几天" in accepted
    refused = await street.say("o_a01", f"转派 {n} 孙丽")  # 东亭's representative
    assert "已把工单" not in refused and "东亭" in refused
    async with street.app[SESSIONS]() as s:
        leader = (await s.execute(select(Member).where(Member.key == "a01"))).scalar_one()
    assert (await street.order(n)).assignee_id == leader.id
    assert not any(f"#{n}" in t for t in await street.pushed("o_b02"))
    # staff may, and the push names the estate: 东亭 has a 3栋 too
    assert "已把工单" in await street.say("o_a03", f"转派 {n} 孙丽")
    handed = [t for t in await street.pushed("o_b02") if f"#{n}" in t]
    assert handed and all("青和居3栋1单元301" in t for t in handed)
    assert "青和居3栋1单元301" in await street.say("o_b02", "待办")
    assert "已接单" in await street.say("o_b02", f"接单 {n}")


async def test_addresses_name_their_estate_where_building_numbers_repeat(
    street: Street3,
) -> None:
    filed = await street.say("o_z10", "东亭小区3栋1单元201的厨房水龙头坏了")
    n = order_number(filed)
    assert "已记下您家的地址：东亭3栋1单元201" in filed
    pushed = [t for t in await street.pushed("o_b02") if f"#{n}" in t]
    assert pushed and all("东亭3栋1单元201" in t for t in pushed)
    assert "东亭3栋1单元201" in await street.say("o_b02", "待办")
    accepted = await street.say("o_b02", f"接单 {n}")
    assert "东亭3栋1单元201" in accepted and "东亭，" not in accepted
    assert "东亭3栋1单元201" in await street.say("o_b01", "网格工单")


# --- 5. a stairwell of the home's building -------------------------------------------------
async def test_a_unit_alone_is_in_the_building_of_the_residents_home(street: Street3) -> None:
    assert "地址登记好了" in await street.say("o_wang", "绑定 青和居3栋1单元201")
    n = order_number(await street.say("o_wang", "一单元楼道里堆了好多杂物，万一着火跑都跑不掉"))
    order = await street.order(n)
    assert (order.building, order.unit, order.room) == ("3", "1", None)
    assert order.community_id == await street.community_id("qhj") and order.estate_code == "QHJ"
    assert any(f"#{n}" in t for t in await street.pushed("o_a02"))  # the building's rep
    m = order_number(await street.say("o_wang", "楼道灯坏了"))  # the stairwell, not the flat
    stairwell = await street.order(m)
    assert (stairwell.building, stairwell.unit, stairwell.room) == ("3", "1", None)
    # with no home on file, the building is asked for, not filed with no building
    assert "哪栋楼" in await street.say("o_z11", "二单元楼道里堆了好多杂物")


async def test_a_resident_at_home_in_one_estate_is_not_asked_about_its_buildings(
    street: Street3,
) -> None:
    """Found from outside: a resident bound in 东亭 writing 三栋门口的下水道井盖没了 was asked
    which estate, and when she went on to something else the report was filed with the other
    estate's staff."""
    await street.say("o_dt_home", "绑定 东亭4栋1单元101")
    reply = await street.say("o_dt_home", "3栋门口的下水道井盖没了，晚上很危险")
    assert "您是哪个小区的" not in reply, reply
    n = order_number(reply)
    assert (await street.order(n)).community_id == await street.community_id("dt")
    # naming the other estate still files it there
    other = order_number(await street.say("o_dt_home", "青和居3栋楼道灯坏了"))
    assert (await street.order(other)).community_id == await street.community_id("qhj")
