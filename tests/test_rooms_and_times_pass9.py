"""Rooms and times (outside pass 9): a room said with place values (一千零二, 五百零一) is
converted like one said digit by digit; 明天白天 is the working day, not the whole day; and
the console shows a whole-day wish as the day, not 「12-10 00:00 – 00:00」."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from sqlalchemy import update

from bot.intake import parse
from bot.keys import SESSIONS
from models.orders import Order
from tests.console_support import ClientFactory, make_console

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "building", "unit", "room", "summary"),
    [
        ("十二栋三单元一千零二室灯坏了", "12", "3", "1002", "灯坏了"),
        ("5栋二单元五百零一厨房漏水", "5", "2", "501", "厨房漏水"),
        ("3栋2单元三百一十二 灯坏了", "3", "2", "312", "灯坏了"),
    ],
)
def test_a_room_said_with_place_values_is_converted(
    text: str, building: str, unit: str, room: str, summary: str
) -> None:
    parsed = parse(text)
    assert parsed.address is not None, parsed
    assert parsed.address.to_dict() == {"building": building, "unit": unit, "room": room}
    assert parsed.summary == summary


@pytest.mark.parametrize("text", ["借了五百零一块钱没还", "等了一百零五分钟"])
def test_an_amount_said_with_place_values_is_no_room(text: str) -> None:
    assert parse(text).address is None


@pytest.mark.parametrize("hour", [0, 14])
def test_tomorrow_in_the_daytime_is_the_working_day(hour: int) -> None:
    now = datetime(2026, 12, 9, hour, 58, tzinfo=TZ)
    parsed = parse("我家厨房的灯不亮了，明天白天来修就行", now)
    assert parsed.preferred_time is not None
    assert parsed.preferred_time.start == "2026-12-10T08:00:00+08:00"
    assert parsed.preferred_time.end == "2026-12-10T18:00:00+08:00"


def test_daytime_said_of_work_is_not_the_visit() -> None:
    now = datetime(2026, 9, 27, 15, 55, tzinfo=TZ)
    parsed = parse("1102 洗衣机下水管漏水 明天晚上来吧 白天上班", now)
    assert parsed.preferred_time is not None
    assert parsed.preferred_time.start == "2026-09-28T18:00:00+08:00"


async def test_the_console_shows_a_whole_day_wish_as_the_day(
    aiohttp_client: ClientFactory, db_url: str
) -> None:
    c = await make_console(aiohttp_client, db_url)
    n = c.numbers["g1"]
    async with c.app[SESSIONS]() as s, s.begin():
        await s.execute(
            update(Order)
            .where(Order.id == n)
            .values(
                preferred_start=datetime(2026, 12, 9, 16, 0, tzinfo=UTC),  # 12-10 00:00 there
                preferred_end=datetime(2026, 12, 10, 16, 0, tzinfo=UTC),
            )
        )
    assert (await c.login("admin1")).status == 303
    page = await (await c.client.get(f"/admin/orders/{n}")).text()
    text = " ".join(lxml.html.fromstring(page).text_content().split())
    assert "希望上门12月10日 " in text, text
    assert "00:00 – 00:00" not in text
