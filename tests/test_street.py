"""One account for a whole street (issue 18): two communities that both have a 3栋, each
resident reaching their own representative, the estate question, broadcasts to one community,
and re-importing one community without touching the other."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.app import ROSTER, create_app
from bot.clock import FakeClock
from bot.keys import CONFIG, SESSIONS
from bot.roster.apply import apply_roster
from bot.roster.files import RosterInvalid
from bot.roster.files.street import street_rosters
from models.community import Building, Community, Member, Resident, Street
from models.orders import Order
from tests.support import make_config, order_number
from tests.test_orders_flow import Chat

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai

STREET: dict[str, Any] = yaml.safe_load(
    """
street: {code: dh, name: 东湖街道}
communities:
  - community: {code: qhj, name: 青和居社区}
    estates:
      - {code: QHJ, name: 青和居, aliases: [青和, 青和居小区], buildings: ["1", "2", "3"]}
    grids:
      - {code: G01, name: 第一网格, buildings: ["1", "2", "3"], leader: a01}
    members:
      - {id: a01, name: 张美丽, roles: [grid_leader], grids: [G01], openid: o_a01}
      - {id: a02, name: 李建国, roles: [representative], households: ["3-*"], openid: o_a02}
      - {id: a03, name: 王芳, roles: [staff], openid: o_a03}
  - community: {code: dt, name: 东亭社区}
    estates:
      - {code: DT, name: 东亭, aliases: [东亭小区, 东亭花园], buildings: ["3", "4"]}
    grids:
      - {code: G01, name: 东亭一网格, buildings: ["3", "4"], leader: b01}
    members:
      - {id: b01, name: 周杰, roles: [grid_leader], grids: [G01], openid: o_b01}
      - {id: b02, name: 孙丽, roles: [representative], households: ["3-*"], openid: o_b02}
members:
  - {id: s01, name: 街道值班员, roles: [staff], openid: o_s01}
