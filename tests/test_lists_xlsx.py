"""The resource list through XLSX: exported with Chinese headers, imported back unchanged; a
file with bad rows is refused whole, every bad row named."""

from __future__ import annotations

import io
from typing import Any

import pytest
from aiohttp import FormData
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from bot.keys import SESSIONS
from bot.lists import sheet
from bot.lists import words as w
from models.lists import ListChange, PartnerResource
from tests.console_support import ClientFactory, Console
from tests.lists_support import as_user, post

PAGE = "/admin/lists/resources"


def book(*rows: list[Any], headers: tuple[str, ...] = w.HEADERS) -> bytes:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def upload(c: Console, data: bytes) -> Any:
    form = FormData()
    form.add_field("csrf_token", await c.csrf(PAGE))
    form.add_field("file", data, filename="资源.xlsx")
    return await c.client.post(f"{PAGE}/import", data=form, allow_redirects=False)


async def resources(c: Console) -> list[tuple[str, str, str, str, int]]:
    async with c.app[SESSIONS]() as s:
        rows = await s.scalars(select(PartnerResource).order_by(PartnerResource.id))
        return [(r.unit, r.kind, r.contact, r.description, r.amount_fen) for r in rows]


async def test_round_trip(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    data = book(
        [None, "区人民医院", "人力", "王医生 13912345678", "每月义诊一次", None],
        [None, "共建基金", "资金", "", "社区共建基金", 12000.5],
        [None, "老年大学", "场地", "", "教室两间", ""],
        [None, w.TOTAL_LABEL, None, None, None, "12,000.50"],
    )
    resp = await upload(c, data)
    assert resp.status == 303, await resp.text()
    formula = '=HYPERLINK("http://x","点我")'
    added = await post(c, PAGE, PAGE, partner="志愿队", kind="skills", description=formula)
    assert added.status == 303
    first = await resources(c)
    assert first[1] == ("共建基金", "fund", "", "社区共建基金", 1200050)
    assert [r[1] for r in first] == ["people", "fund", "venue", "skills"]
    assert first[3][3] == formula
    exported = await c.client.get(f"{PAGE}.xlsx")
    assert exported.status == 200
    body = await exported.read()
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == w.HEADERS and rows[2][2] == "资金" and rows[-1][1] == "合计"
    assert rows[-1][5] == 12000.5
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # the exported file imports back to the same list (rows with numbers update in place)
    resp = await upload(c, body)
    assert resp.status == 303
    assert await resources(c) == first
    page = await (await c.client.get(resp.headers["Location"])).text()
    assert "新资源" in page and "更新 0 条，4 条没有变化" in page


async def test_bad_rows_are_named_and_nothing_is_imported(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    await post(c, PAGE, PAGE, partner="已有单位", kind="people")
    data = book(
        [None, "好单位", "人力", "", "", None],
        [None, "", "人力", "", "", None],
        [None, "负数基金", "资金", "", "", -100],
        [None, "<script>x</script>", "飞船", "", "", None],
        [None, "小数", "资金", "", "", "1.234"],
        [None, "志愿者", "人力", "", "", 50],
        [88, "不存在", "技能", "", "", None],
        [1.5, "半个编号", "技能", "", "", None],
        [None, w.TOTAL_LABEL, None, None, None, 999],
    )
    resp = await upload(c, data)
    text = await resp.text()
    assert resp.status == 400
    for row in (3, 4, 5, 6, 7, 9, 10):
        assert f"第 {row} 行" in text, row
    assert "第 2 行" not in text
    assert "<script>x" not in text
    assert "合计" in text and "不符" in text
    assert await resources(c) == [("已有单位", "people", "", "", 0)]
    # an unknown number is refused by the database check, and nothing else is written
    resp = await upload(
        c, book([None, "新单位", "人力", "", "", None], [88, "x", "技能", "", "", None])
    )
    assert resp.status == 400 and "第 3 行" in await resp.text()
    assert len(await resources(c)) == 1
    async with c.app[SESSIONS]() as s:
        assert len(list(await s.scalars(select(ListChange)))) == 1


async def test_files_that_are_not_the_sheet(aiohttp_client: ClientFactory, db_url: str) -> None:
    c = await as_user(aiohttp_client, db_url, "staff1")
    for data, words in (
        (b"not a workbook", "无法读取"),
        (book(headers=("名称", "金额")), "表头不对"),
        (book(), "没有资源"),
    ):
        resp = await upload(c, data)
        assert resp.status == 400 and words in await resp.text()
    # past the server's body limit (server.max_body_bytes): a Chinese 413, nothing written
    big = book(*[[None, f"单位{i}", "人力", "", "说明" * 20, None] for i in range(3000)])
    resp = await upload(c, big)
    assert resp.status == 413 and "太大" in await resp.text()
    assert not await resources(c)
    assert (await c.login("viewer1")).status == 303
    assert (await c.client.get(f"{PAGE}.xlsx")).status == 200


def test_a_file_longer_than_the_limit_is_refused_whole() -> None:
    rows = [[None, "单位", "人力", "", "", None]] * (sheet.MAX_ROWS + 1)
    with pytest.raises(sheet.ImportRefused) as refused:
        sheet.read(book(*rows))
    assert refused.value.problems == [w.TOO_MANY_ROWS.format(limit=sheet.MAX_ROWS)]
    assert len(sheet.read(book(*rows[:-1]))) == sheet.MAX_ROWS
