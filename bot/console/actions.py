"""The console's actions on an order: read the form, check it, call the office service.

Each action is one function taking the service, the order (already checked to be in the
viewer's scope) and the form; it returns the words for the flash message. Forms are checked
for size and required fields before anything is loaded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from multidict import MultiDictProxy

from bot import texts
from bot.console import texts as t
from bot.console.place_form import place_part
from bot.console.scope import Viewer, may_be_given, order_in_scope
from bot.console.web import FormError, field, whole
from bot.orders.core import Refused
from bot.orders.dispatch import CATEGORY_NAMES, Place
from bot.orders.office_service import OfficeService
from bot.roster.doors import doubtful_door, malformed_door
from models.orders import Order

NOTE_LIMIT = 1000
MESSAGE_LIMIT = 500  # a customer-service text stays well inside WeChat's 2,048 bytes
REASON_LIMIT = 200

Form = MultiDictProxy[Any]


def _version(form: MultiDictProxy[Any]) -> int | None:
    """The order version the form showed; None when a client leaves it out (CONTRACTS.md
    does not require it): then only a change racing this one is refused."""
    return whole(form, "version") if form.get("version") not in (None, "") else None


Act = Callable[[OfficeService, Order, Form, Viewer], Awaitable[str]]


async def assign(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    key = field(form, "member", 64)
    reason = field(form, "reason", REASON_LIMIT, required=False)
    view = await service.roster()
    chosen = view.by_key.get(key)
    if chosen is not None and not may_be_given(viewer, chosen, view.communities):
        raise Refused(texts.CONSOLE_ASSIGN_OTHER_COMMUNITY.format(name=chosen.name))
    if chosen is not None and not chosen.on_duty and form.get("off_duty_ok") != "1":
        # 下岗: new orders are not theirs for now; given one anyway only when the office says so
        raise Refused(texts.CONSOLE_ASSIGN_OFF_DUTY.format(name=chosen.name))
    member = await service.assign_to(order, _version(form), key, reason, viewer.author)
    return t.DONE["assign"].format(name=member.name)


async def note(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    text = field(form, "text", NOTE_LIMIT)
    await service.note(order, _version(form), text, viewer.author)
    return t.DONE["note"]


async def message(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    text = field(form, "text", MESSAGE_LIMIT)
    await service.message(order, _version(form), text, viewer.author)
    return t.DONE["message"]


def _step(action: str, name: str) -> Act:
    async def act(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
        words = field(
            form, name, NOTE_LIMIT if name == "text" else REASON_LIMIT, action != "resolve"
        )
        if action == "resolve" and not words and (order.urgent or order.accepted_at is None):
            # the resident's push would be a bare "done — satisfied?" about an emergency or
            # about something nobody came for: the office says what was done
            raise FormError(texts.CONSOLE_RESOLVE_NEEDS_NOTE)
        await service.office_step(order, _version(form), action, words, viewer.author)
        return t.DONE[action]

    return act


async def reopen(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    reason = field(form, "reason", REASON_LIMIT)
    await service.reopen(order, _version(form), reason, viewer.author)
    return t.DONE["reopen"]


async def edit(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    category = field(form, "category", 16)
    if category not in CATEGORY_NAMES:
        raise FormError(t.BAD_VALUE.format(field=t.FIELDS["category"]))
    building, unit, room = (
        place_part(part, field(form, part, 16, required=False))
        for part in ("building", "unit", "room")
    )
    if (unit or room) and not building:
        raise FormError(texts.CONSOLE_DOOR_WITHOUT_BUILDING)
    # the community and estate stay: the console corrects the address within them
    place = Place(building, unit, room, order.estate_code, order.community_id)
    view = await service.roster()
    if building and view.places and not view.candidates(Place(building, estate=order.estate_code)):
        # found from outside: 99栋 was saved, where chat refuses a building the roster lacks
        raise FormError(texts.CONSOLE_UNKNOWN_BUILDING.format(building=building))
    if (part := malformed_door(unit, room)) is not None:
        said = texts.CONSOLE_BAD_UNIT if part == "unit" else texts.CONSOLE_BAD_ROOM
        raise FormError(said.format(unit=unit, room=room))
    if (part := doubtful_door(unit, room)) is not None:  # 9单元9999: no building has it
        raise FormError(texts.CONSOLE_DOUBTFUL_DOOR[part].format(unit=unit, room=room))
    again = form.get("dispatch") == "1"
    await service.edit(order, _version(form), category, place, again, viewer.author)
    return t.DONE["edit"]


async def merge(service: OfficeService, order: Order, form: Form, viewer: Viewer) -> str:
    number = whole(form, "into")
    into = await order_in_scope(service.session, viewer, number)
    if into is None:
        raise Refused(texts.CONSOLE_MERGE_TARGET.format(number=number))
    await service.merge(order, _version(form), into, viewer.author)
    return t.DONE["merge"].format(into=number)


ACTIONS: dict[str, Act] = {
    "assign": assign,
    "note": note,
    "message": message,
    "escalate": _step("escalate", "reason"),
    "resolve": _step("resolve", "text"),
    "reopen": reopen,
    "cancel": _step("cancel", "reason"),
    "edit": edit,
    "merge": merge,
}
