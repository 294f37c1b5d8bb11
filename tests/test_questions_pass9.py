"""Questions to the office that differ only in whom they ask about are different questions.
Found from outside (pass 9): 物业电话多少 and 社区电话多少 were both "已在 #68 中处理", the
order of 燃气公司电话多少, and the board read 电话多少 for each."""

from __future__ import annotations

import pytest

from bot.intake import parse
from bot.orders.duplicates import same_problem
from tests.support import order_number
from tests.test_timers import World

RESIDENT = "o_asks_numbers"


async def test_each_party_asked_about_is_a_question_of_its_own(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元701")
    numbers = []
    for question in ("燃气公司电话多少", "物业电话多少", "社区电话多少"):
        reply = await world.chat.say(RESIDENT, question)
        assert "已在" not in reply, (question, reply)
        numbers.append(order_number(reply))
    assert len(set(numbers)) == 3
    summaries = [(await world.chat.order(n)).summary for n in numbers]
    assert summaries == ["燃气公司电话多少", "物业电话多少", "社区电话多少"]


async def test_the_same_question_asked_again_is_still_one(world: World) -> None:
    await world.chat.say(RESIDENT, "绑定 1栋1单元701")
    n = order_number(await world.chat.say(RESIDENT, "物业电话多少"))
    assert f"已在 #{n}" in await world.chat.say(RESIDENT, "物业的电话是多少？")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("燃气公司电话多少", "物业电话多少"),
        ("社区电话多少", "物业电话多少"),
        ("物业几点上班", "社区几点上班"),
    ],
)
def test_questions_about_different_parties_are_not_one_problem(a: str, b: str) -> None:
    assert not same_problem(a, b)


def test_the_party_a_question_is_about_stays_in_its_summary() -> None:
    assert parse("物业电话多少").summary == "物业电话多少"
    assert parse("社区办公室在哪").summary == "社区办公室在哪"
    assert parse("物业费怎么交").summary == "物业费怎么交"
    # spoken to, not asked about: still left out
    assert parse("物业，楼道灯坏了").summary == "楼道灯坏了"
    assert parse("物业你好，3栋电梯坏了").summary == "电梯坏了"
