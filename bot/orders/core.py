"""The core of the order service: the one writer of changes, the roster and dispatch.

Runs inside the caller's unit of work (one transaction per inbound batch, per console
action, per timer batch), so the order, its history and every notice it causes (outbox rows)
commit together or not at all. :meth:`OrderService.apply` is the only path from a change to
the database: chat handlers, the timer tick and the console all end there.

History entries, pushes and the members' turn-taking times are staged (bot.storage.staged):
written with the batch, or before anything else in the transaction reads. A new order is
staged too, as a plain row (:class:`~bot.orders.state.FreshOrder`) with its number drawn
ahead (bot.storage.ids), so a report costs no statement of its own beyond the repeat check;
an existing order is loaded and written through the ORM, whose version column guards it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import texts
from bot.clock import Clock
from bot.config import Config
from bot.orders import batch
from bot.orders import lifecycle as lc
from bot.orders.audience import grid_of
from bot.orders.dispatch import Decision, Place, complained_about, decide
from bot.orders.lifecycle import Action, Change, Refusal, Status
from bot.orders.notices import FOLLOWER_KINDS, Notices
from bot.orders.outsiders import declined_said, same_community
from bot.orders.permissions import accept_first, held_by_another, may_act
from bot.orders.sla import sla_of
from bot.orders.state import FreshOrder, OrderFacts, write
from bot.orders.timers import Sla, plan
from bot.roster.cache import RosterCache, RosterView, card
from bot.storage.ids import next_id
from bot.storage.staged import flush, staged_for
from models.community import Member
from models.orders import Order, OrderEvent, OrderFollower

_MEMBERS: Table = Member.__table__  # type: ignore[assignment]
_ORDERS: Table = Order.__table__  # type: ignore[assignment]
_EVENTS: Table = OrderEvent.__table__  # type: ignore[assignment]


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
    danger: str | None = None  # "urgent" / "possible", as the parser read it
    hazard: str | None = None


@dataclass(frozen=True)
class Accepted:
    order: Order
    taken_by: Member | None = None  # someone else holds it already


def place_of(order: OrderFacts) -> Place:
    return Place(
        order.building, order.unit, order.room, order.estate_code or None, order.community_id
    )


def refused(refusal: Refusal, number: int) -> Refused:
    status = texts.STATUS_NAMES.get(refusal.status, refusal.status)
    return Refused(texts.ORDER_REFUSALS[refusal.code].format(number=number, status=status))


class OrderCore:
    """What every order action needs: the unit of work, the roster and the one writer."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        config: Config,
        roster: RosterCache,
        *,
        collect: bool = False,
    ) -> None:
        self.session = session
        self.clock = clock
        self.config = config
        self.roster_cache = roster
        # Bulk work (the timer tick) collects its history entries and pushes and writes each
        # kind with one statement; an ORM object per entry cost more than the rest of a tick.
        quiet = sla_of(config).quiet
        self.notices = Notices(session, config.tz, clock.now, collect=collect, quiet=quiet)
        self.history: list[dict[str, Any]] | None = [] if collect else None
        self._view: RosterView | None = None

    @cached_property
    def sla(self) -> Sla:
        """Every save and timer decision reads it: built once per configuration."""
        return sla_of(self.config)

    async def roster(self) -> RosterView:
        """The roster as this unit of work sees it: looked up once."""
        if self._view is None:
            self._view = await self.roster_cache.get(self.session)
        return self._view

    # -- the one writer ------------------------------------------------------------------------
    async def apply(self, order: Any, change: Change, actor: str) -> bool:
        """Write ``change`` onto ``order``, record its history and send its notices.

        An ORM order is written in a savepoint and flushed: False when someone else changed it
        first (nothing is written then). A plain row (bulk work) is changed in memory; its
        caller writes it with the history and pushes :meth:`take_collected` hands over.
        """
        before = order.status
        if isinstance(order, Order):
            try:
                # The savepoint opens before anything changes: opening it flushes pending
                # work, and a stale order must not be dirty then or the whole unit would fail.
                async with self.session.begin_nested():
                    write(order, change.values)
                    self.reschedule(order)
                    await self.session.flush()
            except StaleDataError:
                await self.session.refresh(order)
                return False
        elif isinstance(order, FreshOrder):
            await self._write_fresh(order, change.values)
        else:
            write(order, change.values)
        for entry in change.history:
            await self._record(order, actor, entry, before)
        await self.notices.left_resolved(order, before)
        if change.notices:
            view = await self.roster()
            followers = (
                await self.followers(order.id)
                if not isinstance(order, FreshOrder)
                and any(n.kind in FOLLOWER_KINDS for n in change.notices)
                else []
            )
            version = getattr(order, "version", 0)
            await self.notices.send(order, change.notices, view, version, followers)
        return True

    async def _write_fresh(self, order: FreshOrder, values: dict[str, Any]) -> None:
        """A change to a new order: its version moves when a column does (as the ORM's).

        Its row is staged as it stands when the batch is written; if it went out already
        (something else ran first), what moved is staged as an update.
        """
        before = {name: getattr(order, name) for name in (*values, "next_timer_at")}
        write(order, values)
        self.reschedule(order)
        moved = {n: getattr(order, n) for n, v in before.items() if getattr(order, n) != v}
        if not moved:
            return
        order.version += 1
        if order.written:
            # rare (the roster reloaded in between): written now, so what this batch reads
            # next sees the order as it is (bot.orders.batch counts staged orders apart)
            row = {"id": order.id, **moved, "version": order.version}
            (await staged_for(self.session)).update(_ORDERS, row)
            await flush(self.session)

    def reschedule(self, order: Any) -> None:
        """When the order's next timer falls: now if one fell due since the last tick."""
        now = self.clock.now()
        due, later = plan(order, self.sla, now)
        order.next_timer_at = now if due else later

    async def _record(self, order: Any, actor: str, entry: lc.History, before: str | None) -> None:
        row = {
            "order_id": order.id,
            "at": self.clock.now(),
            "actor": actor,
            "action": entry.action,
            "from_status": before,
            "to_status": order.status,
            "note": entry.note,
            "data": entry.data,
        }
        if self.history is not None:
            self.history.append(row)
        else:
            (await staged_for(self.session)).insert(_EVENTS, row)

    def take_collected(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The collected history entries and pushes (``collect=True``), for a bulk write."""
        events, self.history = self.history or [], ([] if self.history is not None else None)
        pushes = self.notices.collected or []
        if self.notices.collected is not None:
            self.notices.collected = []
        return events, pushes

    async def followers(self, order_id: int) -> list[str]:
        """Residents who reported the same problem (they hear about its progress)."""
        rows = await self.session.execute(
            select(OrderFollower.openid).where(OrderFollower.order_id == order_id)
        )
        return list(rows.scalars())

    # -- lookups -------------------------------------------------------------------------------
    async def member_by_openid(self, openid: str) -> Member | None:
        return (
            await self.session.execute(
                select(Member).where(Member.openid == openid, Member.active.is_(True))
            )
        ).scalar_one_or_none()

    async def member_order(self, member: Member, number: int, action: Action) -> Order:
        """The order a member names, if it is theirs to act on. A missing order and one
        outside the member's scope get the same answer: no one learns what exists elsewhere."""
        order = await self.session.get(Order, number)
        if order is None:
            raise Refused(texts.MEMBER_ORDER_UNKNOWN.format(number=number))
        if action == Action.ACCEPT and order.resident_openid == member.openid:
            raise Refused(texts.MEMBER_OWN_ORDER.format(number=number))  # nobody rates themself
        view = await self.roster()
        mine = order.assignee_id == member.id  # staff may hand it to another community's member
        if not (mine or same_community(view, member, order.community_id)):
            raise Refused(texts.MEMBER_ORDER_UNKNOWN.format(number=number))
        place, who, what = place_of(order), card(member), order.category
        grid = grid_of(view.index_for(order.community_id), place)
        may = may_act(who, action, is_assignee=mine, place=place, category=what, grid=grid)
        if may and lc.check(action, Status(order.status)) is None:
            return order
        if said := await declined_said(self.session, order, member, view):
            raise Refused(said)  # 退单 N (or 转派 N), then 完成 N: who has it, not "accept it"
        if may:
            return order
        # 完成 N before anyone took it, by someone who may take it: 接单 N first
        if accept_first(who, action, order.status, place=place, category=what, grid=grid):
            raise refused(Refusal("not_accepted", order.status), order.id)
        holder = view.by_id.get(order.assignee_id) if order.assignee_id is not None else None
        if holder is not None and held_by_another(
            who, action, order.status, place=place, category=what, grid=grid
        ):
            raise Refused(texts.MEMBER_ORDER_HELD.format(number=number, who=holder.name))
        raise Refused(texts.MEMBER_ORDER_UNKNOWN.format(number=number))

    async def _open_counts(
        self, view: RosterView, keys: set[str], community: Iterable[str]
    ) -> dict[str, int]:
        """Open orders held by each of ``keys``, read once per batch (bot.orders.batch): for
        the whole ``community`` at once when it is small, since the batch's next reports
        will likely ask about its other members."""
        known = view.ids
        ids = [known[k] for k in keys if k in known]

        def also() -> list[int]:
            found = [known[k] for k in community if k in known]
            return found if len(found) <= 200 else []

        counts: dict[str, int] = {}
        found = await batch.held_counts(self.session, ids, also)
        for member_id, n in found.items():
            key = view.key_of(member_id)
            if key and n:
                counts[key] = n
        return counts

    # -- creating and dispatching --------------------------------------------------------------
    async def report(
        self, openid: str, new: NewOrder, source_message_id: int | None = None
    ) -> tuple[FreshOrder, Member | None]:
        """A new order, dispatched: staged with its history and pushes, written with the
        batch (its number is drawn now: the reply names it)."""
        now = self.clock.now()
        await self.roster()  # first: a reload reads through the ORM (staged rows go out)
        staged = await staged_for(self.session)
        memo = await batch.reads(self.session)
        # a hint: the rest of the batch may be reports too (numbers drawn ahead are kept)
        want = len(batch.senders(self.session)) - len(memo.fresh)
        order = FreshOrder(
            id=await next_id(self.session, _ORDERS, staged, want),
            resident_openid=openid,
            building=new.place.building,
            unit=new.place.unit,
            room=new.place.room,
            community_id=new.place.community,
            estate_code=new.place.estate,
            category=new.category,
            urgent=new.urgent,
            text=new.text,
            summary=new.summary[:100] or new.text[:30],
            phones=list(new.phones),
            preferred_start=new.preferred_start,
            preferred_end=new.preferred_end,
            danger=new.danger,
            hazard=new.hazard,
            status=Status.RECEIVED.value,
            source_message_id=source_message_id,
            created_at=now,
            updated_at=now,
        )
        staged.insert(_ORDERS, order)  # read when written: as dispatched by then
        await batch.created(self.session, order)
        receive = lc.History("receive", texts.HISTORY_RECEIVED)
        await self._record(order, f"resident:{openid}", receive, None)
        member = await self.dispatch(order)
        if new.danger == "possible":
            await self.apply(order, lc.possible_danger(new.hazard), "system")
        return order, member

    async def choose(
        self, order: Order | FreshOrder, exclude: tuple[str, ...], declined_ids: list[int]
    ) -> tuple[RosterView, Decision]:
        """Whom the order's chain gives it to now (nothing is written)."""
        view = await self.roster()
        declined = {view.key_of(i) for i in declined_ids}
        place = place_of(order)
        index = view.index_for(order.community_id)
        links = index.chain(place, order.category)
        candidates = {k for _, ids, _ in links for k in ids}
        # a complaint about a member goes past them, as their own request does
        own = view.own_keys.get(order.resident_openid)
        about = [*complained_about(order.text, index.members), own]
        decision = decide(
            index,
            place,
            order.category,
            urgent=order.urgent,
            exclude=tuple(k for k in (*exclude, *declined, *about) if k),
            open_counts=await self._open_counts(view, candidates, index.members),
            last_assigned=self.roster_cache.last_assigned,
            cap=self.config.reports.max_open_per_member,
            links=links,
        )
        return view, decision

    async def dispatch(
        self,
        order: Order | FreshOrder,
        *,
        exclude: tuple[str, ...] = (),
        action: Action = Action.ASSIGN,
        actor: str = "system",
        prefix: str = "",
        first: Change | None = None,
        why: str | None = None,
    ) -> Member | None:
        """Give the order to the next member of its chain (or leave it with nobody);
        ``first``: a change leading to it (a decline, a low rating), written with it."""
        declined = (first.values if first else {}).get("declined_by", order.declined_by)
        view, decision = await self.choose(order, exclude, declined or [])
        member = view.by_key.get(decision.member_id) if decision.member_id else None
        now = self.clock.now()
        if member is None:
            change = lc.leave_unassigned(action, prefix + decision.reason, now, urgent=order.urgent)
        else:
            change = lc.assign(
                order,
                action,
                member.id,
                member.key,
                prefix + decision.reason,
                decision.level,
                now,
                decision.also_notify,
                why=why if why is not None else prefix.rstrip("；; "),
            )
            self.roster_cache.note_assigned(member.key, now)
            member.last_assigned_at = now
        await self.apply(order, first.then(change) if first else change, actor)
        if member is not None:
            await self._note_assigned(member, now)
        return member

    async def _note_assigned(self, member: Member, now: datetime) -> None:
        """Turn-taking is fair across processes: the time each member was last given an
        order is kept on the roster, not only in this process's memory (staged: one write
        per batch, the latest time per member).

        On PostgreSQL the row is skipped when another transaction holds it: that one is giving
        the same member an order at the same moment and writes nearly the same time, and
        waiting for it would let two batches that assign members in different orders deadlock.
        """
        row = {"id": member.id, "last_assigned_at": now}
        (await staged_for(self.session)).update(_MEMBERS, row, skip_locked=True)
