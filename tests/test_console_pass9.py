"""Found from outside (pass 9), on the console: the board could not find an order by the
address it shows (finding 15); a reassignment by an account without a roster member named
nobody in the member's push (finding 26)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import lxml.html

from bot.clock import FakeClock
from tests.console_support import ClientFactory, Console, make_console
from tests.street_demo_support import demo_street_console

START = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 10:00 on 10 December in Shanghai


async def _found(c: Console, q: str) -> dict[int, str]:
    """The board's orders for the search ``q``: number -> the address shown."""
    page = await (await c.client.get(f"/admin/orders?q={quote(q)}")).text()
    doc = lxml.html.fromstring(page)
    out = {}
    for item in doc.xpath("//ul[@class='orders']/li[contains(@class, 'order')]"):
        number = int(item.xpath("string(.//span[@class='no'])").lstrip("#"))
        out[number] = item.xpath("string(.//span[@class='meta'])").split("·")[0].strip()
    return out


async def test_the_board_finds_an_order_by_the_address_it_shows(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c, n = await demo_street_console(
        aiohttp_client,
        db_url,
        FakeClock(START),
        [("jiedao", "admin", "dh", None, None)],
        [("qhj", "1", "QHJ", "qhj"), ("dt", "3", "DT", "dt"), ("qhj3", "3", "QHJ", "qhj")],
    )
    assert (await c.login("jiedao")).status == 303
    shown = await _found(c, "楼道灯")  # the orders' own words hold no address
    assert shown == {
        n["qhj"]: "青和居1栋1单元101",
        n["dt"]: "东亭3栋1单元101",
        n["qhj3"]: "青和居3栋1单元101",
    }
    for number, address in shown.items():  # copied from the board into the search box
        assert set(await _found(c, address)) == {number}, address
    assert set(await _found(c, "1栋1单元101")) == {n["qhj"]}
    assert set(await _found(c, "3栋1单元101")) == {n["dt"], n["qhj3"]}
    assert set(await _found(c, "东亭小区3栋")) == {n["dt"]}  # an estate's other name
    assert set(await _found(c, "青和居社区3栋1单元")) == {n["qhj3"]}  # the community's name
    assert await _found(c, "青和居1栋2单元101") == {}
    assert await _found(c, "东亭1栋1单元101") == {}


async def test_a_console_reassignment_says_who_handed_it_on(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """Found from outside (finding 26): an account without a roster member reassigned an
    order, and the member read 「把工单 #334 转给了您」 with nobody before it."""
    c = await make_console(aiohttp_client, db_url)
    n = c.numbers["g1"]
    assert (await c.login("admin1")).status == 303
    assert (await c.act(n, "assign", member="m05")).status == 303
    told = [m for m in await c.outbox("o_m05") if f"#{n}" in m]
    assert told and told[-1].startswith(f"社区工作台（admin1）把工单 #{n} 转给了您"), told
    assert (await c.login("staff1")).status == 303  # an account of a member: their name
    assert (await c.act(n, "assign", member="m02")).status == 303
    told = [m for m in await c.outbox("o_m02") if "转给了您" in m]
    assert told and told[-1].startswith(f"王芳（社区干事）把工单 #{n}"), told
