"""The order desk: creating, dispatching and moving orders, and telling people about it.

Runs inside the caller's unit of work (one transaction per inbound message), so the order,
its history and every notification it causes (outbox rows) commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Protocol, cast

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.orders.calendar import WorkCalendar
from bot.orders.dispatch import CATEGORY_NAMES, ROLE_NAMES, Decision, Place, decide
from bot.orders.lifecycle import OPEN, Action, Status, check, target
from bot.orders.permissions import may_act
from bot.orders.timers import Sla, TimerState, plan
from bot.outbox import enqueue, outbox_params, queue_rows
from bot.roster.cache import RosterCache, RosterView, card
from bot.storage.bulk import InsertRows, write
from models.community import Member
from models.orders import Order, OrderEvent

_EVENTS = cast(Table, OrderEvent.__table__)

OPEN_STATUSES = tuple(s.value for s in OPEN)
ASSIGNED_STATUSES = tuple(
    s.value for s in (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ESCALATED)
)
OPEN_CAP = 20  # open orders per member before dispatch passes them over


class Refused(Exception):
    """A plain-Chinese answer to the person who asked for something that cannot happen."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


@dataclass(frozen=True)
class NewOrder:
    text: str
    category: str
    urgent: bool
    summary: str
    place: Place
    phones: tuple[str, ...] = ()
    preferred_start: datetime | None = None
    preferred_end: datetime | None = None


def timer_state(order: Order) -> TimerState:
    return TimerState(
        status=order.status,
        urgent=order.urgent,
        created_at=order.created_at,
        assigned_at=order.assigned_at,
        resolved_at=order.resolved_at,
        accept_reminded_at=order.accept_reminded_at,
        escalation_level=order.escalation_level or 0,
        resolve_reminded_at=order.resolve_reminded_at,
        overdue_at=order.overdue_at,
        survey_sent_at=order.survey_sent_at,
    )


