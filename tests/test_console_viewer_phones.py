"""A viewer reads phone numbers masked in every free text of the console — the order page's
history, notes, summary and pushes, the board, the three lists and every export a viewer may
download — whatever form the text holds them in; the roles that act still read them whole."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from bot.keys import SESSIONS
from models.orders import Order, OrderEvent
from tests.console_support import ClientFactory, Console, make_console
from tests.lists_support import add_order, post

# Each phone as a resident or a member may write it, and what must never reach a viewer.
SAID = {
    "linked": "又有居民反映同一问题：楼上也漏，电话13912345678",
    "note": "已联系，居民另留 139 1234 5678 和座机(027)87654321",
    "summary": "漏水 联系+86 137-8765-4321",
    "comment": "师傅电话幺三六一二三四五六七八很好",
    "message": "师傅电话０２７－８７６５４３２１",
}
WHOLE = (
    "13912345678", "139 1234 5678", "87654321", "137-8765-4321", "13787654321",
    "幺三六一二三四五六七八", "８７６５４３２１",
)  # fmt: skip


def leaked(text: str) -> list[str]:
    return [whole for whole in WHOLE if whole in text]


async def _order_with_phones(c: Console) -> int:
    n = c.numbers["g1"]
    assert (await c.act(n, "note", text=SAID["note"])).status == 303
    assert (await c.act(n, "message", text=SAID["message"])).status == 303
    now = datetime.now(UTC)
    async with c.app[SESSIONS]() as s, s.begin():
        order = await s.get(Order, n)
        assert order is not None
        order.summary = SAID["summary"]
        order.rating = 5  # a rating's comment is shown only beside its rating
        s.add(OrderEvent(order_id=n, at=now, actor="system", action="link", note=SAID["linked"]))
        s.add(
            OrderEvent(
                order_id=n, at=now, actor="system", action="rate", note="",
                data={"comment": SAID["comment"]},
            )
        )  # fmt: skip
    return n


async def test_viewer_reads_the_order_page_and_board_with_phones_masked(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("staff1")).status == 303
    n = await _order_with_phones(c)
    staff = await (await c.client.get(f"/admin/orders/{n}")).text()
    assert "电话13912345678" in staff and "139 1234 5678" in staff  # acting roles: unchanged
    assert "+86 137-8765-4321" in staff and "幺三六一二三四五六七八" in staff
    assert (await c.login("viewer1")).status == 303
    page = await (await c.client.get(f"/admin/orders/{n}")).text()
    assert not leaked(page), leaked(page)
    assert "电话139****5678" in page and "又有居民反映同一问题" in page
    assert "137****4321" in page and "027-****4321" in page
    board = await (await c.client.get("/admin/orders")).text()
    assert not leaked(board) and "137****4321" in board


async def _lists_with_phones(c: Console) -> None:
    page = "/admin/lists/resources"
    resp = await post(
        c, page, page, partner="物业 13912345678", kind="skills", contact="139 1234 5678",
        description="周末找 137-8765-4321",
    )  # fmt: skip
    assert resp.status == 303
    orders = [await add_order(c, f"o_{i}", "3", "3栋楼道灯坏了电话13787654321") for i in range(2)]
    picked = ",".join(map(str, orders))
    resp = await post(c, "/admin/lists/demands/confirm", orders=picked, title="楼道灯 13912345678")
    assert resp.status == 303
    resp = await post(
        c, "/admin/lists/demands/promote", pick=picked,
        title="楼道灯 13912345678", person="王工 (027)87654321",
    )  # fmt: skip
    assert resp.status == 303
    projects = await (await c.client.get("/admin/lists/projects")).text()
    number = projects.split('data-project="')[1].split('"')[0]
    path = f"/admin/lists/projects/{number}/report"
    resp = await post(c, path, "/admin/lists/projects", text="有问题打 139-1234-5678")
    assert resp.status == 303
    resp = await post(
        c, f"/admin/lists/projects/{number}", "/admin/lists/projects", title="楼道灯 13912345678",
        person="王工 (027)87654321", demand_ids="1", milestones="2026-12-01 进场电话13787654321",
    )  # fmt: skip
    assert resp.status == 303


def _sheet_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


async def test_viewer_reads_the_lists_and_their_exports_with_phones_masked(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("staff1")).status == 303
    await _lists_with_phones(c)
    downloads = ("/admin/lists/resources.xlsx", "/admin/lists/projects.xlsx")
    staff = [_sheet_text(await (await c.client.get(d)).read()) for d in downloads]
    assert all("13912345678" in text for text in staff)  # acting roles: unchanged
    assert (await c.login("viewer1")).status == 303
    for path in ("/admin/lists/resources", "/admin/lists/projects", "/admin/lists/demands"):
        resp = await c.client.get(path)
        text = await resp.text()
        assert resp.status == 200 and not leaked(text), (path, leaked(text))
        assert "****" in text, path
    for path in (*downloads, "/admin/reports/monthly"):
        resp = await c.client.get(path)
        assert resp.status == 200, path
        text = _sheet_text(await resp.read())
        assert not leaked(text), (path, leaked(text))
        assert "139****5678" in text, path


async def test_a_viewer_cannot_learn_a_hidden_phone_by_searching_its_digits(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    """Found from outside: the board's search matched a viewer's digits against phone numbers
    it shows masked (139****5678), so 1234, then 12345 … told the hidden middle digits."""
    c = await make_console(aiohttp_client, db_url)
    assert (await c.login("viewer1")).status == 303
    n = await add_order(c, "o_phone", "3", "3栋1502楼道灯坏了 电话13912345678")

    async def found(q: str) -> bool:
        page = await (await c.client.get("/admin/orders", params={"q": q})).text()
        return f"#{n}" in page

    for probe in ("1234", "12345", "13912345678", "139123", "5678"):
        assert not await found(probe), probe
    assert await found("1502") and await found("楼道灯")  # a room and words: still found
    assert (await c.login("staff1")).status == 303
    assert await found("12345") and await found("13912345678")  # acting roles: unchanged