"""
)


class Street3:
    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.chat = Chat(client)
        self.app = client.app

    async def say(self, openid: str, text: str) -> str:
        return await self.chat.say(openid, text)

    async def pushed(self, openid: str) -> list[str]:
        return await self.chat.pushed(openid)

    async def order(self, number: int) -> Order:
        async with self.app[SESSIONS]() as s:
            found = await s.get(Order, number)
            assert found is not None
            return found

    async def import_street(self, doc: dict[str, Any]) -> None:
        async with self.app[SESSIONS]() as s, s.begin():
            for roster in street_rosters(doc, "street.yaml"):
                await apply_roster(s, roster, START)
        self.app[ROSTER].invalidate()

    async def community_id(self, code: str) -> int:
        async with self.app[SESSIONS]() as s:
            return int(await s.scalar(select(Community.id).where(Community.code == code)) or 0)


async def make_street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    app = create_app(make_config(db_url), clock=FakeClock(START), start_scheduler=False)
    s = Street3(await aiohttp_client(app))
    await s.import_street(copy.deepcopy(STREET))
    return s


@pytest.fixture
async def street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    return await make_street(aiohttp_client, db_url)


async def test_each_resident_of_a_3栋_reaches_their_own_representative(street: Street3) -> None:
    a = order_number(await street.say("o_r1", "青和居3栋2单元501 厨房水龙头坏了"))
    b = order_number(await street.say("o_r2", "东亭小区3栋1单元201 厨房水龙头坏了"))
    assert a != b
    assert any(f"#{a}" in t for t in await street.pushed("o_a02"))
    assert not any(f"#{a}" in t for t in await street.pushed("o_b02"))
    assert any(f"#{b}" in t for t in await street.pushed("o_b02"))
    assert not any(f"#{b}" in t for t in await street.pushed("o_a02"))
    assert (await street.order(a)).community_id == await street.community_id("qhj")
    assert (await street.order(b)).community_id == await street.community_id("dt")


async def test_an_ambiguous_building_is_asked_about_then_routed(street: Street3) -> None:
    asked = await street.say("o_r3", "3栋2单元502 卫生间灯不亮了")
    assert "您是哪个小区的" in asked and "青和居" in asked and "东亭" in asked
    assert "#" not in asked  # nothing filed yet, nothing lost either
    filed = await street.say("o_r3", "东亭")
    n = order_number(filed)
    order = await street.order(n)
    assert order.community_id == await street.community_id("dt") and order.building == "3"
    assert order.text == "3栋2单元502 卫生间灯不亮了"
    assert any(f"#{n}" in t for t in await street.pushed("o_b02"))


async def test_a_command_while_asked_keeps_the_report_and_a_second_miss_files_it(
    street: Street3,
) -> None:
    await street.say("o_r4", "3栋1单元101 门锁坏了")
    help_reply = await street.say("o_r4", "帮助")
    assert "小区名" in help_reply  # the waiting report is recalled
    again = await street.say("o_r4", "不知道")
    assert "您是哪个小区的" in again
    filed = await street.say("o_r4", "随便")
    assert "#" in filed and "工作人员会跟您核实" in filed


async def test_a_single_unambiguous_building_is_never_asked(street: Street3) -> None:
    reply = await street.say("o_r5", "4栋1单元101 楼道灯坏了")  # only 东亭 has a 4栋
    n = order_number(reply)
    assert (await street.order(n)).community_id == await street.community_id("dt")


async def test_a_bound_resident_is_not_asked_again(street: Street3) -> None:
    bound = await street.say("o_r6", "绑定 青和3栋2单元601")
    assert "青和居" in bound
    async with street.app[SESSIONS]() as s:
        home = await s.get(Resident, "o_r6")
        assert home is not None and home.estate_code == "QHJ"
    n = order_number(await street.say("o_r6", "家里水龙头坏了"))
    assert (await street.order(n)).community_id == await street.community_id("qhj")
    n2 = order_number(await street.say("o_r6", "3栋2单元601 门锁又坏了"))
    assert (await street.order(n2)).community_id == await street.community_id("qhj")


async def test_a_building_the_named_estate_does_not_have_is_not_registered(
    street: Street3,
) -> None:
    """Found from outside: 绑定 青和居99栋1单元202 and 绑定 东亭5栋… were registered."""
    for text in ("绑定 青和居99栋1单元202", "绑定 东亭5栋1单元101", "绑定 东亭2栋1单元302"):
        assert "没有" in await street.say("o_r7", text), text
    async with street.app[SESSIONS]() as s:
        assert await s.get(Resident, "o_r7") is None
    partly = await street.say("o_r7", "绑定 东亭4栋")
    assert "东亭" in partly and "门牌号" in partly and "不用再说地址" not in partly


async def test_a_whistle_reaches_the_street_office(street: Street3) -> None:
    """Found from outside: 吹哨 (escalate beyond the community) told only the community's
    own grid leader and staff; the street office never heard of it."""
    n = order_number(await street.say("o_r8", "青和居3栋1单元101 楼道墙皮大块脱落"))
    await street.say("o_a02", f"接单 {n}")
    assert "吹哨" in await street.say("o_a02", f"吹哨 {n} 外墙归街道统一修缮")
    assert any("外墙归街道统一修缮" in t for t in await street.pushed("o_s01"))
    assert any("外墙归街道统一修缮" in t for t in await street.pushed("o_a03"))


async def test_members_act_only_in_their_own_community(street: Street3) -> None:
    n = order_number(await street.say("o_r7", "东亭3栋1单元301 水龙头坏了"))
    refused = await street.say("o_a01", f"接单 {n}")  # 青和居's grid leader, also "G01"
    assert "已接单" not in refused
    assert "已接单" in await street.say("o_b02", f"接单 {n}")
    # the street office's staff may act anywhere in the street
    m = order_number(await street.say("o_r8", "青和居3栋1单元301 水龙头坏了"))
    assert "已接单" in await street.say("o_s01", f"接单 {m}")


async def test_re_importing_one_community_leaves_the_other_unchanged(street: Street3) -> None:
    async def snapshot(code: str) -> list[tuple[Any, ...]]:
        async with street.app[SESSIONS]() as s:
            cid = await street.community_id(code)
            members = (
                await s.execute(
                    select(Member.key, Member.name, Member.active, Member.updated_at)
                    .where(Member.community_id == cid)
                    .order_by(Member.key)
                )
            ).all()
            buildings = (
                await s.execute(
                    select(Building.estate_code, Building.number, Building.grid_id)
                    .where(Building.community_id == cid)
                    .order_by(Building.number)
                )
            ).all()
            return [tuple(r) for r in (*members, *buildings)]

    before = await snapshot("dt")
    one = copy.deepcopy(STREET["communities"][0])
    one["members"] = [m for m in one["members"] if m["id"] != "a03"]  # 王芳 leaves
    await street.import_street({"street": STREET["street"], "communities": [one]})
    assert await snapshot("dt") == before
    async with street.app[SESSIONS]() as s:
        gone = await s.scalar(select(Member.active).where(Member.key == "a03"))
        office = await s.scalar(select(Member.active).where(Member.key == "s01"))
        streets = (await s.execute(select(Street.code))).scalars().all()
    assert gone is False and office is True and streets == ["dh"]
    # found from outside: ``members:`` left empty kept the street office's staff active
    await street.import_street({"street": STREET["street"], "communities": [one], "members": None})
    async with street.app[SESSIONS]() as s:
        office = await s.scalar(select(Member.active).where(Member.key == "s01"))
    assert office is False


def test_member_ids_are_unique_across_the_street() -> None:
    doc = copy.deepcopy(STREET)
    doc["communities"][1]["members"][0]["id"] = "a01"
    doc["communities"][1]["grids"][0]["leader"] = "a01"
    with pytest.raises(RosterInvalid) as info:
        street_rosters(doc, "street.yaml")
    assert any("unique across the street" in e for e in info.value.errors)


def test_a_household_in_two_estates_must_name_one() -> None:
    doc = copy.deepcopy(STREET)
    community = doc["communities"][0]
    community["estates"].append({"code": "QHJ2", "name": "青和居二期", "buildings": ["3"]})
    with pytest.raises(RosterInvalid) as info:
        street_rosters(doc, "street.yaml")
    assert any("QHJ:3-*-*" in e and "QHJ2:3-*-*" in e for e in info.value.errors)


async def test_broadcasts_reach_the_street_a_community_an_estate_a_grid_or_a_building(
    street: Street3,
) -> None:
    from bot.broadcasts import ops
    from bot.broadcasts.rules import parse_rules
    from models.outbox import OutboxMessage

    for openid, home in (("o_q1", "青和居3栋1单元101"), ("o_q2", "青和2栋1单元101")):
        assert "青和居" in await street.say(openid, f"绑定 {home}")
    for openid, home in (("o_d1", "东亭3栋1单元101"), ("o_d2", "东亭小区4栋2单元202")):
        assert "东亭" in await street.say(openid, f"绑定 {home}")
    expected = {
        "street": ["o_d1", "o_d2", "o_q1", "o_q2"],
        "community:dt": ["o_d1", "o_d2"],
        "community:qhj": ["o_q1", "o_q2"],
        "estate:青和居": ["o_q1", "o_q2"],
        "estate:东亭小区": ["o_d1", "o_d2"],
        "grid:dt/G01": ["o_d1", "o_d2"],
        "grid:qhj/G01": ["o_q1", "o_q2"],
        "building:dt/3": ["o_d1"],
        "building:3": ["o_d1", "o_q1"],
        "community:nowhere": [],
    }
    sessions, tz = street.app[SESSIONS], street.app[CONFIG].tz
    for audience, openids in expected.items():
        spec = {
            "name": audience,
            "audience": audience,
            "text": "议事会提醒",
            "schedule": {"day_of_week": "mon", "hour": 9},
        }
        (rule,) = await ops.add_rules(sessions, parse_rules([spec], tz), START, tz)
        assert await ops.run_rule_now(sessions, rule.id, START, tz) == len(openids), audience
        async with sessions() as s:
            keys = select(OutboxMessage.recipient).where(
                OutboxMessage.dedupe_key.like(f"bc:{rule.id}:%")
            )
            assert sorted((await s.execute(keys)).scalars()) == openids, audience


async def test_a_community_with_estates_exports_and_imports_back_unchanged(
    street: Street3,
) -> None:
    from bot.roster.export import load_roster
    from bot.roster.files import dump_roster, parse_roster

    async with street.app[SESSIONS]() as s:
        exported = await load_roster(s, "dt")
    text = dump_roster(exported, "yaml")
    assert "东亭花园" in text.decode() and "DT:3" in text.decode()
    again = parse_roster(text, "yaml", "export.yaml")
    assert again.estates == exported.estates and again.grids == exported.grids
    assert [m.households for m in again.members] == [m.households for m in exported.members]


async def test_a_grid_leaders_digest_lists_only_their_own_communitys_orders(
    street: Street3,
) -> None:
    from bot.ticks.digest import digest_for

    a = order_number(await street.say("o_r9", "青和居3栋1单元101 门锁坏了"))
    b = order_number(await street.say("o_r10", "东亭3栋1单元101 门锁坏了"))
    async with street.app[SESSIONS]() as s:
        leader = (await s.execute(select(Member).where(Member.key == "b01"))).scalar_one()
        digest = await digest_for(s, street.app[CONFIG], street.app[ROSTER], leader, START)
    assert f"#{b}" in digest and f"#{a}" not in digest and "东亭一网格" in digest


async def test_the_console_shows_each_account_its_own_community_or_the_whole_street(
    street: Street3,
) -> None:
    from bot.console import accounts
    from tests.console_support import PASSWORD, Console

    async with street.app[SESSIONS]() as s, s.begin():
        for name, role, community, grid in (
            ("dtstaff", "staff", "dt", None),
            ("qleader", "grid_leader", "qhj", "G01"),
            ("office", "viewer", "dh", None),  # the street office
        ):
            await accounts.add_user(
                s, name, PASSWORD, role=role, community_code=community, grid_code=grid
            )
    q = order_number(await street.say("o_c1", "青和居3栋1单元101 门锁坏了"))
    d = order_number(await street.say("o_c2", "东亭3栋1单元101 门锁坏了"))
    console = Console(street.chat.client, {})
    seen = {}
    for name in ("dtstaff", "qleader", "office"):
        assert (await console.login(name)).status == 303
        board = await (await console.client.get("/admin/orders")).text()
        seen[name] = (f"#{q}" in board, f"#{d}" in board)
    assert seen == {"dtstaff": (False, True), "qleader": (True, False), "office": (True, True)}
    await console.login("dtstaff")
    assert (await console.client.get(f"/admin/orders/{q}")).status == 404


async def test_figures_count_each_order_in_its_own_community_and_grid(street: Street3) -> None:
    from datetime import timedelta

    from bot.keys import ENGINE
    from bot.kpi.load import load_facts

    q = order_number(await street.say("o_k1", "青和居3栋1单元101 门锁坏了"))
    d = order_number(await street.say("o_k2", "东亭3栋1单元101 门锁坏了"))
    facts, _ = await load_facts(
        street.app[ENGINE], START - timedelta(days=1), START + timedelta(days=1)
    )
    where = {f.id: (f.community, f.grid, f.member) for f in facts}
    assert where[q] == ("qhj", "G01", "a02") and where[d] == ("dt", "G01", "b02")
