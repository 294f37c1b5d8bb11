"""The order page (工单详情): the resident's words, the parsed fields, the whole history, every
push with its delivery state, the SLA clocks and the rating; and the forms that act on it."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.console import texts as t
from bot.console.actions import ACTIONS
from bot.console.board import local
from bot.console.photos import describe
from bot.console.resident_view import home, mask_openid, token
from bot.console.scope import Viewer, may_be_given, order_in_scope
from bot.console.web import PREFIX, VIEWER, audit_entry, page
from bot.keys import CLOCK, CONFIG, READS, ROSTER, SESSIONS
from bot.media import store as media
from bot.orders.core import Refused, place_of
from bot.orders.dispatch import CATEGORY_NAMES
from bot.orders.lifecycle import OPEN_VALUES, Status
from bot.orders.office_service import OfficeService
from bot.orders.sla import sla_of
from bot.orders.timers import resolve_deadline
from bot.orders.wording import span, time_span
from models.community import Resident
from models.orders import Order, OrderEvent, OrderFollower
from models.outbox import OutboxMessage


def _number(request: web.Request) -> int:
    raw = request.match_info["number"].lstrip("#")
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound()
    return int(raw)


def _actor(actor: str, names: dict[str, str]) -> str:
    kind, _, who = actor.partition(":")
    if kind == "member":
        return names.get(who, who)
    if kind == "console":
        return f"{who}（{t.ACTORS['console']}）"
    return t.ACTORS.get(kind, actor)


def _danger(order: Order) -> str:
    """The danger the report was read with; an emergency no longer treated as one (the
    resident said it is not, or it was reopened as a follow-up) says so, as the board does."""
    if order.danger != "urgent":
        return t.W["danger_possible"]
    return t.W["danger_urgent"] if order.urgent else texts.CONSOLE_DANGER_DOWNGRADED


def _clock(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return t.SLA_NONE
    if deadline >= now:
        return t.SLA_LEFT.format(left=span(deadline - now))
    return t.SLA_PAST.format(left=span(now - deadline))


def _sla(request: web.Request, order: Order) -> dict[str, str]:
    config = request.config_dict[CONFIG]
    sla = sla_of(config)
    now = request.config_dict[CLOCK].now()
    tz = config.tz
    accept = None
    if order.status == Status.ASSIGNED.value and order.assigned_at is not None:
        # as the timers count it: a non-urgent order's night (sla.quiet_hours) does not count
        window = sla.wait(order.assigned_at, sla.accept_window(order.urgent), order.urgent)
        accept = sla.held(window, order.urgent)
    resolve = resolve_deadline(order, sla) if order.status in OPEN_VALUES else None
    return {
        "accept_by": local(accept, tz),
        "accept_left": _clock(accept, now),
        "resolve_by": local(resolve, tz),
        "resolve_left": _clock(resolve, now),
    }


async def _details(s: AsyncSession, order: Order) -> dict[str, Any]:
    events = (
        (
            await s.execute(
                select(OrderEvent)
                .where(OrderEvent.order_id == order.id)
                .order_by(OrderEvent.at, OrderEvent.id)
            )
        )
        .scalars()
        .all()
    )
    pushes = (
        (
            await s.execute(
                select(OutboxMessage)
                # a range on the unique key's index: every push about the order is keyed
                # "order:<n>:..." (":" + 1 is ";")
                .where(
                    OutboxMessage.dedupe_key >= f"order:{order.id}:",
                    OutboxMessage.dedupe_key < f"order:{order.id};",
                )
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(200)
            )
        )
        .scalars()
        .all()
    )
    followers = (
        (await s.execute(select(OrderFollower).where(OrderFollower.order_id == order.id)))
        .scalars()
        .all()
    )
    resident = await s.get(Resident, order.resident_openid)
    attached = [describe(a) for a in await media.attachments_of(s, order.id)]
    said = [e.data["comment"] for e in events if isinstance(e.data, dict) and e.data.get("comment")]
    return {
        "events": events,
        "pushes": pushes,
        "followers": followers,
        "resident": resident,
        # reopened (还是坏的): the comment went with the rating it was given with
        "rating_comment": said[-1] if said and order.rating is not None else "",
        "photos": [a for a in attached if a["a"].kind == "image"],
        "places": [a for a in attached if a["a"].kind == "location"],
    }


async def _show(
    request: web.Request, number: int, error: str = "", status: int = 200
) -> web.Response:
    viewer: Viewer = request[VIEWER]
    config = request.config_dict[CONFIG]
    async with request.config_dict[READS]() as s:
        order = await order_in_scope(s, viewer, number)
        if order is None:
            raise web.HTTPNotFound()
        view = await request.config_dict[ROSTER].get(s)
        extra = await _details(s, order)
        suggestion = None
        if viewer.may_act and order.status in OPEN_VALUES:
            service = OfficeService(
                s, request.config_dict[CLOCK], config, request.config_dict[ROSTER]
            )
            suggestion = await service.suggest(order)
    names = {m.key: m.name for m in view.by_key.values()}
    members = sorted(
        (m for m in view.by_key.values() if may_be_given(viewer, m, view.communities)),
        key=lambda m: m.key,
    )
    recipients = {m.openid: m.name for m in view.by_key.values() if m.openid}
    done = request.query.get("done", "")
    return page(
        request,
        "order.html",
        {
            "o": order,
            **extra,
            "assignee": view.by_id.get(order.assignee_id) if order.assignee_id else None,
            "grid": view.index_for(order.community_id).grid_for(place_of(order)) or "",
            "address": view.address(place_of(order)),  # with its estate, as pushes say it
            "who": {  # found from outside: the page said only 「居民 居民」
                "home": home(view, extra["resident"]),
                "id": mask_openid(order.resident_openid),
                "token": token(order.resident_openid),
            },
            "actor": lambda a: _actor(a, names),
            "recipient": lambda r: recipients.get(r, t.ACTORS["resident"]),
            "members": members,
            "suggestion": suggestion,
            "sla": _sla(request, order),
            "danger": _danger(order),
            "categories": CATEGORY_NAMES,
            "tz": config.tz,
            # a whole day reads as the day (12月10日), not 12-10 00:00 – 00:00: as the resident
            # was told it
            "preferred": _preferred(order, config.tz),
            "is_open": order.status in OPEN_VALUES,
            "error": error,
            "flash": t.FLASH.get(done, ""),
        },
        status,
    )


def _preferred(order: Order, tz: tzinfo) -> str:
    if order.preferred_start is None:
        return ""
    if order.preferred_end is None:
        return local(order.preferred_start, tz)
    return time_span(order.preferred_start, order.preferred_end, tz)


async def show(request: web.Request) -> web.Response:
    return await _show(request, _number(request))


async def act(request: web.Request) -> web.StreamResponse:
    viewer: Viewer = request[VIEWER]
    number = _number(request)
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    form = await request.post()
    config = request.config_dict[CONFIG]
    try:
        async with request.config_dict[SESSIONS]() as s, s.begin():
            order = await order_in_scope(s, viewer, number)
            if order is None:
                raise web.HTTPNotFound()
            service = OfficeService(
                s, request.config_dict[CLOCK], config, request.config_dict[ROSTER]
            )
            said = await ACTIONS[action](service, order, form, viewer)
            audit_entry(s, request, viewer.username, action, f"#{number}", said)
    except Refused as exc:
        return await _show(request, number, exc.reply, 409)
    raise web.HTTPSeeOther(f"{request.app[PREFIX]}/orders/{number}?done={action}")


def routes(app: web.Application) -> None:
    app.router.add_get("/orders/{number}", show)
    app.router.add_post("/orders/{number}/{action}", act)
