"""Fires and floods the parser missed (outside pass 9): a car that 自燃了, the idiom 走水了 and
a bare 火警 are fires (119, an urgent order), in the parse contract as in chat; someone cut off
by rising water in a basement is urgent, not an ordinary leak."""

from __future__ import annotations

import pytest

from bot.intake import parse
from tests.support import first_line, order_number
from tests.test_timers import World

RESIDENT = "o_resident_emerg9"


@pytest.mark.parametrize("text", ["楼下停的车自燃了", "走水了", "火警", "3栋走水了，快来人"])
def test_a_fire_in_other_words_is_parsed_as_a_fire(text: str) -> None:
    parsed = parse(text)
    assert parsed.intent == "order" and parsed.category == "safety", parsed
    assert parsed.urgent and parsed.hazard == "fire", parsed


@pytest.mark.parametrize(
    "text",
    [
        "你们这个能报火警吗？还是要打119",  # asking where to report one
        "火警钟坏咗，成日自己乱响",  # the alarm bell
        "夏天车里别放打火机，容易自燃",  # a warning
        "昨天楼下的车自燃了",  # told after
        "卫生间的水管走水不畅",  # how water runs
    ],
)
def test_the_same_words_without_a_fire_now_are_no_emergency(text: str) -> None:
    assert not parse(text).urgent


@pytest.mark.parametrize("text", ["楼下停的车自燃了", "走水了"])
async def test_a_fire_in_other_words_is_an_urgent_order_with_119(world: World, text: str) -> None:
    reply = await world.chat.say(RESIDENT, text)
    assert "119" in first_line(reply), reply
    await world.chat.say(RESIDENT, "1栋1单元")
    n = order_number(await world.chat.say(RESIDENT, "查询"))
    assert (await world.chat.order(n)).urgent


def test_someone_cut_off_by_rising_water_is_parsed_urgent() -> None:
    parsed = parse("水淹到膝盖了，地下室出不去")
    assert parsed.urgent and parsed.danger == "urgent", parsed
