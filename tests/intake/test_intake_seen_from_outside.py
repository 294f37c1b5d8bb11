"""Dangers told by what is seen or felt rather than named: a fire seen through a window, a
person who cannot get out of a lift. Read from a held-out writer's misses."""

from __future__ import annotations

import pytest

from bot.intake.parser import analyse


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("看见隔壁那栋二楼窗口往外窜红光，玻璃都炸开了", "fire"),
        ("电梯里 出不去 好黑 我害怕 6栋", "lift"),
    ],
)
def test_a_danger_seen_or_felt_is_read_by_the_rules(text: str, kind: str) -> None:
    assert analyse(text).signals.urgent_kind == kind


def test_a_lift_out_of_order_that_keeps_someone_at_home_is_no_lift_rescue() -> None:
    assert analyse("19栋电梯又坏了 被困在家出不去 28楼走下去腿都废了").signals.urgent_kind != "lift"