class OrderLike(Protocol):
    """What telling people about an order reads: an ORM order, or a row the timer tick read."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def building(self) -> str | None: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def room(self) -> str | None: ...


def place_of(order: OrderLike) -> Place:
    return Place(order.building, order.unit, order.room)


def place_text(order: OrderLike) -> str:
    label = place_of(order).label()
    return f"{label} " if label else ""


def role_text(member: Member) -> str:
    return "、".join(ROLE_NAMES.get(r, r) for r in member.roles or []) or "社区成员"


def who(member: Member) -> str:
    return f" {member.name}（{role_text(member)}）"


def sla_of(config: Config) -> Sla:
    """The timer rules the ``sla`` settings describe (working calendar included)."""
    c = config.sla
    return Sla(
        accept_within=c.accept_within,
        escalate_after=c.escalate_after,
        resolve_urgent=c.resolve_within_urgent,
        resolve_default=c.resolve_within_default,
        survey_after=c.survey_after,
        survey_timeout=c.survey_timeout,
        calendar=None
        if c.working_hours is None
        else WorkCalendar(
            tz=config.tz,
            opens=c.working_hours[0],
            closes=c.working_hours[1],
            workdays=c.workdays,
            holidays=c.holidays,
            extra_workdays=c.extra_workdays,
        ),
    )


class OrderDesk:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        config: Config,
        roster: RosterCache,
        *,
        buffered: bool = False,
    ) -> None:
        self.session = session
        self.clock = clock
        self.config = config
        self.roster_cache = roster
        # Bulk work (the timer tick) buffers its pushes and history entries and writes each kind
        # with one statement (``flush_buffers``); building an ORM object per entry cost more
        # than everything else the tick does for an order.
        self.outbox_buffer: list[dict[str, Any]] | None = [] if buffered else None
        self.event_buffer: list[dict[str, Any]] | None = [] if buffered else None
        self._view: RosterView | None = None

    # -- timers ----------------------------------------------------------------------------
    @cached_property
    def sla(self) -> Sla:
        """Built once per desk (one unit of work): every save and timer decision reads it."""
        return sla_of(self.config)

    def reschedule(self, order: Order) -> None:
        """Set when the order's next timer falls (the tick acts on it then)."""
        _, upcoming = plan(timer_state(order), self.sla, self.clock.now())
        order.next_timer_at = upcoming

    # -- lookups ---------------------------------------------------------------------------
    async def roster(self) -> RosterView:
        """The roster as this unit of work sees it: looked up once (a tick asks per order)."""
        if self._view is None:
            self._view = await self.roster_cache.get(self.session)
        return self._view

    async def member_by_openid(self, openid: str) -> Member | None:
        return (
            await self.session.execute(
                select(Member).where(Member.openid == openid, Member.active.is_(True))
            )
        ).scalar_one_or_none()

    async def order(self, number: int) -> Order:
        order = await self.session.get(Order, number)
        if order is None:
            raise Refused(texts.ORDER_NOT_FOUND.format(number=number))
        return order

    async def open_counts(self, view: RosterView, keys: set[str]) -> dict[str, int]:
        """Open orders held by each of ``keys`` (only the candidates: the table can be large)."""
        ids = [view.by_key[k].id for k in keys if k in view.by_key]
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Order.assignee_id, func.count())
            .where(Order.status.in_(ASSIGNED_STATUSES), Order.assignee_id.in_(ids))
            .group_by(Order.assignee_id)
        )
        counts: dict[str, int] = {}
        for member_id, n in rows.all():
            key = view.key_of(member_id)
            if key:
                counts[key] = n
        return counts

    # -- history and notifications ---------------------------------------------------------
    def _event(
        self,
        order: OrderLike,
        actor: str,
        action: str,
        before: str | None,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        row = {
            "order_id": order.id,
            "at": self.clock.now(),
            "actor": actor,
            "action": action,
            "from_status": before,
            "to_status": order.status,
            "note": note,
            "data": data,
        }
        if self.event_buffer is not None:
            self.event_buffer.append(row)
        else:
            self.session.add(OrderEvent(**row))

    async def _tell(
        self,
        openid: str | None,
        purpose: str,
        text: str,
        key: str,
        fields: dict[str, object] | None = None,
        *,
        urgent: bool = False,
    ) -> None:
        """Queue a push. Pushes to members about urgent orders are at-least-once: a lost answer
        from WeChat means sending again (a duplicate beats a missed emergency)."""
        if not openid:
            return
        at_least_once = urgent and purpose in ("order_assigned", "reminder")
        if self.outbox_buffer is not None:
            self.outbox_buffer.append(
                outbox_params(
                    purpose=purpose,
                    recipient=openid,
                    text=text,
                    template_fields=fields,
                    dedupe_key=key,
                    now=self.clock.now(),
                    at_least_once=at_least_once,
                )
            )
            return
        await enqueue(
            self.session,
            purpose=purpose,
            recipient=openid,
            text=text,
            template_fields=fields,
            dedupe_key=key,
            now=self.clock.now(),
            at_least_once=at_least_once,
        )

    def take_buffers(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The buffered history entries and pushes (``buffered=True``), for the caller to write."""
        if self.event_buffer is None or self.outbox_buffer is None:
            return [], []  # not buffered: everything went to the session as it happened
        events, self.event_buffer = self.event_buffer, []
        pushes, self.outbox_buffer = self.outbox_buffer, []
        return events, pushes

    async def flush_buffers(self) -> None:
        """Write the buffered history and pushes (``buffered=True``): one statement on
        PostgreSQL."""
        events, pushes = self.take_buffers()
        await write(self.session, InsertRows(_EVENTS, events), queue_rows(pushes))

    def _fields(self, order: OrderLike, state: str, place: str | None = None) -> dict[str, object]:
        """Template fields for outside the 48-hour window (each cut to 20 characters).

        ``place``: the order's place_text(), when the caller has it already.
        """
        return {
            "character_string1": f"#{order.id}",
            "thing2": CATEGORY_NAMES.get(order.category, order.category),
            "thing3": ((place_text(order) if place is None else place) + order.summary).strip(),
            "phrase4": state,
        }

    async def _tell_resident(self, order: Order, text: str, state: str) -> None:
        await self._tell(
            order.resident_openid,
            "order_update",
            text,
            f"order:{order.id}:v{order.version}:resident:{state}",
            self._fields(order, state),
        )

    # -- creating and dispatching ----------------------------------------------------------
    async def report(
        self, openid: str, new: NewOrder, source_message_id: int | None = None
    ) -> tuple[Order, Member | None]:
        now = self.clock.now()
        sla = self.config.sla
        order = Order(
            resident_openid=openid,
            building=new.place.building,
            unit=new.place.unit,
            room=new.place.room,
            category=new.category,
            urgent=new.urgent,
            text=new.text,
            summary=new.summary[:100] or new.text[:30],
            phones=list(new.phones),
            preferred_start=new.preferred_start,
            preferred_end=new.preferred_end,
            status=Status.RECEIVED.value,
            declined_by=[],
            source_message_id=source_message_id,
            created_at=now,
            updated_at=now,
            accept_deadline=now + sla.accept_within,
            escalate_at=now + sla.escalate_after,
            resolve_deadline=now
            + (sla.resolve_within_urgent if new.urgent else sla.resolve_within_default),
        )
        view, decision = await self._decide(order, ())
        member = view.by_key.get(decision.member_id) if decision.member_id else None
        if member is not None:  # one INSERT for a new order that already has its assignee
            self._set_assignee(order, member, Status.ASSIGNED, now)
        order.escalation_level = 0
        self.reschedule(order)
        self.session.add(order)
        await self.session.flush()
        self.session.add(
            OrderEvent(
                order_id=order.id,
                at=now,
                actor=f"resident:{openid}",
                action="receive",
                from_status=None,
                to_status=Status.RECEIVED.value,
                note="受理：居民报事",
            )
        )
        await self._record_decision(
            order, view, decision, member, Action.ASSIGN, "system", "", Status.RECEIVED.value
        )
        return order, member

    async def _decide(self, order: Order, exclude: tuple[str, ...]) -> tuple[RosterView, Decision]:
        view = await self.roster()
        declined = {view.key_of(i) for i in order.declined_by or []}
        place = place_of(order)
        candidates = {k for _, ids, _ in view.index.chain(place, order.category) for k in ids}
        decision = decide(
            view.index,
            place,
            order.category,
            urgent=order.urgent,
            exclude=tuple(k for k in (*exclude, *declined) if k),
            open_counts=await self.open_counts(view, candidates),
            last_assigned=self.roster_cache.last_assigned,
            cap=OPEN_CAP,
        )
        return view, decision

    def _set_assignee(self, order: Order, member: Member, status: Status, now: datetime) -> None:
        order.status = status.value
        order.assignee_id = member.id
        order.assigned_at = now
        order.updated_at = now
        order.accept_reminded_at = None  # the new assignee gets the full time to answer
        self.roster_cache.note_assigned(member.key, now)

    async def dispatch(
        self,
        order: Order,
        *,
        exclude: tuple[str, ...] = (),
        action: Action = Action.ASSIGN,
        actor: str = "system",
        prefix: str = "",
    ) -> Member | None:
        view, decision = await self._decide(order, exclude)
        before = order.status
        member = view.by_key.get(decision.member_id) if decision.member_id else None
        if member is None:
            order.status = Status.RECEIVED.value
            order.assignee_id = None
        else:
            self._set_assignee(order, member, target(action), self.clock.now())
        self.reschedule(order)
        await self.session.flush()
        await self._record_decision(order, view, decision, member, action, actor, prefix, before)
        return member

    async def _record_decision(
        self,
        order: Order,
        view: RosterView,
        decision: Decision,
        member: Member | None,
        action: Action,
        actor: str,
        prefix: str,
        before: str,
    ) -> None:
        """The decision into the order's history, and the pushes it causes."""
        if member is None:
            self._event(order, actor, action.value, before, prefix + decision.reason)
            return
        self._event(
            order, actor, action.value, before, prefix + decision.reason, {"level": decision.level}
        )
        urgent = "，紧急" if order.urgent else ""
        category = CATEGORY_NAMES.get(order.category, order.category)
        await self._tell(
            member.openid,
            "order_assigned",
            texts.MEMBER_NEW_ORDER.format(
                number=order.id,
                category=category,
                urgent=urgent,
                place=place_text(order),
                summary=order.summary,
            ),
            f"order:{order.id}:v{order.version}:assign:{member.key}",
            self._fields(order, "待接单"),
            urgent=order.urgent,
        )
        for key in decision.also_notify:
            leader = view.by_key.get(key)
            if leader is not None:
                await self._tell(
                    leader.openid,
                    "order_assigned",
                    texts.MEMBER_URGENT_FYI.format(
                        number=order.id,
                        category=category,
                        place=place_text(order),
                        summary=order.summary,
                        who=who(member),
                    ),
                    f"order:{order.id}:urgent-fyi:{key}",
                    self._fields(order, "紧急"),
                    urgent=True,
                )

    async def _tell_grid_leader(self, order: OrderLike, text: str, key: str) -> Member | None:
        view = await self.roster()
        grid = view.index.grid_for(place_of(order))
        leader_key = view.index.grid_leader.get(grid) if grid else None
        leader = view.by_key.get(leader_key) if leader_key else None
        if leader is None or not leader.active:
            return None
        await self._tell(
            leader.openid,
            "reminder",
            text,
            f"{key}:{leader.key}",
            self._fields(order, "催办"),
            urgent=getattr(order, "urgent", False),
        )
        return leader

    async def _tell_staff(self, order: OrderLike, text: str, key: str) -> int:
        view = await self.roster()
        told = 0
        for m in view.by_key.values():
            if m.active and "staff" in (m.roles or []):
                await self._tell(
                    m.openid,
                    "reminder",
                    text,
                    f"{key}:{m.key}",
                    self._fields(order, "催办"),
                    urgent=getattr(order, "urgent", False),
                )
                told += 1
        return told

    # -- members ---------------------------------------------------------------------------
    async def _member_order(self, member: Member, number: int, action: Action) -> Order:
        """The order a member names, if it is theirs to act on.

        A missing order and one outside the member's scope get the same answer, so a member
        cannot learn which numbers exist, nor who holds an order elsewhere.
        """
        order = await self.session.get(Order, number)
        if order is None:
            raise Refused(texts.MEMBER_ORDER_UNKNOWN.format(number=number))
        view = await self.roster()
        place = place_of(order)
        allowed = may_act(
            card(member),
            action,
            is_assignee=order.assignee_id == member.id,
            place=place,
            category=order.category,
            grid=view.index.grid_for(place),
        )
        if not allowed:
            raise Refused(texts.MEMBER_ORDER_UNKNOWN.format(number=number))
        return order

    def _refusal(self, action: Action, order: Order) -> None:
        refusal = check(action, Status(order.status))
        if refusal is not None:
            raise Refused(
                texts.ORDER_REFUSALS[refusal.code].format(
                    number=order.id, status=texts.STATUS_NAMES.get(order.status, order.status)
                )
            )

    async def _save(self, order: Order, **values: Any) -> bool:
        """Apply ``values`` to the order and flush; False when someone else changed it first.

        The savepoint opens before anything changes: opening it flushes pending work, so a
        stale order must not be dirty yet or the conflict would break the whole transaction.
        """
        try:
            async with self.session.begin_nested():
                for name, value in values.items():
                    setattr(order, name, value)
                self.reschedule(order)
                await self.session.flush()
        except StaleDataError:
            await self.session.refresh(order)
            return False
        return True

    async def accept(self, member: Member, number: int) -> str:
        order = await self._member_order(member, number, Action.ACCEPT)
        if order.status in ASSIGNED_STATUSES[1:] and order.assignee_id is not None:
            return await self._taken(order)
        self._refusal(Action.ACCEPT, order)
        before, now = order.status, self.clock.now()
        if not await self._save(
            order,
            status=Status.ACCEPTED.value,
            assignee_id=member.id,
            accepted_at=now,
            updated_at=now,
        ):
            return await self._taken(order)
        self._event(order, f"member:{member.key}", "accept", before, f"{member.name} 接单")
        await self._tell_resident(
            order, texts.RESIDENT_ACCEPTED.format(number=order.id, who=who(member)), "已接单"
        )
        return texts.MEMBER_ACCEPTED.format(
            number=order.id, place=place_text(order), summary=order.summary
        )

    async def _taken(self, order: Order) -> str:
        view = await self.roster()
        holder = view.by_id.get(order.assignee_id) if order.assignee_id else None
        if order.status in ASSIGNED_STATUSES[1:] and holder is not None:
            return texts.MEMBER_TAKEN.format(number=order.id, who=who(holder))
        self._refusal(Action.ACCEPT, order)
        return texts.ORDER_REFUSALS["illegal"].format(
            number=order.id, status=texts.STATUS_NAMES.get(order.status, order.status)
        )

    async def _simple(
        self, member: Member, number: int, action: Action, note: str, event_note: str
    ) -> Order:
        order = await self._member_order(member, number, action)
        self._refusal(action, order)
        before, now = order.status, self.clock.now()
        values: dict[str, Any] = {"status": target(action).value, "updated_at": now}
        if action == Action.RESOLVE:
            values["resolved_at"] = now
        if not await self._save(order, **values):
            raise Refused(
                texts.ORDER_REFUSALS["illegal"].format(
                    number=order.id, status=texts.STATUS_NAMES.get(order.status, order.status)
                )
            )
        self._event(order, f"member:{member.key}", action.value, before, event_note or note)
        return order

    async def progress(self, member: Member, number: int, note: str) -> str:
        order = await self._simple(member, number, Action.PROGRESS, note, note)
        await self._tell_resident(
            order, texts.RESIDENT_PROGRESS.format(number=order.id, note=note), "办理中"
        )
        return texts.MEMBER_PROGRESS_OK.format(number=order.id)

    async def resolve(self, member: Member, number: int, note: str) -> str:
        order = await self._simple(member, number, Action.RESOLVE, note, note or "已办结")
        await self._tell_resident(
            order,
            texts.RESIDENT_RESOLVED.format(number=order.id, note=f"：{note}" if note else ""),
            "已办结",
        )
        return texts.MEMBER_RESOLVED_OK.format(number=order.id)

    async def escalate(self, member: Member, number: int, note: str) -> str:
        order = await self._simple(member, number, Action.ESCALATE, note, f"吹哨：{note}")
        view = await self.roster()
        grid = view.index.grid_for(place_of(order))
        told: set[str] = {member.key}
        recipients = [view.index.grid_leader.get(grid)] if grid else []
        recipients += [m.key for m in view.by_key.values() if "staff" in (m.roles or [])]
        for key in recipients:
            target_member = view.by_key.get(key) if key else None
            if target_member is None or target_member.key in told or not target_member.active:
                continue
            told.add(target_member.key)
            await self._tell(
                target_member.openid,
                "reminder",
                texts.MEMBER_ESCALATION_FYI.format(
                    number=order.id,
                    category=CATEGORY_NAMES.get(order.category, order.category),
                    place=place_text(order),
                    summary=order.summary,
                    who=who(member),
                    note=note,
                ),
                f"order:{order.id}:v{order.version}:escalate:{target_member.key}",
                self._fields(order, "吹哨上报"),
            )
        await self._tell_resident(order, texts.RESIDENT_ESCALATED.format(number=order.id), "已上报")
        return texts.MEMBER_ESCALATED_OK.format(number=order.id)

    async def decline(self, member: Member, number: int, reason: str) -> str:
        order = await self._member_order(member, number, Action.DECLINE)
        self._refusal(Action.DECLINE, order)
        if order.assignee_id != member.id:
            raise Refused(texts.MEMBER_NOT_HOLDER.format(number=order.id))
        order.declined_by = [*(order.declined_by or []), member.id]
        nxt = await self.dispatch(
            order,
            action=Action.DECLINE,
            actor=f"member:{member.key}",
            prefix=f"{member.name} 退单（{reason}）；",
        )
        if nxt is not None:
            await self._tell_resident(
                order, texts.RESIDENT_HANDED_ON.format(number=order.id, who=who(nxt)), "已转派"
            )
            follow = texts.NEXT_ASSIGNEE.format(who=who(nxt))
        else:
            follow = texts.NEXT_NOBODY
        return texts.MEMBER_DECLINED_OK.format(number=order.id, next=follow)

    async def reassign(self, member: Member, number: int, target_text: str) -> str:
        order = await self._member_order(member, number, Action.REASSIGN)
        self._refusal(Action.REASSIGN, order)
        view = await self.roster()
        wanted = target_text.strip()
        candidates = [
            m
            for m in view.by_key.values()
            if m.active and (m.key.lower() == wanted.lower() or m.name == wanted)
        ]
        if not candidates:
            raise Refused(texts.MEMBER_REASSIGN_UNKNOWN.format(name=wanted))
        if len(candidates) > 1:
            raise Refused(texts.MEMBER_REASSIGN_AMBIGUOUS.format(name=wanted, number=order.id))
        new = candidates[0]
        before, now = order.status, self.clock.now()
        if not await self._save(
            order,
            status=Status.ASSIGNED.value,
            assignee_id=new.id,
            assigned_at=now,
            accepted_at=None,
            accept_reminded_at=None,
            updated_at=now,
        ):
            return await self._taken(order)
        self._event(
            order, f"member:{member.key}", "reassign", before, f"{member.name} 转派给 {new.name}"
        )
        await self._tell(
            new.openid,
            "order_assigned",
            texts.MEMBER_HANDED_TO_YOU.format(
                who=who(member),
                number=order.id,
                category=CATEGORY_NAMES.get(order.category, order.category),
                place=place_text(order),
                summary=order.summary,
            ),
            f"order:{order.id}:v{order.version}:assign:{new.key}",
            self._fields(order, "待接单"),
        )
        await self._tell_resident(
            order, texts.RESIDENT_HANDED_ON.format(number=order.id, who=who(new)), "已转派"
        )
        return texts.MEMBER_REASSIGNED_OK.format(number=order.id, who=who(new))

    async def member_open(self, member: Member) -> str:
        rows = (
            await self.session.execute(
                select(Order)
                .where(Order.assignee_id == member.id, Order.status.in_(ASSIGNED_STATUSES))
                .order_by(Order.urgent.desc(), Order.created_at)
                .limit(20)
            )
        ).scalars()
        lines = [
            f"#{o.id} {texts.STATUS_NAMES[o.status]}{' 紧急' if o.urgent else ''} "
            f"{place_text(o)}{o.summary}"
            for o in rows
        ]
        if not lines:
            return texts.MEMBER_NO_OPEN
        return "\n".join([texts.MEMBER_OPEN_HEADER, *lines])

    async def set_duty(self, member: Member, on: bool) -> str:
        member.on_duty = on
        member.updated_at = self.clock.now()
        await self.session.flush()
        self.roster_cache.invalidate()
        self._view = None
        return texts.MEMBER_ON_DUTY if on else texts.MEMBER_OFF_DUTY

    # -- residents -------------------------------------------------------------------------
    async def resident_orders(self, openid: str, limit: int = 5) -> str:
        rows = list(
            (
                await self.session.execute(
                    select(Order)
                    .where(Order.resident_openid == openid)
                    .order_by(Order.created_at.desc(), Order.id.desc())
                    .limit(limit)
                )
            ).scalars()
        )
        if not rows:
            return texts.NO_ORDERS
        view = await self.roster()
        lines = [texts.ORDERS_HEADER]
        for o in rows:
            holder = view.by_id.get(o.assignee_id) if o.assignee_id else None
            by = f"，{holder.name}" if holder and o.status in ASSIGNED_STATUSES else ""
            local = o.created_at.astimezone(self.config.tz).strftime("%m-%d %H:%M")
            lines.append(f"#{o.id} {texts.STATUS_NAMES[o.status]}{by}｜{o.summary}（{local}）")
        return "\n".join(lines)

    async def open_orders_of(self, openid: str) -> list[Order]:
        return list(
            (
                await self.session.execute(
                    select(Order)
                    .where(Order.resident_openid == openid, Order.status.in_(OPEN_STATUSES))
                    .order_by(Order.created_at.desc())
                )
            ).scalars()
        )

    async def cancel(self, openid: str, number: int | None) -> str:
        if number is None:
            open_orders = await self.open_orders_of(openid)
            if not open_orders:
                return texts.CANCEL_NOTHING
            if len(open_orders) > 1:
                return texts.CANCEL_WHICH.format(number=open_orders[0].id)
            order = open_orders[0]
        else:
            # Missing and someone else's get one answer: numbers are not a way to probe.
            found = await self.session.get(Order, number)
            if found is None or found.resident_openid != openid:
                raise Refused(texts.ORDER_NOT_FOUND.format(number=number))
            order = found
        self._refusal(Action.CANCEL, order)
        before, now = order.status, self.clock.now()
        assignee = order.assignee_id
        if not await self._save(
            order, status=Status.CANCELLED.value, updated_at=now, closed_at=now
        ):
            raise Refused(
                texts.ORDER_REFUSALS["illegal"].format(
                    number=order.id, status=texts.STATUS_NAMES.get(order.status, order.status)
                )
            )
        self._event(order, f"resident:{openid}", "cancel", before, "居民取消")
        if assignee is not None:
            view = await self.roster()
            holder = view.by_id.get(assignee)
            if holder is not None:
                await self._tell(
                    holder.openid,
                    "order_update",
                    texts.MEMBER_CANCELLED.format(number=order.id),
                    f"order:{order.id}:cancel:{holder.key}",
                    self._fields(order, "已取消"),
                )
        return texts.CANCELLED.format(number=order.id)

    async def latest_resolved(self, openid: str, within: timedelta) -> Order | None:
        since = self.clock.now() - within
        return (
            await self.session.execute(
                select(Order)
                .where(
                    Order.resident_openid == openid,
                    Order.status == Status.RESOLVED.value,
                    Order.resolved_at >= since,
                )
                .order_by(Order.resolved_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()

    async def rate(self, openid: str, order: Order, score: int) -> str:
        before, now = order.status, self.clock.now()
        order.rating = score
        order.updated_at = now
        if score <= 2:
            self._refusal(Action.REOPEN, order)
            await self.session.flush()
            self._event(order, f"resident:{openid}", "rate", before, f"评价 {score} 分：不满意")
            order.overdue_at = None
            order.resolve_reminded_at = None
            order.survey_sent_at = None
            await self.dispatch(
                order,
                action=Action.REOPEN,
                actor=f"resident:{openid}",
                prefix="居民不满意，重办；",
            )
            await self._tell_grid_leader(
                order,
                texts.REOPEN_GRID_FYI.format(
                    number=order.id,
                    category=CATEGORY_NAMES.get(order.category, order.category),
                    place=place_text(order),
                    summary=order.summary,
                    score=score,
                ),
                f"order:{order.id}:v{order.version}:reopen-fyi",
            )
            return texts.RATE_LOW.format(number=order.id)
        order.status = Status.CLOSED.value
        order.closed_at = now
        self.reschedule(order)
        await self.session.flush()
        self._event(order, f"resident:{openid}", "close", before, f"评价 {score} 分")
        return texts.RATED
