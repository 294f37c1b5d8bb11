"""The sandbox's own street (bot/sandbox/demo_roster.yaml) in a test app: 青和居 (1–6栋) and
东亭 (3栋, 4栋) share two building numbers, as the outside testers see them in `mulin demo`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.app import create_app
from bot.clock import Clock, FakeClock
from bot.console import accounts
from bot.keys import CONFIG, ENGINE, ROSTER, SESSIONS
from bot.orders.core import NewOrder
from bot.orders.dispatch import Place
from bot.orders.service import OrderService
from bot.roster.apply import import_rosters
from bot.roster.files.street import read_rosters
from models.community import Community
from tests.console_support import PASSWORD, Console
from tests.support import make_config
from tests.test_street import START, ClientFactory, Street3

DEMO = Path(__file__).resolve().parents[1] / "bot" / "sandbox" / "demo_roster.yaml"

ZHANG, LI, WANG = "o_resident_zhang", "o_resident_li", "o_resident_wang"
ZHOU = "o_member_zhouguilan"  # 楼栋长 of 5栋 and 6栋
SUN = "o_member_sunlijuan"  # representative of 2栋1-2单元 and 3栋1单元
WANGFANG = "o_member_wangfang"  # 青和居 staff
LIN = "o_member_linzhiyuan"  # 东亭 representative of 3栋 and 4栋


async def make_demo_street(aiohttp_client: ClientFactory, db_url: str) -> Street3:
    app = create_app(make_config(db_url), clock=FakeClock(START), start_scheduler=False)
    street = Street3(await aiohttp_client(app))
    await street.import_street(yaml.safe_load(DEMO.read_text(encoding="utf-8")))
    return street


Account = tuple[str, str, str, str | None, str | None]  # username, role, community, grid, member
Report = tuple[str, str, str, str]  # openid, building, estate code, community code


async def demo_street_console(
    aiohttp_client: ClientFactory,
    db_url: str,
    clock: Clock,
    users: Sequence[Account],
    reports: Sequence[Report],
) -> tuple[Console, dict[str, int]]:
    """The demo street with console accounts and one 楼道灯坏了 order per report (numbered by
    the reporter's openid), for the console and monthly-report tests."""
    app = create_app(make_config(db_url), clock=clock, start_scheduler=False)
    client = await aiohttp_client(app)
    await import_rosters(app[ENGINE], read_rosters(DEMO))
    app[ROSTER].invalidate()
    numbers: dict[str, int] = {}
    async with app[SESSIONS]() as s, s.begin():
        ids = {code: id_ for code, id_ in await s.execute(select(Community.code, Community.id))}
        for name, role, community, grid, member in users:
            await accounts.add_user(s, name, PASSWORD, role=role, community_code=community,
                                    grid_code=grid, member_key=member)  # fmt: skip
        service = OrderService(s, clock, app[CONFIG], app[ROSTER])
        for openid, building, estate, community in reports:
            place = Place(building, "1", "101", estate=estate, community=ids[community])
            new = NewOrder(text="楼道灯坏了", category="repair", urgent=False,
                           summary="楼道灯坏了", place=place, phones=())  # fmt: skip
            order, _ = await service.report(openid, new)
            numbers[openid] = order.id
    return Console(client, {}), numbers
