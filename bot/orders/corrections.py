"""A resident correcting the address of a report just made (不对，是4栋；刚才那单地址写错了，
应该是4栋2单元301). Pure like bot.orders.lifecycle: state in, change out, no I/O."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.orders.lifecycle import HOLDER, Change, History, Notice, Status
from bot.orders.state import OrderFacts
from bot.orders.tells import Tell

UNTAKEN = frozenset({Status.RECEIVED.value, Status.ASSIGNED.value})


def correct_place(
    o: OrderFacts,
    place: tuple[str | None, str | None, str | None],
    where: tuple[int | None, str | None],
    labels: tuple[str, str],
    now: datetime,
) -> Change:
    """The order moved to the corrected ``place`` (building, unit, room) in ``where``
    (community, estate). Whoever has taken it is told; one nobody has taken yet is dispatched
    again by the service, to the people of the corrected place."""
    building, unit, room = place
    community, estate = where
    old, new = labels
    tell = (
        ()
        if o.status in UNTAKEN or o.assignee_id is None
        else (Notice(Tell.PLACE_CORRECTED, HOLDER),)
    )
    return Change(
        {
            "building": building,
            "unit": unit,
            "room": room,
            "community_id": community,
            "estate_code": estate,
            "updated_at": now,
        },
        (History("place", texts.HISTORY_PLACE_CORRECTED.format(old=old, new=new)),),
        tell,
    )
