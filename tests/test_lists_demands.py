"""The demand list's grouping, on hand-built orders (pure), and money in fen."""

from __future__ import annotations

import pytest

from bot.lists.demands import OrderFact, clean, group_orders, topic
from bot.lists.money import BadAmount, covers, milestones_fit, parse_yuan, yuan


def fact(
    n: int,
    summary: str,
    building: str | None = "3",
    status: str = "received",
    who: str | None = None,
    category: str = "repair",
    grid: str | None = "G01",
) -> OrderFact:
    return OrderFact(n, who or f"o_{n}", 1, "", building, grid, category, summary, summary, status)


def test_the_example_line_five_reports_two_households_unresolved() -> None:
    orders = [
        fact(1, "3栋楼道灯坏了", status="closed", who="a"),
        fact(2, "楼道灯不亮了", status="resolved", who="b"),
        fact(3, "3栋的楼道灯又坏了", who="c"),
        fact(4, "楼道灯坏了，黑漆漆的", who="c"),  # the same household again
        fact(5, "3号楼楼道灯不亮", who="d"),
    ]
    [group] = group_orders(orders)
    assert group.order_ids == [1, 2, 3, 4, 5]
    assert group.count == 5
    # c and d have orders still open: two households (c counted once)
    assert group.unsettled_households == 2
    assert group.line("本月", "楼道灯") == "3栋 楼道灯 本月 5 次, 2 户未解决"
    assert group.line().startswith("3栋 楼道灯")


def test_place_category_and_wording_keep_groups_apart() -> None:
    orders = [
        fact(1, "楼道灯坏了"),
        fact(2, "楼道灯坏了", building="4", grid="G02"),  # another building
        fact(3, "楼道灯坏了", category="safety"),  # another category
        fact(4, "厨房水管漏水"),  # other words
        fact(5, "厨房的水管漏水了"),
        fact(6, "楼道灯又坏了"),
    ]
    groups = group_orders(orders)
    assert sorted(g.order_ids for g in groups) == [[1, 6], [2], [3], [4, 5]]
    assert [g.order_ids for g in group_orders(orders, minimum=2)] == [[1, 6], [4, 5]]
    places = {g.place for g in groups}
    assert places == {"3栋", "4栋"}


def test_unknown_building_groups_by_grid_and_cancelled_orders_do_not_count() -> None:
    orders = [
        fact(1, "路灯不亮", building=None),
        fact(2, "小区路灯不亮了", building=None),
        fact(3, "路灯不亮", building=None, grid=None),
        fact(4, "路灯不亮", building=None, status="cancelled"),
    ]
    groups = group_orders(orders)
    assert [(g.place, g.order_ids) for g in groups] == [("G01网格", [1, 2]), ("地点不明", [3])]


def test_titles_leave_out_addresses_and_take_the_commonest_wording() -> None:
    assert clean("3栋2单元501室楼道灯坏了") == "楼道灯坏了"
    assert clean("#12 电梯停了！") == "电梯停了"
    assert topic(["3栋楼道灯坏了", "楼道灯坏了", "4栋楼道灯不亮"]) == "楼道灯坏了"
    assert topic(["", "12"]) == "其他问题"
    # an age is no flat number, and the resident's punctuation stays as written
    assert clean("我妈82了一个人住，能不能帮忙买点菜") == "我妈82了一个人住，能不能帮忙买点菜"
    assert clean("5-2-301 厨房水管漏水了，地上全是水") == "厨房水管漏水了，地上全是水"


def test_no_orders_no_groups() -> None:
    assert group_orders([]) == []


def test_money_is_exact_fen_and_refuses_what_does_not_add_up() -> None:
    assert parse_yuan("1,200.50") == 120050
    assert parse_yuan(0.1) == 10 and parse_yuan(19.99) == 1999
    assert parse_yuan("") == 0 and parse_yuan(None) == 0
    assert yuan(123450) == "1,234.50"
    for bad, reason in (("-1", "negative"), ("1.005", "too_precise"), ("一百", "not_a_number")):
        with pytest.raises(BadAmount) as exc:
            parse_yuan(bad)
        assert exc.value.reason == reason
    assert covers([50000, 30000], 80000) and not covers([50000, 30000], 80001)
    assert not covers([50000], 30000, taken_fen=30000)
    assert milestones_fit([100, 200], 300) and not milestones_fit([100, 201], 300)
    assert not milestones_fit([-1], 300)
